#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""bench-report.py [--baseline base] FILE.jsonl...: the cover-letter tables
from pipe_bench records written by bench.sh. Per pressure mode and cell:
throughput and average write latency (medians over rounds), the median of the
per-round ratios variant/baseline with its min-max and a 95% bootstrap
confidence interval, and page-allocator calls per MiB piped. A cell whose
interval spans 1.0 is marked "~" (no significant change)."""
import argparse
import json
import random
import statistics
from collections import defaultdict


def median(xs):
    return statistics.median(xs) if xs else float('nan')


def boot_ci(xs, n=2000, seed=1):
    """95% bootstrap interval of the median (deterministic seed)."""
    if len(xs) < 2:
        return (xs[0], xs[0]) if xs else (float('nan'),) * 2
    rnd = random.Random(seed)
    meds = sorted(median([rnd.choice(xs) for _ in xs]) for _ in range(n))
    return meds[int(0.025 * n)], meds[int(0.975 * n) - 1]


def size(n):
    for unit, div in (('M', 1 << 20), ('K', 1 << 10)):
        if n >= div and n % div == 0:
            return f'{n // div}{unit}'
    return str(n)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--baseline', default='base')
    ap.add_argument('files', nargs='+')
    a = ap.parse_args()
    recs = [json.loads(l) for f in a.files for l in open(f) if l.strip()]
    if not recs:
        raise SystemExit('no records')
    variants = []
    for r in recs:
        if r['variant'] not in variants:
            variants.append(r['variant'])
    others = [v for v in variants if v != a.baseline]
    cells = defaultdict(lambda: defaultdict(dict))
    for r in recs:
        key = (r['pressure'], r['msg_size'], r['packet'], r['writers'], r['readers'])
        cells[key][r['variant']][r['round']] = r
    env = recs[0]
    print(f"Linux {env.get('kernel', '?')} ({env['pkg']} {env['pkg_version']}), "
          f"{env['vcpus']} vCPUs, {env['mem']}, accel={env['accel']}, clock={env['clock']}, "
          f"rounds={max(r['round'] for r in recs)}, date={env['date']}")
    print()
    summary = defaultdict(list)
    pairs = [(v, a.baseline) for v in others]
    # The series against 7.3's pool on the same base, when both ran.
    if 'patched' in variants and 'pool73' in variants and a.baseline != 'pool73':
        pairs.append(('patched', 'pool73'))
    for v, base in pairs:
        for pressure in sorted({k[0] for k in cells}):
            print(f'### {v} vs {base}, pressure: {pressure}')
            print()
            print(f'| size | w x r | MB/s {base} | MB/s {v} | delta | ratio median [min-max] | 95% CI | '
                  f'write lat avg us {base} -> {v} | allocs/MiB {base} -> {v} |')
            print('|---|---|---|---|---|---|---|---|---|')
            for key in sorted(k for k in cells if k[0] == pressure):
                _, msg, pkt, w, r = key
                b, p = cells[key].get(base, {}), cells[key].get(v, {})
                rounds = sorted(set(b) & set(p))
                if not rounds:
                    continue
                ratios = [p[i]['mb_per_s'] / b[i]['mb_per_s'] for i in rounds if b[i]['mb_per_s'] > 0]
                if not ratios:
                    continue
                lo, hi = boot_ci(ratios)
                mb_b = median([b[i]['mb_per_s'] for i in rounds])
                mb_p = median([p[i]['mb_per_s'] for i in rounds])
                wl_b = median([b[i]['write_lat_ns']['avg'] for i in rounds]) / 1000
                wl_p = median([p[i]['write_lat_ns']['avg'] for i in rounds]) / 1000
                al_b = median([b[i]['allocs_per_mib'] for i in rounds])
                al_p = median([p[i]['allocs_per_mib'] for i in rounds])
                m = median(ratios)
                sig = '~' if lo <= 1.0 <= hi and len(ratios) > 1 else ''
                summary[(f'{v} / {base}', pressure)].append(m)
                print(f'| {size(msg)}{" pkt" if pkt else ""} | {w}x{r} | {mb_b:.1f} | {mb_p:.1f} | '
                      f'{(m - 1) * 100:+.1f}%{sig} | {m:.3f} [{min(ratios):.3f}-{max(ratios):.3f}] | '
                      f'{lo:.3f}-{hi:.3f} | {wl_b:.1f} -> {wl_p:.1f} | {al_b:.1f} -> {al_p:.1f} |')
            print()
    print('### Summary (median over cells of the per-cell median ratio)')
    print()
    print('| ratio | pressure | cells | median ratio | min | max |')
    print('|---|---|---|---|---|---|')
    for (v, pressure), ms in sorted(summary.items()):
        print(f'| {v} | {pressure} | {len(ms)} | {median(ms):.3f} | {min(ms):.3f} | {max(ms):.3f} |')
    print()
    print('"~": the 95% bootstrap interval of the ratio spans 1.0 (no significant change).')


if __name__ == '__main__':
    main()
