#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""tool-tags.py MODE ...: the tags of a tool-assisted series.

Linux's Documentation/process/coding-assistants.rst: a tool adds no
Signed-off-by (only a human can certify the Developer's Certificate of
Origin) and the patch carries "Assisted-by: LLM [TOOL1] [TOOL2]", the
tools being specialised analysis tools (coccinelle, sparse, ...), never
the basic ones (git, gcc, make, editors).

  tool-tags.py commits LOG       LOG ("-": stdin) is the output of
                                 git log -z --format='%h %s%n%B' RANGE
  tool-tags.py patches FILE...   git format-patch files (a cover letter,
                                 which has no diff, is skipped)
      each commit or patch: no Signed-off-by line, and an Assisted-by
      line of that form in the message's last paragraph (its trailers).
  tool-tags.py signed --sender 'Name <email>' FILE...
      emails written for sending (b4 send -o): From: the sender, no
      "From:" line opening the body (the sender is the author), the
      trailers hold the Assisted-by line and end with the one
      Signed-off-by of the message, the sender's.

Prints "PASS NAME" or "FAIL NAME: why" per commit, patch or email and
exits 1 when any failed, 2 on a usage error."""
import email
import email.policy
import email.utils
import re
import sys

ASSISTED = re.compile(r'^Assisted-by:(.*)$', re.I)
SIGNOFF = re.compile(r'^Signed-off-by:(.*)$', re.I)
# coding-assistants.rst: "Basic development tools (git, gcc, make,
# editors) should not be listed."
BASIC = {'git', 'gcc', 'make', 'vi', 'vim', 'nvim', 'emacs', 'nano', 'ed'}
TOOL = re.compile(r'^[A-Za-z0-9][A-Za-z0-9._+-]*$')


def last_paragraph(lines):
    """The lines of the last paragraph of a message (its trailer block)."""
    while lines and not lines[-1].strip():
        lines = lines[:-1]
    start = len(lines)
    while start > 0 and lines[start - 1].strip():
        start -= 1
    return lines[start:]


def assisted_problems(lines):
    """What is wrong with the Assisted-by tags of a message's lines."""
    trailers = last_paragraph(lines)
    tags = [line for line in lines if ASSISTED.match(line)]
    if not tags:
        return ['no Assisted-by line']
    probs = []
    for t in tags:
        if t not in trailers:
            probs.append('"%s" is not in the trailers (the last paragraph)' % t)
        value = ASSISTED.match(t).group(1)
        words = value.split()
        if not t.startswith('Assisted-by: ') or value != ' ' + ' '.join(words):
            probs.append('"%s": want "Assisted-by: LLM [TOOL1] [TOOL2]", one space apart' % t)
        elif words[0] != 'LLM':
            probs.append('"%s": the value starts with "LLM"' % t)
        else:
            bad = [w for w in words[1:] if not TOOL.match(w) or w.lower() in BASIC]
            if bad:
                probs.append('"%s": not an analysis tool to list: %s' % (t, ' '.join(bad)))
    return probs


def unsigned_problems(lines):
    probs = ['carries "%s": a tool adds no Signed-off-by (coding-assistants.rst)' % line.strip()
             for line in lines if SIGNOFF.match(line)]
    return probs + assisted_problems(lines)


def patch_message(text):
    """The commit message of a format-patch file: the body up to "---",
    and whether the file holds a diff."""
    head, _, body = text.partition('\n\n')
    lines = body.split('\n')
    msg = []
    for line in lines:
        if line == '---' or line.startswith('diff --git '):
            break
        msg.append(line)
    return msg, '\ndiff --git ' in '\n' + body


def result(name, probs):
    if probs:
        print('FAIL %s: %s' % (name, '; '.join(probs)))
        return False
    print('PASS %s' % name)
    return True


def commits(path):
    data = (sys.stdin if path == '-' else open(path)).read()
    ok = True
    n = 0
    for entry in data.split('\0'):
        if not entry.strip():
            continue
        n += 1
        first, _, body = entry.lstrip('\n').partition('\n')
        ok = result(first, unsigned_problems(body.split('\n'))) and ok
    if n == 0:
        print('FAIL %s: no commits' % path)
        ok = False
    return ok


def patches(files):
    ok = True
    for f in files:
        msg, has_diff = patch_message(open(f, errors='replace').read())
        if has_diff:
            ok = result(f, unsigned_problems(msg)) and ok
    return ok


def same_address(a, b):
    na, ea = email.utils.parseaddr(a)
    nb, eb = email.utils.parseaddr(b)
    return ' '.join(na.split()) == ' '.join(nb.split()) and ea.lower() == eb.lower() and ea != ''


def signed(sender, files):
    ok = True
    for f in files:
        with open(f, 'rb') as fh:
            m = email.message_from_binary_file(fh, policy=email.policy.default)
        text = (m.get_body(('plain',)) or m).get_content()
        msg, has_diff = patch_message('\n\n' + text)
        probs = []
        frm = ' '.join(str(m['From'] or '').split())
        if not same_address(frm, sender):
            probs.append('From: %s, not the sender %s' % (frm or '(none)', sender))
        if not has_diff:
            # The cover letter: From: the sender, and no tag to check.
            ok = result(f, probs) and ok
            continue
        first = next((line for line in msg if line.strip()), '')
        if first.startswith('From: '):
            probs.append('the body opens with "%s": the sender is not the author' % first)
        sobs = [line for line in msg if SIGNOFF.match(line)]
        trailers = last_paragraph(msg)
        if len(sobs) != 1:
            probs.append('%d Signed-off-by lines, want the sender\'s only' % len(sobs))
        elif not same_address(SIGNOFF.match(sobs[0]).group(1).strip(), sender) or \
                not sobs[0].startswith('Signed-off-by: '):
            probs.append('"%s" is not the sender\'s (%s)' % (sobs[0], sender))
        elif not trailers or trailers[-1] != sobs[0]:
            probs.append('"%s" is not the last trailer' % sobs[0])
        probs += assisted_problems(msg)
        ok = result(f, probs) and ok
    return ok


def main():
    args = sys.argv[1:]
    if len(args) == 2 and args[0] == 'commits':
        return 0 if commits(args[1]) else 1
    if len(args) >= 2 and args[0] == 'patches':
        return 0 if patches(args[1:]) else 1
    if len(args) >= 4 and args[0] == 'signed' and args[1] == '--sender':
        return 0 if signed(args[2], args[3:]) else 1
    print(__doc__.strip().split('\n\n')[1], file=sys.stderr)
    return 2


if __name__ == '__main__':
    sys.exit(main())
