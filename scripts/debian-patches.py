#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""debian-patches.py DEBIAN PATCH...: which of Debian's kernel patches touch
a file the series touches.

DEBIAN is an unpacked debian/ directory of Debian's source package
"linux" (its debian.tar.xz); debian/patches/series lists the patches
applied to the upstream tree, in quilt's format (one patch a line, an
optional -pN, "#" comments). PATCH... are the series' git format-patch
files; the files they touch are read from their "diff --git" lines.

Prints the files the series touches, then one line per Debian patch that
touches any of them ("TOUCH debian/patches/NAME: FILE..."), or that none
does. Exits 1 when one does, 2 when DEBIAN has no patches/series or a
patch it lists is missing."""
import os
import re
import sys

GIT_DIFF = re.compile(r'^diff --git a/(\S+) b/(\S+)$')


def series_files(patches):
    files = set()
    for p in patches:
        for line in open(p, errors='replace'):
            m = GIT_DIFF.match(line.rstrip('\n'))
            if m:
                files.update(m.groups())
    return files


def strip(path, level):
    """A patch's path with LEVEL leading components dropped (quilt's -pN)."""
    path = path.split('\t')[0].strip()
    if path == '/dev/null':
        return None
    parts = [c for c in path.split('/') if c]
    if len(parts) <= level:
        return None
    return os.path.normpath('/'.join(parts[level:]))


def touched(path, level):
    """The files a (quilt or git) patch touches."""
    files = set()
    prev = None
    for line in open(path, errors='replace'):
        line = line.rstrip('\n')
        m = GIT_DIFF.match(line)
        if m and level == 1:
            files.update(m.groups())
        elif line.startswith('+++ ') and prev is not None and prev.startswith('--- '):
            for f in (strip(prev[4:], level), strip(line[4:], level)):
                if f:
                    files.add(f)
        prev = line
    return files


def series(debian):
    """(name, -p level) of each patch debian/patches/series applies."""
    out = []
    for line in open(os.path.join(debian, 'patches', 'series')):
        words = line.split('#', 1)[0].split()
        if not words:
            continue
        level = 1
        for w in words[1:]:
            m = re.match(r'^-p([0-9]+)$', w)
            if m:
                level = int(m.group(1))
        out.append((words[0], level))
    return out


def main():
    if len(sys.argv) < 3:
        print(__doc__.strip().split('\n\n')[0], file=sys.stderr)
        return 2
    debian, patches = sys.argv[1], sys.argv[2:]
    if not os.path.isfile(os.path.join(debian, 'patches', 'series')):
        print('no %s/patches/series' % debian, file=sys.stderr)
        return 2
    mine = series_files(patches)
    print('the series touches %d file(s): %s' % (len(mine), ' '.join(sorted(mine))))
    applied = series(debian)
    hits = 0
    for name, level in applied:
        path = os.path.join(debian, 'patches', name)
        if not os.path.isfile(path):
            print('missing: debian/patches/%s, listed in debian/patches/series' % name, file=sys.stderr)
            return 2
        common = sorted(touched(path, level) & mine)
        if common:
            hits += 1
            print('TOUCH debian/patches/%s: %s' % (name, ' '.join(common)))
    if hits:
        print('%d of the %d Debian patch(es) of debian/patches/series touch a file the series touches'
              % (hits, len(applied)))
        return 1
    print('none of the %d Debian patch(es) of debian/patches/series touches a file the series touches'
          % len(applied))
    return 0


if __name__ == '__main__':
    sys.exit(main())
