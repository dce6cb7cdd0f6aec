#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""bench-report.py [--baseline base] [--brief] [--lockstat] FILE.jsonl...

The tables of the cover letter, the README and results/*.md, from the
pipe_bench records that bench.sh writes (one per kernel x cell x round).

Records are grouped by configuration (clock, vCPUs); for each configuration,
kernel pair (patched/base, patched/each other reference such as v72,
reference/base) and pressure mode, each cell gets the median of the
per-round throughput ratios, their min-max and a 95% bootstrap confidence
interval of that median. A cell whose interval
contains 1.0 is "no significant change"; otherwise "faster" or "slower".
Page-allocator calls (pgalloc_*) and frees (pgfree) are per MiB piped.
Allocator calls are counted less the pages swapped in (pswpin), where a
record has them: under memcg pressure the hog's pages fault back in from
swap, one allocation each, whatever the pipe does. The allocator table
gives the raw count beside them.

--brief: environment, summary, headline cells, allocator table and clock
agreement only (what the README and the cover letter quote).
--summary-only: environment, summary and agreement.
--headline: the summary table of the first configuration (icount) alone.
--lockstat: the pipe->mutex lock statistics of lockstat-flavor records.
Records of a flavored kernel (lockstat) never enter the throughput tables.
"""
import argparse
import json
import random
import statistics
import textwrap
from collections import defaultdict

NS = 'no significant change'


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


def per_mib(rec, field):
    return rec[field] / (rec['bytes'] / (1 << 20)) if rec['bytes'] else float('nan')


PRESSURE_ORDER = ['none', 'stress-ng', 'memcg', 'memcg-high']


def pressure_key(p):
    return (PRESSURE_ORDER.index(p) if p in PRESSURE_ORDER else 99, p)


def rec_key(r):
    """A record's cell: (pressure, msg_size, mode, writers, readers); mode is
    '' (a stream), 'pkt' (packet mode) or 'pp' (ping-pong)."""
    mode = 'pp' if r.get('pingpong') else 'pkt' if r['packet'] else ''
    return (r['pressure'], r['msg_size'], mode, r['writers'], r['readers'])


def cell_key(key):
    """Sort cells: pressure, then the 64K grid first, then by size, ping-pong last."""
    p, msg, mode, w, r = key
    return (pressure_key(p), mode == 'pp', msg != 65536, msg, mode, w, r)


def tput(rec):
    """Throughput: MB/s of the measured window; round trips per second for a
    ping-pong cell (its MB/s is too small to keep two digits)."""
    if rec.get('pingpong'):
        return rec['writes'] / rec['duration_s'] if rec['duration_s'] > 0 else 0.0
    return rec['mb_per_s']


def round_ratios(p, b):
    """Per-round throughput ratios of cell records P to B, each {round:
    record}, over the rounds both have, in round order."""
    return [tput(p[i]) / tput(b[i]) for i in sorted(set(p) & set(b)) if tput(b[i]) > 0]


def allocs(rec, raw=False):
    """Allocator calls per MiB piped, less the pages swapped in (unless raw);
    per message for a ping-pong cell."""
    n = rec['pgalloc'] - (0 if raw else min(rec.get('pswpin', 0), rec['pgalloc']))
    if rec.get('pingpong'):
        return n / rec['reads'] if rec['reads'] else float('nan')
    return n / (rec['bytes'] / (1 << 20)) if rec['bytes'] else float('nan')


def swapped_in(recs):
    """Did any of these records swap pages in (so raw and net counts differ)?"""
    return any(r.get('pswpin', 0) for r in recs)


def kernel_order(variants, baseline):
    """Per-kernel columns and rows: the baseline, the other references
    (pool73, v72, ...) in the order given, the patched kernel last."""
    return ([v for v in variants if v == baseline] +
            [v for v in variants if v not in (baseline, 'patched')] +
            [v for v in variants if v == 'patched'])


def cfg_name(cfg):
    return f'{cfg[0]}, {cfg[1]} vCPUs'


def verdict(lo, hi, n):
    if n < 2:
        return 'one round'
    if lo <= 1.0 <= hi:
        return NS
    return 'faster' if lo > 1.0 else 'slower'


class Data:
    def __init__(self, recs, baseline):
        self.recs = recs
        self.baseline = baseline
        self.variants = []
        for r in recs:
            if r['variant'] not in self.variants:
                self.variants.append(r['variant'])
        # cfg -> cell key -> variant -> round -> record
        self.cells = defaultdict(lambda: defaultdict(lambda: defaultdict(dict)))
        for r in recs:
            cfg = (r['clock'], r['vcpus'])
            self.cells[cfg][rec_key(r)][r['variant']][r['round']] = r
        order = {'icount': 0, 'realtime': 1}
        self.cfgs = sorted(self.cells, key=lambda c: (order.get(c[0], 9), c[0], c[1]))
        # Every other kernel against the baseline, and the patched kernel
        # against each other reference (pool73 or v72): patched / base first,
        # then patched / each reference, then each reference / base.
        refs = [v for v in self.variants if v not in (baseline, 'patched')]
        self.pairs = []
        if 'patched' in self.variants and baseline != 'patched':
            self.pairs.append(('patched', baseline))
            self.pairs += [('patched', v) for v in refs]
        self.pairs += [(v, baseline) for v in refs]

    def ratio(self, cfg, key, v, base):
        """dict with the per-round ratios and statistics, or None."""
        b, p = self.cells[cfg][key].get(base, {}), self.cells[cfg][key].get(v, {})
        rounds = sorted(set(b) & set(p))
        ratios = round_ratios(p, b)
        if not ratios:
            return None
        lo, hi = boot_ci(ratios)
        m = median(ratios)
        return dict(ratios=ratios, m=m, lo=lo, hi=hi, verdict=verdict(lo, hi, len(ratios)),
                    b=[b[i] for i in rounds], p=[p[i] for i in rounds])


def fmt_allocs(key, v):
    return f'{v:.3f}/msg' if key[2] == 'pp' else f'{v:.1f}'


def fmt_ratio(st):
    if not st:
        return '-'
    mark = '' if st['verdict'] in ('faster', 'slower') else ' ~'
    return f"{st['m']:.3f} [{st['lo']:.3f}-{st['hi']:.3f}]{mark}"


def cellname(key):
    _, msg, mode, w, r = key
    if mode == 'pp':
        return size(msg), 'ping-pong'
    return f'{size(msg)}{" pkt" if mode else ""}', f'{w}x{r}'


def print_env(recs, throughput):
    env = recs[0]
    kinds = sorted({(r['clock'], r['vcpus']) for r in recs})
    rounds = max(r['round'] for r in recs)
    print(f"- Kernel: Linux {env.get('kernel', '?')} ({env['pkg']} {env['pkg_version']}); "
          f"kernels: {', '.join(sorted({r['variant'] for r in recs}))}"
          + (f"; flavor: {env['flavor']}" if env.get('flavor') else ''))
    print(f"- Host: {env.get('host_cpu', '?')}, {env.get('host_cores', '?')} cores, "
          f"{env.get('host_mem', '?')} RAM; QEMU {env.get('qemu', '?')}, accel={env['accel']}")
    arch = f"{env['arch']}, {env.get('pages', '4K')} pages; " if 'arch' in env else ''
    print(f"- Guest: {arch}{'; '.join(cfg_name(k) for k in kinds)}; {env['mem']} RAM; "
          f"rounds={rounds}; {env.get('duration_arg', '?')} s measured per cell; date={env['date']}")
    imgs = sorted({(r['variant'], r['image']) for r in recs})
    print('- Images: ' + ', '.join(f'{v}: `{i}`' for v, i in imgs))
    tools = sorted({r['tools'] for r in recs if r.get('tools')})
    if tools:
        print('- Tools (Debian package version arch): ' + '; '.join(tools))
    if 'run_wall_s' in env:
        walls = sorted({(r.get('tag', ''), r['run_wall_s'], r.get('run_clocks', '')) for r in recs})
        print('- Wall time of the guest runs: ' + ', '.join(
            f"{w // 60} min {w % 60} s ({c}{', ' + t if t else ''})" for t, w, c in walls))
    rt = [r for r in recs if r['clock'] == 'realtime']
    if rt and 'host_load_start' in env:
        boots = {(r['variant'], r['round'], r['vcpus'], r.get('tag', '')): r for r in rt}.values()
        loads = [float(b['host_load_start'].split()[0]) for b in boots] + \
                [float(b['host_load_end'].split()[0]) for b in boots]
        busy = sum(1 for b in boots if b['host_builds_start'] or b['host_builds_end'])
        print(f"- Host load (1-min average) around the realtime boots: {min(loads):.2f}-{max(loads):.2f}; "
              f"boots with a kernel build running on the host: {busy} of {len(boots)}")
    print()


def print_tables(d):
    for cfg in d.cfgs:
        print(f'## Clock {cfg_name(cfg)}')
        print()
        for v, base in d.pairs:
            for pressure in sorted({k[0] for k in d.cells[cfg]}, key=pressure_key):
                print(f'### {v} vs {base}, pressure {pressure} ({cfg_name(cfg)})')
                print()
                print(f'| size | w x r | MB/s {base} | MB/s {v} | ratio median [min-max] | interval | verdict | '
                      f'write lat avg / p99 us {base} -> {v} | allocs/MiB {base} -> {v} | '
                      f'frees/MiB {base} -> {v} |')
                print('|---|---|---|---|---|---|---|---|---|---|')
                for key in sorted((k for k in d.cells[cfg] if k[0] == pressure), key=cell_key):
                    st = d.ratio(cfg, key, v, base)
                    if not st:
                        continue
                    b, p = st['b'], st['p']

                    def med(recs, f):
                        return median([f(x) for x in recs])
                    sz, wr = cellname(key)
                    print(f"| {sz} | {wr} | {med(b, lambda x: x['mb_per_s']):.1f} | "
                          f"{med(p, lambda x: x['mb_per_s']):.1f} | "
                          f"{st['m']:.3f} [{min(st['ratios']):.3f}-{max(st['ratios']):.3f}] | "
                          f"{st['lo']:.3f}-{st['hi']:.3f} | {st['verdict']} | "
                          f"{med(b, lambda x: x['write_lat_ns']['avg']) / 1e3:.0f} / "
                          f"{med(b, lambda x: x['write_lat_ns']['p99']) / 1e3:.0f} -> "
                          f"{med(p, lambda x: x['write_lat_ns']['avg']) / 1e3:.0f} / "
                          f"{med(p, lambda x: x['write_lat_ns']['p99']) / 1e3:.0f} | "
                          f"{fmt_allocs(key, med(b, allocs))} -> "
                          f"{fmt_allocs(key, med(p, allocs))} | "
                          f"{med(b, lambda x: per_mib(x, 'pgfree')):.1f} -> "
                          f"{med(p, lambda x: per_mib(x, 'pgfree')):.1f} |")
                print()


def print_summary(d, cfgs=None, title=True):
    if title:
        print('### Summary: median over cells of the per-cell median ratio')
        print()
    print('| clock | ratio | pressure | cells | median | min | max | faster | slower | no significant change |')
    print('|---|---|---|---|---|---|---|---|---|---|')
    for cfg in cfgs or d.cfgs:
        for v, base in d.pairs:
            for pressure in sorted({k[0] for k in d.cells[cfg]}, key=pressure_key):
                sts = [s for s in (d.ratio(cfg, k, v, base) for k in d.cells[cfg] if k[0] == pressure) if s]
                if not sts:
                    continue
                ms = [s['m'] for s in sts]
                cnt = defaultdict(int)
                for s in sts:
                    cnt[s['verdict']] += 1
                print(f"| {cfg_name(cfg)} | {v} / {base} | {pressure} | {len(sts)} | {median(ms):.3f} | "
                      f"{min(ms):.3f} | {max(ms):.3f} | {cnt['faster']} | {cnt['slower']} | {cnt[NS]} |")
    print()


def interval_name(d):
    """What the interval is: with fewer than 7 rounds the 2.5th and 97.5th
    percentiles of the bootstrapped median are the lowest and highest round."""
    n = max(r['round'] for r in d.recs)
    if n < 7:
        return f'min-max of {n} rounds'
    return f'95% bootstrap interval, {n} rounds'


def print_headline(d, cfg):
    """Every cell outside the 64K grid, plus 64K 1x1 and 5x5: the three ratios."""
    print(f'### Headline cells ({cfg_name(cfg)}): median ratio [{interval_name(d)}], "~" = {NS}')
    print()
    print('| pressure | size | w x r | ' + ' | '.join(f'{v} / {b}' for v, b in d.pairs) + ' |')
    print('|---|---|---|' + '---|' * len(d.pairs))
    for key in sorted(d.cells[cfg], key=lambda k: (pressure_key(k[0]), k[1], k[2], k[3], k[4])):
        _, msg, _, w, r = key
        if (w, r) not in ((1, 1), (5, 5)):
            continue
        sz, wr = cellname(key)
        print(f'| {key[0]} | {sz} | {wr} | ' +
              ' | '.join(fmt_ratio(d.ratio(cfg, key, v, b)) for v, b in d.pairs) + ' |')
    print()


def print_alloc(d, cfg):
    print(f'### Page allocator calls / frees per MiB piped ({cfg_name(cfg)}, median over rounds; '
          'ping-pong cells: allocator calls per message; allocator calls less pages swapped in, '
          'the raw count in parentheses where pages were swapped in)')
    print()
    vs = kernel_order(d.variants, d.baseline)
    print('| pressure | size | w x r | ' + ' | '.join(f'{v} allocs / frees' for v in vs) + ' |')
    print('|---|---|---|' + '---|' * len(vs))
    for key in sorted(d.cells[cfg], key=cell_key):
        sz, wr = cellname(key)
        cols = []
        for v in vs:
            rs = list(d.cells[cfg][key].get(v, {}).values())
            if not rs:
                cols.append('-')
                continue
            raw = (f" ({fmt_allocs(key, median([allocs(x, raw=True) for x in rs]))})"
                   if swapped_in(rs) else '')
            cols.append(f"{fmt_allocs(key, median([allocs(x) for x in rs]))}{raw} / "
                        f"{median([per_mib(x, 'pgfree') for x in rs]):.1f}")
        print(f'| {key[0]} | {sz} | {wr} | ' + ' | '.join(cols) + ' |')
    print()


def print_agreement(d):
    """Each configuration against the first (icount): direction and CI width."""
    if len(d.cfgs) < 2:
        return
    ref = d.cfgs[0]
    print(f'### Agreement between configurations (each against {cfg_name(ref)})')
    print()
    print('| configuration | ratio | cells in both | significant in both, same direction | '
          'significant in both, opposite | significant only in reference | significant only here | '
          'median CI width reference / here |')
    print('|---|---|---|---|---|---|---|---|')
    opposite = []
    for cfg in d.cfgs[1:]:
        for v, base in d.pairs:
            same = opp = only_ref = only_here = n = 0
            wr, wh = [], []
            for key in d.cells[ref]:
                a, b = d.ratio(ref, key, v, base), d.ratio(cfg, key, v, base)
                if not a or not b:
                    continue
                n += 1
                wr.append(a['hi'] - a['lo'])
                wh.append(b['hi'] - b['lo'])
                sa = a['verdict'] in ('faster', 'slower')
                sb = b['verdict'] in ('faster', 'slower')
                if sa and sb:
                    if a['verdict'] == b['verdict']:
                        same += 1
                    else:
                        opp += 1
                        opposite.append((cfg, v, base, key, a, b))
                elif sa:
                    only_ref += 1
                elif sb:
                    only_here += 1
            if n:
                print(f'| {cfg_name(cfg)} | {v} / {base} | {n} | {same} | {opp} | {only_ref} | {only_here} | '
                      f'{median(wr):.3f} / {median(wh):.3f} |')
    print()
    if opposite:
        print('Cells where the two configurations disagree on the direction of a significant change:')
        print()
        for cfg, v, base, key, a, b in opposite:
            sz, wr = cellname(key)
            print(f'- {v} / {base}, {key[0]}, {sz} {wr}: {cfg_name(ref)} {fmt_ratio(a)}, '
                  f'{cfg_name(cfg)} {fmt_ratio(b)}')
        print()
    else:
        print('No cell has significant changes in opposite directions in two configurations.')
        print()


def print_lockstat(recs):
    recs = [r for r in recs if r.get('lock_stat')]
    if not recs:
        print('No lock_stat records (need the lockstat flavor: make bench LOCKSTAT=1).')
        return
    cls = recs[0]['lock_stat']['class']
    # Records of bench-records.py: one pipe_bench run per cell, warm-up
    # and drain included (acq/MiB counts them against the measured bytes).
    # Older records (pipe_bench --lock-stat): the measured window.
    window = recs[0]['lock_stat'].get('window', 'measured window')
    print(f'### {cls} from /proc/lock_stat, per {window} '
          f'({recs[0]["clock"]} clock, lockstat kernels: timings not comparable with the throughput tables)')
    print()
    print('Medians over rounds. "acq/MiB": acquisitions per MiB piped; "cont %": contentions per '
          'acquisition; wait and hold times are per acquisition (wait also per contention), in microseconds.')
    print()
    vs = kernel_order(sorted({r['variant'] for r in recs}), 'base')
    cells = defaultdict(lambda: defaultdict(list))
    for r in recs:
        cells[rec_key(r)][r['variant']].append(r)
    print('| pressure | size | w x r | kernel | MB/s | acq/MiB | cont % | wait us/acq | wait us/cont | '
          'max wait us | hold us/acq | max hold us |')
    print('|---|---|---|---|---|---|---|---|---|---|---|---|')
    for key in sorted(cells, key=cell_key):
        sz, wr = cellname(key)
        for v in vs:
            rs = cells[key].get(v)
            if not rs:
                continue

            def m(f):
                return median([f(x['lock_stat'], x) for x in rs])
            print(f"| {key[0]} | {sz} | {wr} | {v} | {m(lambda ls, x: x['mb_per_s']):.1f} | "
                  f"{m(lambda ls, x: ls['acquisitions'] / (x['bytes'] / (1 << 20))):.1f} | "
                  f"{m(lambda ls, x: 100.0 * ls['contentions'] / max(ls['acquisitions'], 1)):.2f} | "
                  f"{m(lambda ls, x: ls['wait_total_us'] / max(ls['acquisitions'], 1)):.3f} | "
                  f"{m(lambda ls, x: ls['wait_total_us'] / max(ls['contentions'], 1)):.2f} | "
                  f"{m(lambda ls, x: ls['wait_max_us']):.1f} | "
                  f"{m(lambda ls, x: ls['hold_total_us'] / max(ls['acquisitions'], 1)):.3f} | "
                  f"{m(lambda ls, x: ls['hold_max_us']):.1f} |")
    print()


NAMES = {'base': '7.3', 'v72': '7.2', 'patched': 'v4'}


def kernel_labels(names):
    """NAMES with the VARIANT=LABEL overrides of --name."""
    nm = dict(NAMES)
    for kv in names:
        k, v = kv.split('=', 1)
        nm[k] = v
    return nm


def print_aligned(head, rows):
    """A plain-text table: the first column left-aligned, the others right."""
    w = [max(len(r[i]) for r in [head] + rows) for i in range(len(head))]
    for r in [head] + rows:
        print('  '.join(c.ljust(w[i]) if i == 0 else c.rjust(w[i]) for i, c in enumerate(r)).rstrip())


def print_text(d, cfg, names, peers=()):
    """One aligned plain-text table (the cover letter's): ratios of the
    64 KiB grid summarised over its cells, every other cell by itself, and
    allocator calls per MiB (per message for ping-pong); then, given peer
    benchmark records of the same kernels, one row per peer test."""
    nm = kernel_labels(names)
    pairs = d.pairs
    vs = kernel_order(d.variants, d.baseline)
    head = ['cell'] + [f'{nm.get(v, v)}/{nm.get(b, b)}' for v, b in pairs] + \
        [f'allocs {nm.get(v, v)}' for v in vs]
    rows = []
    for pressure in sorted({k[0] for k in d.cells[cfg]}, key=pressure_key):
        keys = sorted((k for k in d.cells[cfg] if k[0] == pressure), key=cell_key)
        grid = [k for k in keys if k[1] == 65536 and not k[2]]
        if grid:
            row = [f'64K grid ({len(grid)}), {pressure}']
            for v, b in pairs:
                ms = [st['m'] for st in (d.ratio(cfg, k, v, b) for k in grid) if st]
                row.append(f'{median(ms):.3f} ({min(ms):.3f}-{max(ms):.3f})' if ms else '-')
            for v in vs:
                al = [median([allocs(x) for x in d.cells[cfg][k][v].values()])
                      for k in grid if d.cells[cfg][k].get(v)]
                row.append(f'{min(al):.1f}-{max(al):.1f}' if al else '-')
            rows.append(row)
        for k in keys:
            if k in grid:
                continue
            sz, wr = cellname(k)
            row = [f'{sz} {wr}, {pressure}']
            for v, b in pairs:
                st = d.ratio(cfg, k, v, b)
                row.append(f"{st['m']:.3f} ({min(st['ratios']):.3f}-{max(st['ratios']):.3f})" if st else '-')
            for v in vs:
                rs = list(d.cells[cfg][k].get(v, {}).values())
                row.append(fmt_allocs(k, median([allocs(x) for x in rs])) if rs else '-')
            rows.append(row)
    if peers:
        ratios, _ = peer_ratios(peers, d.baseline)
        for (test, _, _), rr in ratios.items():
            rows.append([test] + [f'{median(x):.3f} ({min(x):.3f}-{max(x):.3f})' if x else '-'
                                  for x in (rr.get(p, []) for p in pairs)] + ['-'] * len(vs))
    print_aligned(head, rows)
    print()
    notes = (f'Ratios: median over rounds ({interval_name(d)}), above 1.0 better for the '
             'first kernel; 64K grid rows: median over its cells (lowest-highest cell). '
             'allocs: page-allocator calls per MiB piped less pages swapped in, per '
             'message for ping-pong, medians over rounds.')
    if peers:
        notes += (' Peer rows: perf bench, hackbench, stress-ng, a dd | cat | cat pipeline; '
                  'ipc-pingpong: the same ping-pong over eventfds runs no pipe code, -self is '
                  "will-it-scale's pipe1 loop.")
        if any(r['test'] == TEE_RATE for r in peers):
            notes += f" {TEE_RATE}: the stressor's MB per second spent in tee()."
    print(textwrap.fill(notes, 72, break_on_hyphens=False))


def fill_sentence(r0, what, cond, text, terse):
    """A sentence of --sentence for the run of record R0: "ARCH PAGES, WHAT
    (COND): TEXT" wrapped at 72 columns; with --terse "- PAGES WHAT: TEXT",
    an item of a list whose lead (update-docs.sh) gives ARCH and COND."""
    pages = r0.get('pages', '4K')
    if terse:
        print(textwrap.fill(f'{pages} {what}: {text}', 72, initial_indent='- ',
                            subsequent_indent='  ', break_on_hyphens=False))
    else:
        print(textwrap.fill(f"{r0['arch']} {pages}, {what} ({cond}): {text}", 72,
                            break_on_hyphens=False))


def print_sentence(d, cfg, names, terse=False):
    """The run in one wrapped paragraph of plain text (the cover letter's
    lines for another architecture or page size, which keep the letter at
    one table): per pressure mode, the median over cells of the patched
    kernel's per-cell median ratio to each other kernel, lowest-highest,
    with the lowest cell against the baseline named, and the patched
    kernel's allocator calls. TERSE: see fill_sentence()."""
    nm = kernel_labels(names)
    r0 = d.recs[0]
    pairs = [(v, b) for v, b in d.pairs if v == 'patched']
    pat = nm.get('patched', 'patched')
    modes = []
    for pr in sorted({k[0] for k in d.cells[cfg]}, key=pressure_key):
        keys = [k for k in d.cells[cfg] if k[0] == pr]
        refs = []
        for v, b in pairs:
            meds = sorted((st['m'], ' '.join(cellname(k))) for k in keys
                          for st in [d.ratio(cfg, k, v, b)] if st)
            if meds:
                lowest = f', lowest: {meds[0][1]}' if b == d.baseline else ''
                refs.append(f"{pat}/{nm.get(b, b)} {median([m for m, _ in meds]):.3f} "
                            f"({meds[0][0]:.3f}-{meds[-1][0]:.3f}{lowest})")
        modes.append(f"{pr} ({len(keys)} cells): " + ', '.join(refs))
    mib = [median([allocs(x) for x in d.cells[cfg][k]['patched'].values()])
           for k in d.cells[cfg] if k[2] != 'pp' and d.cells[cfg][k].get('patched')]
    msg = [median([allocs(x) for x in d.cells[cfg][k]['patched'].values()])
           for k in d.cells[cfg] if k[2] == 'pp' and d.cells[cfg][k].get('patched')]
    def span(xs, f):
        lo, hi = f.format(min(xs)), f.format(max(xs))
        return lo if lo == hi else f'{lo}-{hi}'
    al = []
    if mib:
        al.append(span(mib, '{:.1f}') + ' per MiB')
    if msg:
        al.append(span(msg, '{:.3f}') + ' per ping-pong message')
    rounds = max(r['round'] for r in d.recs)
    fill_sentence(r0, 'pipe_bench',
                  f"{cfg_name(cfg)}, {rounds} rounds; median over cells, lowest-highest",
                  '; '.join(modes) + (f"; {pat}'s allocator calls {', '.join(al)}." if al else '.'),
                  terse)


def peer_pairs(recs, baseline):
    """The kernels of peer records in report order, and the pairs compared:
    patched / baseline, patched / each reference, each reference / baseline."""
    vs = kernel_order(sorted({r['variant'] for r in recs}), baseline)
    refs = [v for v in vs if v not in (baseline, 'patched')]
    pairs = []
    if 'patched' in vs and baseline in vs:
        pairs = [('patched', baseline)] + [('patched', v) for v in refs]
    pairs += [(v, baseline) for v in refs if baseline in vs]
    return vs, pairs


def oriented_ratios(ra, rb, better):
    """Per-round ratios of two kernels' {round: record}, above 1.0 better for ra."""
    rr = []
    for i in sorted(set(ra) & set(rb)):
        x, y = ra[i]['value'], rb[i]['value']
        if x > 0 and y > 0:
            rr.append(x / y if better == 'higher' else y / x)
    return rr


def peer_ratios(recs, baseline):
    """(test, metric, better) -> {(a, b): per-round ratios}, oriented so that
    above 1.0 is better for a; and the kernel pairs of peer_pairs()."""
    _, pairs = peer_pairs(recs, baseline)
    by = defaultdict(lambda: defaultdict(dict))
    for r in recs:
        by[(r['test'], r['metric'], r['better'])][r['variant']][r['round']] = r
    out = {}
    for key in sorted(by):
        out[key] = {(a, b): oriented_ratios(by[key].get(a, {}), by[key].get(b, {}), key[2])
                    for a, b in pairs}
    return out, pairs


def print_peers_text(recs, baseline, names):
    """The peer benchmarks as plain text for the cover letter: per test, the
    median ratio of each kernel pair, above 1.0 better for the first."""
    nm = kernel_labels(names)
    ratios, pairs = peer_ratios(recs, baseline)
    rounds = max(r['round'] for r in recs)
    head = ['test'] + [f'{nm.get(a, a)}/{nm.get(b, b)}' for a, b in pairs]
    rows = []
    for (test, metric, better), rr in ratios.items():
        rows.append([test] + [f'{median(x):.3f} ({min(x):.3f}-{max(x):.3f})' if x else '-'
                              for x in (rr[p] for p in pairs)])
    print_aligned(head, rows)
    print()
    print(f'Median ratio over {rounds} rounds (min-max), above 1.0 better for the first kernel.')


TEE_RATE = 'stress-ng-tee-rate'


def tee_rate_for_tee(recs):
    """Peer records for the short forms (the cover letter's table and
    sentences): where a run has stress-ng's tee rate, without tee's bogo
    operations, whose count follows the scheduler (peers-job.sh)."""
    if any(r.get('test') == TEE_RATE for r in recs):
        return [r for r in recs if r.get('test') != 'stress-ng-tee']
    return recs


def print_peers_sentence(recs, baseline, names, floor=0.98, terse=False):
    """The peer benchmarks in one wrapped paragraph of plain text (the cover
    letter's lines for another architecture or page size): per reference
    kernel, the median over tests of the patched kernel's median ratio,
    lowest-highest; the tests below FLOOR of the baseline with the min-max
    of their rounds, and how many are below FLOOR of the others (the
    report's table names them). TERSE: see fill_sentence()."""
    nm = kernel_labels(names)
    recs = tee_rate_for_tee(recs)
    ratios, pairs = peer_ratios(recs, baseline)
    pairs = [(a, b) for a, b in pairs if a == 'patched']
    r0 = recs[0]
    rounds = max(r['round'] for r in recs)
    cfgs = sorted({(r['clock'], r['vcpus']) for r in recs})
    parts, below = [], []
    for a, b in pairs:
        meds = sorted((median(rr[(a, b)]), key[0], rr[(a, b)]) for key, rr in ratios.items()
                      if rr[(a, b)])
        if not meds:
            continue
        parts.append(f"{nm.get('patched', 'patched')}/{nm.get(b, b)} "
                     f'{median([m for m, _, _ in meds]):.3f} ({meds[0][0]:.3f}-{meds[-1][0]:.3f})')
        low = [(m, t, x) for m, t, x in meds if m < floor]
        if b == baseline:
            below.append(f'below {floor:.2f} of {nm.get(b, b)}: ' + (', '.join(
                f'{t} {m:.3f} ({min(x):.3f}-{max(x):.3f})' for m, t, x in low) or 'none'))
        else:
            below.append(f'{len(low)} below {floor:.2f} of {nm.get(b, b)}')
    fill_sentence(r0, f'peers ({len(ratios)} tests)' if terse else 'peers',
                  f"{'; '.join(cfg_name(c) for c in cfgs)}, {rounds} rounds; "
                  f"median over {len(ratios)} tests, lowest-highest",
                  f"{', '.join(parts)}; {'; '.join(below)}.", terse)


def print_peers(recs, baseline):
    """The peer benchmarks (make bench SUITE=peers): per test, each kernel's
    median value and the per-round ratios of each kernel pair, oriented so
    that above 1.0 is better for the first kernel of the pair."""
    vs, pairs = peer_pairs(recs, baseline)
    rounds = max(r['round'] for r in recs)
    by = defaultdict(lambda: defaultdict(dict))
    for r in recs:
        by[(r['clock'], r['vcpus'], r['test'], r['metric'], r['better'])][r['variant']][r['round']] = r
    print(f'### Peer benchmarks: median over rounds; ratios oriented so that > 1.0 is better for the first '
          f'kernel, median [min-max of {rounds} round(s)]')
    print()
    print('| clock | test | metric (better) | ' + ' | '.join(vs) + ' | ' +
          ' | '.join(f'{a} / {b}' for a, b in pairs) + ' | ' + ' | '.join(f'allocs {v}' for v in vs) + ' |')
    print('|---|---|---|' + '---|' * (2 * len(vs) + len(pairs)))
    for key in sorted(by):
        clock, vcpus, test, metric, better = key
        cols = []
        for v in vs:
            rs = by[key].get(v, {})
            cols.append(f"{median([x['value'] for x in rs.values()]):.4g}" if rs else '-')
        for a, b in pairs:
            rr = oriented_ratios(by[key].get(a, {}), by[key].get(b, {}), better)
            cols.append(f'{median(rr):.3f} [{min(rr):.3f}-{max(rr):.3f}]' if rr else '-')
        for v in vs:
            rs = by[key].get(v, {})
            cols.append(f"{median([x['pgalloc'] for x in rs.values()]):.0f}" if rs else '-')
        print(f'| {clock}, {vcpus} vCPUs | {test} | {metric} ({better}) | ' + ' | '.join(cols) + ' |')
    print()
    print('allocs: page-allocator calls (pgalloc_* of /proc/vmstat) during the test, median over rounds.')


def overview_row(recs, baseline, floor=0.98):
    """The rows of print_overview() for one run (one file)."""
    r0 = recs[0]
    guest = f"{r0.get('arch', 'x86_64')}, {r0.get('pages', '4K')}"
    refs = [baseline] + [v for v in ('v72',) if any(r['variant'] == v for r in recs)]
    rows = []
    if r0.get('suite') == 'peers':
        ratios, _ = peer_ratios(recs, baseline)
        groups = [('peers', 'none', {k[0]: rr for k, rr in ratios.items()})]
        kinds = 'tests'
    else:
        d = Data([r for r in recs if not r.get('flavor')], baseline)
        cfg = d.cfgs[0]
        groups = []
        for pr in sorted({k[0] for k in d.cells[cfg]}, key=pressure_key):
            groups.append(('pipe_bench', pr, {
                cellname(k): {(v, b): (d.ratio(cfg, k, v, b) or {}).get('ratios', [])
                              for v, b in d.pairs}
                for k in d.cells[cfg] if k[0] == pr}))
        kinds = 'cells'
    for suite, pr, by in groups:
        cols = []
        low = []
        for b in refs:
            meds = sorted((median(rr[('patched', b)]), n) for n, rr in by.items()
                          if rr.get(('patched', b)))
            if not meds:
                cols.append('-')
                continue
            cols.append(f'{median([m for m, _ in meds]):.3f} ({meds[0][0]:.3f}-{meds[-1][0]:.3f})')
            low += [m for m, _ in meds if m < floor and b == baseline]
        rows.append(f"| {guest} | {suite} | {pr} | {len(by)} {kinds} | " + ' | '.join(cols) +
                    f' | {len(low)} |')
    return rows


def print_overview(files, baseline, names):
    """One row per run, suite and pressure mode: the patched kernel's median
    ratio over the cells (pipe_bench) or tests (peers) of its per-round
    median, lowest-highest in parentheses, against the baseline and 7.2; and
    how many cells or tests are below 0.98 of the baseline."""
    nm = kernel_labels(names)
    print(f"| guest | suite | pressure | cells or tests | {nm.get('patched', 'patched')} / "
          f"{nm.get(baseline, baseline)} | {nm.get('patched', 'patched')} / {nm.get('v72', 'v72')} | "
          f"below 0.98 of {nm.get(baseline, baseline)} |")
    print('|---|---|---|---|---|---|---|')
    for f in files:
        for row in overview_row(load_records([f]), baseline):
            print(row)


def load_records(files):
    """The JSON records of pipe_bench result files, one per line."""
    return [json.loads(line) for f in files for line in open(f) if line.strip()]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--baseline', default='base')
    ap.add_argument('--brief', action='store_true')
    ap.add_argument('--lockstat', action='store_true')
    ap.add_argument('--peers', action='store_true', help='the peer benchmarks (SUITE=peers)')
    ap.add_argument('--overview', action='store_true',
                    help='one row per file, suite and pressure: patched against base and v72')
    ap.add_argument('--summary-only', action='store_true')
    ap.add_argument('--headline', action='store_true')
    ap.add_argument('--text', action='store_true',
                    help='one aligned plain-text table of the first configuration')
    ap.add_argument('--sentence', action='store_true',
                    help='the first configuration in one plain-text paragraph')
    ap.add_argument('--terse', action='store_true',
                    help='--sentence as a list item without arch, clock and rounds')
    ap.add_argument('--name', action='append', default=[],
                    help='VARIANT=LABEL for --text (defaults: base=7.3 v72=7.2 patched=v4)')
    ap.add_argument('--kernels', help='only these kernels (VARIANT,VARIANT,...)')
    ap.add_argument('--peer-tests', help='only these peer tests (TEST,TEST,...)')
    ap.add_argument('files', nargs='+')
    a = ap.parse_args()
    if a.overview:
        print_overview(a.files, a.baseline, a.name)
        return
    recs = load_records(a.files)
    if a.kernels:
        keep = set(a.kernels.split(','))
        recs = [r for r in recs if r['variant'] in keep]
    if not recs:
        raise SystemExit('no records')
    peers = [r for r in recs if r.get('suite') == 'peers']
    if a.peer_tests:
        keep = set(a.peer_tests.split(','))
        peers = [r for r in peers if r['test'] in keep]
        recs = [r for r in recs if r.get('suite') != 'peers' or r['test'] in keep]
    if a.text and peers and any(r.get('suite') != 'peers' for r in recs):
        d = Data([r for r in recs if r.get('suite') != 'peers' and not r.get('flavor')], a.baseline)
        print_text(d, d.cfgs[0], a.name, tee_rate_for_tee(peers))
        return
    if a.peers or peers:
        if not peers:
            raise SystemExit('no peer benchmark records')
        if a.text:
            print_peers_text(peers, a.baseline, a.name)
            return
        if a.sentence:
            print_peers_sentence(peers, a.baseline, a.name, terse=a.terse)
            return
        print_env(peers, False)
        print_peers(peers, a.baseline)
        return
    if a.lockstat:
        ls = [r for r in recs if r.get('flavor')]
        print_env(ls or recs, False)
        print_lockstat(ls or recs)
        return
    recs = [r for r in recs if not r.get('flavor')]
    if not recs:
        raise SystemExit('no throughput records (only flavored kernels)')
    d = Data(recs, a.baseline)
    if a.headline:
        print_summary(d, [d.cfgs[0]], title=False)
        return
    if a.text:
        print_text(d, d.cfgs[0], a.name)
        return
    if a.sentence:
        print_sentence(d, d.cfgs[0], a.name, terse=a.terse)
        return
    print_env(recs, True)
    print_summary(d)
    if a.summary_only:
        print_agreement(d)
        print(f'"{NS}": the interval ({interval_name(d)}) of the median ratio contains 1.0.')
        return
    print_headline(d, d.cfgs[0])
    print_alloc(d, d.cfgs[0])
    print_agreement(d)
    if not a.brief:
        for cfg in d.cfgs[1:]:
            print_headline(d, cfg)
        print_tables(d)
    print(f'"~" and "{NS}": the interval ({interval_name(d)}) of the median ratio contains 1.0. '
          'Ratios are per round (kernels interleaved within a round), throughput is MB/s of the '
          'measured window, allocs/frees are pgalloc_*/pgfree deltas of /proc/vmstat per MiB piped, '
          'allocs less the pswpin delta where the record has it.')


if __name__ == '__main__':
    main()
