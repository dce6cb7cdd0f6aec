#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""bench-plots.py [--prefix DIR/NAME-] [--cdf-cell 5x5:64K] FILE.jsonl...

PNG plots of bench.sh records (Debian python3-matplotlib), per configuration
(clock, vCPUs):

  PREFIX heatmap-CLOCK-Nvcpu.png   median throughput ratio per writers x
      readers cell of the grid size, one row per kernel pair (patched/base
      first), one column per pressure mode; "~" marks cells whose 95%
      bootstrap interval contains 1.0 (no significant change).
  PREFIX cdf-write-CELL-CLOCK-Nvcpu.png   write() latency CDF of one cell
      per kernel (histograms of all rounds merged), one panel per pressure
      mode, and its tail (1 - CDF) on a log scale. Only records with
      write_lat_hist have them: results of the pipe_bench that had --hist;
      the in-tree pipe_bench records quantiles only, and then there is no
      CDF plot.
"""
import argparse
import importlib.util
import os
from collections import defaultdict

import matplotlib
matplotlib.use('Agg')
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.colors import TwoSlopeNorm  # noqa: E402

spec = importlib.util.spec_from_file_location(
    'bench_report', os.path.join(os.path.dirname(os.path.abspath(__file__)), 'bench-report.py'))
br = importlib.util.module_from_spec(spec)
spec.loader.exec_module(br)

COLORS = {'base': 'tab:gray', 'v72': 'tab:green', 'pool73': 'tab:orange', 'patched': 'tab:blue'}


def parse_cell(s):
    wr, sz = s.split(':')
    w, r = wr.split('x')
    return int(w), int(r), sz


def heatmap(d, cfg, grid_size, out):
    pressures = sorted({k[0] for k in d.cells[cfg]}, key=br.pressure_key)
    grid = [k for k in d.cells[cfg] if k[1] == grid_size]
    ws = sorted({k[3] for k in grid})
    rs = sorted({k[4] for k in grid})
    if not grid or not d.pairs:
        return None
    vals = {}
    for (v, b) in d.pairs:
        for k in grid:
            st = d.ratio(cfg, k, v, b)
            if st:
                vals[(v, b, k)] = st
    if not vals:
        return None
    ms = [st['m'] for st in vals.values()]
    span = max(abs(max(ms) - 1), abs(1 - min(ms)), 0.02)
    norm = TwoSlopeNorm(vmin=1 - span, vcenter=1.0, vmax=1 + span)
    fig, axes = plt.subplots(len(d.pairs), len(pressures), squeeze=False,
                             figsize=(max(3.1 * len(pressures) + 1.2, 6.5), 2.9 * len(d.pairs) + 1.0))
    im = None
    for i, (v, b) in enumerate(d.pairs):
        for j, p in enumerate(pressures):
            ax = axes[i][j]
            z = [[float('nan')] * len(rs) for _ in ws]
            for k in grid:
                if k[0] != p or (v, b, k) not in vals:
                    continue
                st = vals[(v, b, k)]
                wi, ri = ws.index(k[3]), rs.index(k[4])
                z[wi][ri] = st['m']
                sig = st['verdict'] in ('faster', 'slower')
                dark = abs(st['m'] - 1) > 0.6 * span
                ax.text(ri, wi, f"{st['m']:.3f}" + ('' if sig else '\n~'), ha='center', va='center',
                        fontsize=9, color='white' if dark else 'black')
            im = ax.imshow(z, cmap='RdBu', norm=norm, origin='lower', aspect='auto')
            ax.set_xticks(range(len(rs)), [str(r) for r in rs])
            ax.set_yticks(range(len(ws)), [str(w) for w in ws])
            if i == len(d.pairs) - 1:
                ax.set_xlabel('readers')
            if j == 0:
                ax.set_ylabel(f'{v} / {b}\nwriters')
            if i == 0:
                ax.set_title(f'pressure: {p}')
    fig.suptitle(f'pipe_bench throughput ratio, {br.size(grid_size)} writes, {br.cfg_name(cfg)}\n'
                 f'median of the per-round ratios; "~": 95% CI contains 1.0 (no significant change)',
                 fontsize=10)
    fig.colorbar(im, ax=axes, shrink=0.8, label='throughput ratio')
    fig.savefig(out, dpi=110)
    plt.close(fig)
    return out


def cdf(d, cfg, cell, out):
    w, r, sz = cell
    pressures = sorted({k[0] for k in d.cells[cfg]}, key=br.pressure_key)
    fig, axes = plt.subplots(2, len(pressures), squeeze=False, figsize=(3.6 * len(pressures), 6.4),
                             sharex=True)
    drawn = False
    for j, p in enumerate(pressures):
        keys = [k for k in d.cells[cfg] if k[0] == p and k[3] == w and k[4] == r and br.size(k[1]) == sz]
        for k in keys:
            for v in ('base', 'v72', 'pool73', 'patched'):
                rounds = d.cells[cfg][k].get(v, {})
                h = defaultdict(int)
                for rec in rounds.values():
                    for val, cnt in rec.get('write_lat_hist', []):
                        h[val] += cnt
                if not h:
                    continue
                xs = sorted(h)
                tot = sum(h.values())
                cum, ys, tail = 0, [], []
                for x in xs:
                    cum += h[x]
                    ys.append(cum / tot)
                    tail.append(max(1 - cum / tot, 0.5 / tot))
                us = [x / 1e3 for x in xs]
                axes[0][j].step([us[0]] + us, [0.0] + ys, where='post', color=COLORS.get(v),
                                label=f'{v} ({len(rounds)} rounds)')
                axes[0][j].set_ylim(0, 1.01)
                axes[1][j].step(us, tail, where='post', color=COLORS.get(v), label=v)
                drawn = True
        axes[0][j].set_title(f'pressure: {p}')
        axes[0][j].set_xscale('log')
        axes[1][j].set_xscale('log')
        axes[1][j].set_yscale('log')
        axes[1][j].set_xlabel('write() latency, us')
        axes[0][j].grid(True, which='both', alpha=0.3)
        axes[1][j].grid(True, which='both', alpha=0.3)
        if axes[0][j].get_legend_handles_labels()[0]:
            axes[0][j].legend(fontsize=8, loc='lower right')
    axes[0][0].set_ylabel('CDF')
    axes[1][0].set_ylabel('1 - CDF (tail)')
    fig.suptitle(f'write() latency, {w} writers x {r} readers, {sz} writes, {br.cfg_name(cfg)}', fontsize=10)
    fig.tight_layout()
    if not drawn:
        plt.close(fig)
        return None
    fig.savefig(out, dpi=110)
    plt.close(fig)
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--prefix', default='results/')
    ap.add_argument('--baseline', default='base')
    ap.add_argument('--grid-size', default='64K')
    ap.add_argument('--cdf-cell', default='5x5:64K')
    ap.add_argument('files', nargs='+')
    a = ap.parse_args()
    recs = br.load_records(a.files)
    recs = [r for r in recs if not r.get('flavor')]
    d = br.Data(recs, a.baseline)
    gs = {br.size(k[1]): k[1] for c in d.cfgs for k in d.cells[c]}
    for cfg in d.cfgs:
        tag = f'{cfg[0]}-{cfg[1]}vcpu'
        for out in (heatmap(d, cfg, gs.get(a.grid_size, 65536), f'{a.prefix}heatmap-{tag}.png'),
                    cdf(d, cfg, parse_cell(a.cdf_cell),
                        f'{a.prefix}cdf-write-{a.cdf_cell.replace(":", "-")}-{tag}.png')):
            if out:
                print(out)


if __name__ == '__main__':
    main()
