#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""maintainers-cover.py PATCH...: every file the patches add is matched by
an F: pattern that their MAINTAINERS patch adds (MAINTAINERS semantics: a
pattern ending in "/" matches everything below it; "*" and "?" do not
cross "/"). Prints "N added file(s), M pattern(s)"; exits 1, listing the
files no pattern covers, otherwise."""
import re
import sys


def pattern_re(pat):
    rx = ''
    for ch in pat:
        rx += {'*': '[^/]*', '?': '[^/]'}.get(ch, re.escape(ch))
    return re.compile(rx + ('.*' if pat.endswith('/') else '') + '$')


def main(paths=None):
    paths = sys.argv[1:] if paths is None else paths
    added, patterns = [], []
    for path in paths:
        cur = None
        for line in open(path, encoding='utf-8', errors='replace'):
            m = re.match(r'diff --git a/(\S+) b/(\S+)$', line)
            if m:
                cur = m.group(2)
            elif line.startswith('new file mode') and cur:
                added.append(cur)
            elif cur == 'MAINTAINERS' and re.match(r'\+F:\s+\S', line):
                patterns.append(line[1:].split(None, 1)[1].strip())
    rxs = [pattern_re(p) for p in patterns]
    missing = [f for f in added if not any(r.match(f) for r in rxs)]
    if missing or not patterns:
        for f in missing:
            print('not covered: ' + f)
        if not patterns:
            print('no F: line added to MAINTAINERS')
        return 1
    print('%d added file(s), %d pattern(s)' % (len(added), len(patterns)))
    return 0


if __name__ == '__main__':
    sys.exit(main())
