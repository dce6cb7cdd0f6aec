#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""key-cells.py RUN.jsonl LABEL [CLOCK]: the cover letter's results table, plain
text within 80 columns: for a few key cells of a make bench run, without
pressure and under memcg, the absolute throughput of base (Linux 7.3) and
patched (MB/s; round trips per second for ping-pong), their ratio, the
ratio of patched to v72 (Linux 7.2) where the run has it, and page
allocator calls per MiB (per message for ping-pong) of base and patched.
Each figure is a cell's median over rounds, in CLOCK (default icount);
the 64 KiB grid row gives the median over its cells. LABEL names the
patched kernel."""
import importlib.util
import json
import os
import statistics
import sys
import textwrap

_spec = importlib.util.spec_from_file_location(
    'bench_report', os.path.join(os.path.dirname(os.path.abspath(__file__)), 'bench-report.py'))
br = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(br)

# (msg_size, mode, writers, readers) of the key cells; None: the 64K grid.
KEY = [None, (100, '', 1, 1), (100, '', 5, 5), (512, '', 5, 5), (4096, '', 5, 5),
       (1048576, '', 1, 1), (1, 'pp', 1, 1), (100, 'pp', 1, 1)]


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    label = argv[1] if len(argv) > 1 else 'patched'
    clock = argv[2] if len(argv) > 2 else 'icount'
    recs = [json.loads(l) for l in open(argv[0]) if l.strip()]
    recs = [r for r in recs if r.get('clock') == clock]
    if not recs:
        print('no %s records in %s' % (clock, argv[0]))
        return 1
    cells = {}
    for r in recs:
        cells.setdefault(r['variant'], {}).setdefault(br.rec_key(r), {})[r['round']] = r
    if 'base' not in cells or 'patched' not in cells:
        print('no base or patched kernel in ' + argv[0])
        return 1
    has72 = 'v72' in cells

    def med(v, k, f):
        rs = cells.get(v, {}).get(k)
        return statistics.median(f(x) for x in rs.values()) if rs else None

    def ratio(v, b, k):
        p, q = cells.get(v, {}).get(k, {}), cells.get(b, {}).get(k, {})
        rr = br.round_ratios(p, q)
        return statistics.median(rr) if rr else None

    print('%-20s %9s %9s %7s %7s %8s %8s' % ('cell', '7.3', label, label + '/', label + '/',
                                            'allocs', 'allocs'))
    print('%-20s %9s %9s %7s %7s %8s %8s' % ('', 'MB/s', 'MB/s', '7.3', '7.2' if has72 else '',
                                            '7.3', label))
    for p in ('none', 'memcg'):
        keys = {k for k in cells['patched'] if k[0] == p}
        if not keys:
            continue
        for kk in KEY:
            if kk is None:
                ks = sorted(k for k in keys if k[1] == 65536 and k[2] == '')
                name = '64K grid (%d)' % len(ks)
            else:
                ks = [k for k in keys if k[1:] == kk]
                name = ('%s pp' if kk[1] == 'pp' else '%s %dx%d') % (
                    br.cellname((p,) + kk)[0], *kk[2:]) if kk[1] != 'pp' else \
                    '%s ping-pong' % br.cellname((p,) + kk)[0]
            if not ks:
                continue

            def agg(f):
                xs = [x for x in (f(k) for k in ks) if x is not None]
                return statistics.median(xs) if xs else None
            tb, tp = agg(lambda k: med('base', k, br.tput)), agg(lambda k: med('patched', k, br.tput))
            r73, r72 = agg(lambda k: ratio('patched', 'base', k)), agg(lambda k: ratio('patched', 'v72', k))
            ab, ap = agg(lambda k: med('base', k, br.allocs)), agg(lambda k: med('patched', k, br.allocs))
            pp = kk is not None and kk[1] == 'pp'
            f = (lambda x: '%9.0f' % x) if pp else (lambda x: '%9.1f' % x)
            fa = (lambda x: '%8.3f' % x) if pp else (lambda x: '%8.1f' % x)
            print('%-20s %s %s %s %s %s %s' % (
                (name + ', ' + p)[:20], f(tb) if tb is not None else '%9s' % '-',
                f(tp) if tp is not None else '%9s' % '-',
                '%7.3f' % r73 if r73 is not None else '%7s' % '-',
                '%7.3f' % r72 if r72 is not None else '%7s' % '-',
                fa(ab) if ab is not None else '%8s' % '-', fa(ap) if ap is not None else '%8s' % '-'))
    rounds = max(r['round'] for r in recs)
    print('(%s clock, %d round(s); ping-pong rows: round trips/s and allocator' % (clock, rounds))
    print(' calls per message; 64K grid: median over its cells)')
    if rounds > 1:
        # How far rounds of one kernel spread, and the cells where the
        # patched kernel was below or above base in every round.
        spread, below, above = (1.0, ''), [], []
        for v in ('base', 'patched'):
            for k, rs in cells[v].items():
                t = [br.tput(x) for x in rs.values() if br.tput(x) > 0]
                if len(t) > 1 and max(t) / min(t) > spread[0]:
                    spread = (max(t) / min(t), '%s %s, %s' % (v, ' '.join(br.cellname(k)), k[0]))
        for k in sorted(cells['patched'], key=br.cell_key):
            p, q = cells['patched'][k], cells['base'].get(k, {})
            rr = br.round_ratios(p, q)
            if len(rr) == rounds and (k[2] == 'pp' or k[1] != 65536):
                name = '%s %s' % (' '.join(br.cellname(k)), k[0])
                if max(rr) < 1:
                    below.append(name)
                elif min(rr) > 1:
                    above.append(name)
        print('Rounds of one kernel differ by up to %.1fx (%s).' % spread)
        for what, lst in (('below', below), ('above', above)):
            if lst:
                print('%s below 7.3 in every round:' % label if what == 'below' else
                      '%s above 7.3 in every round:' % label)
                print(textwrap.fill(', '.join(lst), 76, initial_indent='  ', subsequent_indent='  '))
    return 0


if __name__ == '__main__':
    sys.exit(main())
