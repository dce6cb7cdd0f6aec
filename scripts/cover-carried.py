#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""cover-carried.py BODY MAIL...: whether each MAIL (an email file: b4's
.eml, git format-patch's cover letter) carries the text of BODY
(cover-letter/body) unchanged, as one block. Prints "ok: ..." or
"FAIL: ..." with a diff per MAIL; exits 1 if any does not.

A tool may rewrite a cover letter on its way out: b4 takes a line of the
last paragraph that looks like a trailer ("well: the gap lies ...") for
one and moves it below the text. make check (on b4's emails) and make
send-dry (on b4's and make export's) run this."""
import difflib
import email
import email.policy
import sys


def text_of(path):
    """The decoded body of the email in PATH, with LF line ends."""
    with open(path, 'rb') as f:
        m = email.message_from_binary_file(f, policy=email.policy.default)
    return m.get_payload(decode=True).decode().replace('\r\n', '\n')


def main():
    if len(sys.argv) < 3:
        raise SystemExit(__doc__.split('\n')[0])
    body = open(sys.argv[1]).read().strip()
    bad = 0
    for path in sys.argv[2:]:
        text = text_of(path)
        if body in text:
            print('ok: %s carries %s' % (path, sys.argv[1]))
            continue
        bad += 1
        print('FAIL: %s does not carry %s unchanged:' % (path, sys.argv[1]))
        lines = (body + '\n').splitlines(True)
        got = text.splitlines(True)
        # The mail's text from the body's first line on, as long as the body.
        start = next((i for i, line in enumerate(got) if line == lines[0]), 0)
        diff = difflib.unified_diff(lines, got[start:start + len(lines) + 5],
                                    sys.argv[1], path)
        sys.stdout.writelines(('    ' + d) for d in list(diff)[:40])
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())
