#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""ablation-table.py RUN.jsonl [SERIES_FILE]: the cover letter's ablation
table, plain text within 80 columns, from a make bench run whose kernels
are base and patched-N steps of the series (and patched): per kernel, the
median over cells of the per-cell throughput ratio to base (each cell's
median over rounds, icount clock), without pressure and under memcg, and
the median page allocator calls per MiB of the 64 KiB cells. SERIES_FILE
(patches/pool/series) names what patch N is."""
import importlib.util
import json
import os
import re
import statistics
import sys
import textwrap

# The cells, throughput and allocator counts of bench-report.py, so that
# the table says what the report's tables say.
_spec = importlib.util.spec_from_file_location(
    'bench_report', os.path.join(os.path.dirname(os.path.abspath(__file__)), 'bench-report.py'))
br = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(br)


def order(v):
    if v == 'base':
        return (0, 0)
    m = re.match(r'patched-([0-9]+)$', v)
    return (1, int(m.group(1))) if m else (2, 0) if v == 'patched' else (3, 0)


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    recs = [json.loads(l) for l in open(argv[0]) if l.strip()]
    recs = [r for r in recs if r.get('clock') == 'icount']
    subjects = []
    if len(argv) > 1:
        sdir = os.path.dirname(argv[1])
        for l in open(argv[1]):
            if l.strip() and not l.startswith('#'):
                head = open(os.path.join(sdir, l.strip())).read().split('\n\n', 1)[0]
                m = re.search(r'^Subject: (.*(?:\n[ \t].*)*)', head, re.M)
                subj = re.sub(r'\s+', ' ', m.group(1)) if m else ''
                subjects.append(re.sub(r'^\[PATCH[^]]*\] ', '', subj))
    cells = {}
    for r in recs:
        # (pressure, msg_size, mode, writers, readers) -> {round: record}
        cells.setdefault((r['variant'], br.rec_key(r)), {})[r['round']] = r
    variants = sorted({r['variant'] for r in recs}, key=order)
    if 'base' not in variants:
        print('no base kernel in ' + argv[0])
        return 1
    rounds = max(r['round'] for r in recs)
    print('%-10s %11s %11s %17s' % ('kernel', 'vs 7.3:', 'vs 7.3:', 'allocs/MiB, 64K:'))
    print('%-10s %11s %11s %8s %8s' % ('', 'none', 'memcg', 'none', 'memcg'))
    legend = []
    for v in variants:
        m = re.match(r'patched-([0-9]+)$', v)
        if m and int(m.group(1)) <= len(subjects):
            legend.append('%s: up to "%s"' % (v, subjects[int(m.group(1)) - 1]))
        cols = []
        for p in ('none', 'memcg'):
            ratios = []
            for (var, key), rs in cells.items():
                if var != v or key[0] != p or ('base', key) not in cells:
                    continue
                base = cells[('base', key)]
                per_round = br.round_ratios(rs, base)
                if per_round:
                    ratios.append(statistics.median(per_round))
            cols.append('%11.3f' % statistics.median(ratios) if ratios else '%11s' % '-')
        for p in ('none', 'memcg'):
            a = [statistics.median(br.allocs(r) for r in rs.values())
                 for (var, key), rs in cells.items()
                 if var == v and key[0] == p and key[1] == 65536 and key[2] == '']
            cols.append('%8.1f' % statistics.median(a) if a else '%8s' % '-')
        print('%-10s %s' % (v, ' '.join(cols)))
    print('(median over %d cells per pressure, %d round(s), icount clock)'
          % (len({k for (_, k) in cells if k[0] == 'none'}), rounds))
    for line in legend:
        print(textwrap.fill(line, 78, subsequent_indent='    '))
    return 0


if __name__ == '__main__':
    sys.exit(main())
