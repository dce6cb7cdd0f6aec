#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""tap-count.py FILE...: count the results of kselftest TAP (and KUnit KTAP)
output. Results nest (kselftest's runner prefixes its tests' TAP with "# ",
KUnit indents suites, cases and parameters by four spaces); a subtest's
results come before the line of the test that holds them. Every result
without subtests counts; a result with subtests counts only when it failed
without a failing subtest (a crash or a timeout), as one failure.

A file whose top-level results do not match its top-level plan ("1..N")
fails once more: a stream without a plan, or one that stopped early (a
guest that died in the middle of a test), does not pass on the strength of
the results it printed before.

Prints failing and skipped lines, then "N passed, N failed[, N skipped]".
Exit status: 0 when nothing failed and something ran, 1 otherwise."""
import re
import sys

RES = re.compile(r'^(?P<ind>(?:# ?|\s)*)(?P<not>not )?ok (?P<n>\d+)\s*-?\s*(?P<desc>[^#]*?)\s*(?:#\s*(?P<dir>\S+)(?P<rest>.*))?$')
PLAN = re.compile(r'^1\.\.(?P<n>\d+)\s*(?:#.*)?$')
# KUnit prints through the kernel log: a "[  1.234] " prefix, or, with
# printk's caller id, "[  1.234][    T1] ".
STAMP = re.compile(r'^\[\s*\d+\.\d+\](?:\[\s*[CT]\d+\])?\s?')


def count(lines):
    passed = failed = skipped = 0
    notes = []
    stack = []   # (depth, a result failed in this subtree) of open results
    plans = planned = top = 0
    for line in lines:
        line = STAMP.sub('', line.rstrip('\r\n'))
        if PLAN.match(line):
            plans += 1
            planned += int(PLAN.match(line).group('n'))
            continue
        m = RES.match(line)
        if not m:
            continue
        depth = len(m.group('ind'))
        is_skip = (m.group('dir') or '').upper().startswith('SKIP')
        bad = m.group('not') is not None and not is_skip
        # The results deeper than this one, printed since the last result
        # at this depth or above, are its subtests.
        subs = []
        while stack and stack[-1][0] > depth:
            subs.append(stack.pop())
        sub_failed = any(f for _, f in subs)
        if not depth:
            top += 1
        if not subs:
            if is_skip:
                skipped += 1
                notes.append('SKIP ' + line.strip('# \t'))
            elif bad:
                failed += 1
                notes.append('FAIL ' + line.strip('# \t'))
            else:
                passed += 1
        elif bad and not sub_failed:
            failed += 1
            notes.append('FAIL ' + line.strip('# \t'))
        stack.append((depth, bad or sub_failed))
    ran = passed + failed + skipped
    if ran and not plans:
        failed += 1
        notes.append('FAIL no TAP plan ("1..N") for the results above')
    elif plans and top != planned:
        failed += 1
        notes.append('FAIL %d top-level result(s), the plan says %d (stopped early?)' % (top, planned))
    return passed, failed, skipped, notes


def main():
    total = [0, 0, 0]
    for path in sys.argv[1:]:
        with open(path, errors='replace') as f:
            p, fl, s, notes = count(f)
        for n in notes:
            print(f'{path}: {n}')
        total[0] += p
        total[1] += fl
        total[2] += s
    line = f'{total[0]} passed, {total[1]} failed'
    if total[2]:
        line += f', {total[2]} skipped'
    print(line)
    return 0 if total[1] == 0 and total[0] > 0 else 1


if __name__ == '__main__':
    sys.exit(main())
