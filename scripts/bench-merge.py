#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""bench-merge.py OUT [--parts DIR]... [FILE.jsonl]...: one results file
from several bench.sh runs of the same kernels and shape, for instance the
icount and realtime clocks run by separate invocations (CLOCKS=icount,
CLOCKS=realtime), so that bench-report.py puts them in one report.

--parts DIR takes the per-boot files bench.sh keeps in work/parts-* while a
run is under way (a run that stopped before it wrote its results file); each
record gets run_wall_s, the wall time from the first boot's start (file time
minus boot_wall_s) to the last boot's end (file time), and run_clocks."""
import argparse
import glob
import json
import os


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('out')
    ap.add_argument('--parts', action='append', default=[])
    ap.add_argument('files', nargs='*')
    a = ap.parse_intermixed_args()
    recs = []
    for d in a.parts:
        files = sorted(glob.glob(os.path.join(d, '*.jsonl')))
        part = []
        start, end = None, None
        for f in files:
            rs = [json.loads(line) for line in open(f) if line.strip()]
            if not rs:
                continue
            t = os.path.getmtime(f)
            b = t - rs[0]['boot_wall_s']
            start = b if start is None else min(start, b)
            end = t if end is None else max(end, t)
            part += rs
        clocks = ' '.join(sorted({r['clock'] for r in part}))
        for r in part:
            r.setdefault('run_wall_s', int(round(end - start)))
            r.setdefault('run_clocks', clocks)
        # bench.sh's order: clock, round, kernel as they ran.
        part.sort(key=lambda r: (r['clock'], r['round']))
        recs += part
    for f in a.files:
        recs += [json.loads(line) for line in open(f) if line.strip()]
    if not recs:
        raise SystemExit('no records')
    with open(a.out, 'w') as o:
        for r in recs:
            o.write(json.dumps(r, sort_keys=True) + '\n')
    print(f'{a.out}: {len(recs)} records')


if __name__ == '__main__':
    main()
