#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""tap-count.py FILE...: count the results of kselftest TAP (and KUnit KTAP)
output. A test with nested results counts by its subtests; a top-level test
that failed without a failing subtest (crash, timeout) counts as one failure.
Prints failing and skipped lines, then "N passed, N failed[, N skipped]".
Exit status: 0 when nothing failed and something ran, 1 otherwise."""
import re
import sys

RES = re.compile(r'^(?P<ind>(?:# ?|\s)*)(?P<not>not )?ok (?P<n>\d+)\s*-?\s*(?P<desc>[^#]*?)\s*(?:#\s*(?P<dir>\S+)(?P<rest>.*))?$')


def count(lines):
    passed = failed = skipped = 0
    notes = []
    nested = []   # results of subtests seen since the last top-level result
    for line in lines:
        line = line.rstrip('\r\n')
        # KUnit prints through the kernel log: strip a "[  1.234] " prefix.
        line = re.sub(r'^\[\s*\d+\.\d+\]\s?', '', line)
        m = RES.match(line)
        if not m:
            continue
        ind = m.group('ind')
        directive = (m.group('dir') or '').upper()
        is_skip = directive.startswith('SKIP')
        ok = m.group('not') is None
        if ind:
            nested.append((ok, is_skip, line))
            continue
        # A top-level result closes its nested subtests; only the innermost
        # level of nesting counts.
        if nested:
            depth = max(len(r[2]) - len(r[2].lstrip('# \t')) for r in nested)
            subs = [r for r in nested if len(r[2]) - len(r[2].lstrip('# \t')) == depth]
        else:
            subs = []
        nested = []
        if subs:
            for sok, sskip, sline in subs:
                if sskip:
                    skipped += 1
                    notes.append('SKIP ' + sline.strip('# \t'))
                elif sok:
                    passed += 1
                else:
                    failed += 1
                    notes.append('FAIL ' + sline.strip('# \t'))
            if not ok and not is_skip and all(s[0] or s[1] for s in subs):
                failed += 1
                notes.append('FAIL ' + line)
        elif is_skip:
            skipped += 1
            notes.append('SKIP ' + line)
        elif ok:
            passed += 1
        else:
            failed += 1
            notes.append('FAIL ' + line)
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
