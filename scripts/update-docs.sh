#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# update-docs.sh: regenerate the numbers quoted by the cover letter, the
# README and results/README.md from results/ and the source cache. No number
# in these documents is typed by hand.
#
#   results/summary.md   all tables of results/latest.jsonl (bench-report.py),
#                        the full default sweep
#   results/series.md    all tables of results/latest-vN.jsonl, the run of the
#                        series version in cover-letter/pool/version (make bench
#                        TAG=vN), when there is one
#   results/peers.md     the peer benchmarks of the current series,
#                        results/latest-peers-vN.jsonl (make bench SUITE=peers)
#   results/lockstat.md  pipe->mutex lock statistics, results/latest-lockstat.jsonl
#   results/vcpus.md     2 vs 4 vCPUs x icount vs realtime, results/latest-vcpus*.jsonl
#   results/README.md    the index of results: the base, the brief report of
#                        every series run (latest-v*.jsonl, newest version
#                        first), the full sweep's summary, the lock
#                        statistics, the vCPU comparison's summary and the
#                        test matrix
#   README.md            the block between <!-- results:begin and <!-- results:end:
#                        one headline table (the summary of the current
#                        series' run, else of the newest series run), one
#                        row per architecture, page size, suite and
#                        pressure (bench-report.py --overview) and a link
#                        to results/README.md
#   cover-letter/NAME/body  for each series NAME (pool, pipe_bench; each has
#                        its own cover letter): cover-letter/NAME/body.in
#                        with @POOL_SERIES@ and @PIPE_BENCH_SERIES@ (the
#                        other series' subject line, "[PATCH vN 00/NN] ...",
#                        from its cover-letter/ and patches/ files), and
#                        @BASE@, @RESULTS@ (the
#                        plain-text table of the series' own run and its
#                        peer benchmarks, bench-report.py --text), @ARM64@
#                        (each arm64 run an item of a list under one lead
#                        naming clock, vCPUs and rounds, bench-report.py
#                        --sentence --terse, or a paragraph each with
#                        --sentence when the runs differ in them; 4K pages
#                        first, a page size's peer run after its pipe_bench
#                        run) and @MATRIX@ filled in
#   results/README.md also gets the brief report of each arm64 run,
#                        results/latest-arm64*.jsonl (make bench ARCH=arm64
#                        TAG=arm64-...), and the table of each arm64 peer
#                        run, results/latest-peers-arm64*.jsonl (make bench
#                        SUITE=peers ARCH=arm64 TAG=arm64-...)
#
# Every run is labelled with the kernel it measured; a run on another
# Debian source package or version than the current base (the env file
# fetch-source.sh leaves in the cache for KVER_SERIES) is labelled as
# history. The test matrix is every row of results/test-matrix.md (written
# by test.sh), then of each results/test-matrix-*.md (e.g.
# test-matrix-arm64.md) in name order.
source "$(dirname "$0")/lib.sh"
STEP=update-docs
res=$TOP/results
[ -e "$res/latest.jsonl" ] || die "no results/latest.jsonl: run make bench first"
[ -f "$res/test-matrix.md" ] || die "no results/test-matrix.md: run make test first"
env_file=$CACHE/linux-source-$KVER_SERIES.env
[ -r "$env_file" ] || env_file=$("$TOP/scripts/fetch-source.sh")
python3 - "$TOP" "$env_file" <<'PY'
import glob
import json
import os
import re
import statistics
import subprocess
import sys
import textwrap

top, env_file = sys.argv[1:]
res = os.path.join(top, 'results')
rep = os.path.join(top, 'scripts', 'bench-report.py')
env = dict(l.strip().split('=', 1) for l in open(env_file) if '=' in l)
pkg, ver, suite = env['SRC_PKG'], env['SRC_PKG_VERSION'], env.get('SRC_SUITE', 'unknown')
version = open(os.path.join(top, 'cover-letter', 'pool', 'version')).read().strip()


def kver_of(v):
    """Debian version [epoch:]upstream-revision: the upstream part is the kernel's."""
    return re.sub(r'^[0-9]+:', '', v).rsplit('-', 1)[0]


kver = kver_of(ver)
core = ('Linux %s as Debian ships it: package %s, version %s (%s), '
        'unpacked into git as is (only the Debian packaging block of the '
        'top-level .gitignore dropped).' % (kver, pkg, ver, suite))
made = ('Made and tested on Linux %s as Debian ships it (package %s, '
        'version %s, %s), which is upstream v%s with the patches of '
        "Debian's source package linux applied." % (kver, pkg, ver, suite, kver))
# What check-base.sh found (make check): whether a Debian patch touches a
# file the series touches. No base-commit: the tree Debian ships is no
# upstream commit.
res_file = os.path.join(os.path.dirname(env_file), 'check-base-%s.result' % ver)
state, src = 'unchecked', ''
if os.path.exists(res_file):
    lines = open(res_file).read().split('\n')
    state, src = lines[0], lines[1] if len(lines) > 1 else ''
if state == 'none':
    base = ('Applies to v%s. %s None of those patches (%s) touches a file '
            'this series touches, so the index lines name v%s\'s blobs.'
            % (kver, made, src, kver))
elif state == 'touch':
    base = ('Made for v%s, but not checked to apply there. %s Some of those '
            'patches (%s) touch files this series touches.' % (kver, made, src))
else:
    base = ('Meant to apply to v%s. %s Whether any of those patches touches a '
            'file this series touches could not be checked (the Debian '
            'source was not available), so that is not proven.' % (kver, made))
base = textwrap.fill(base, 72, break_on_hyphens=False)


def report(*args):
    return subprocess.run([sys.executable, rep] + list(args), check=True,
                          stdout=subprocess.PIPE, text=True).stdout.rstrip()


def write(name, text):
    with open(os.path.join(res, name), 'w') as f:
        f.write(text.rstrip() + '\n')


def target(path):
    """The file a latest-*.jsonl link names (the run's own file)."""
    return os.path.basename(os.path.realpath(path))


# What the kernel names of make bench mean.
KERNELS = {'base': 'plain Linux %(kernel)s', 'patched': 'base + %(series)s',
           'pool73': "Linux 7.3's pool transplanted onto the same base",
           'v72': 'plain Linux 7.2 (linux-source-7.2), the older reference'}


def label(files, series='the series of the day'):
    """What a run measured, and whether it is history (another base). v72
    is Linux 7.2 by design (the older reference): it does not make a run
    history, and the base's kernel names base and patched."""
    recs = [json.loads(l) for f in files for l in open(f) if l.strip()]
    kinds = sorted({(r['pkg'], r['pkg_version'], r.get('kernel', '?')) for r in recs})
    own = sorted({(r['pkg'], r['pkg_version'], r.get('kernel', '?')) for r in recs
                  if r['variant'] != 'v72'}) or kinds
    what = '; '.join('Linux %s (%s %s)' % (k, p, v) for p, v, k in kinds)
    names = []
    for v in sorted({r['variant'] for r in recs}, key=lambda v: (v != 'base', v == 'patched', v)):
        kernel = own[0][2].rstrip('+') if len(own) == 1 else '?'
        m = re.match(r'patched-([0-9]+)$', v)
        desc = ('base + the first %s patches of %s' % (m.group(1), series) if m else
                KERNELS.get(v, v) % dict(kernel=kernel, series=series))
        names.append('%s = %s' % (v, desc))
    rounds = max(r['round'] for r in recs)
    ci = {1: ' (one round: no interval)'}.get(
        rounds, ' (with %d rounds the interval is the min-max of the rounds)' % rounds if rounds < 7 else '')
    text = ('measured on %s; kernels: %s; %d round(s)%s, %s s measured per cell.'
            % (what, ', '.join(names), rounds, ci, recs[0].get('duration_arg', '?')))
    if all((p, v) == (pkg, ver) for p, v, _ in own):
        return text[0].upper() + text[1:]
    return ('**History**, from before the move to the current base (Linux %s, %s %s): %s'
            % (kver, pkg, ver, text))


# The full default sweep.
write('summary.md', report(os.path.join(res, 'latest.jsonl')))
full = report('--summary-only', os.path.join(res, 'latest.jsonl'))
full_label = label([os.path.join(res, 'latest.jsonl')])

peers = ''
peers_file = os.path.join(res, 'latest-peers-v%s.jsonl' % version)
if os.path.exists(peers_file):
    peers = report('--peers', peers_file)
    write('peers.md', '# Peer benchmarks of series v%s\n\nGenerated by scripts/update-docs.sh from %s '
          '(make bench SUITE=peers TAG=v%s).\n\n%s' % (version, target(peers_file), version, peers))

# Series runs (make bench TAG=vN), newest version first; the one of
# cover-letter/pool/version is the current series.
runs = []
for f in glob.glob(os.path.join(res, 'latest-v[0-9]*.jsonl')):
    m = re.match(r'latest-v([0-9]+)\.jsonl$', os.path.basename(f))
    if m:
        runs.append((int(m.group(1)), f))
runs.sort(reverse=True)
current = [f for n, f in runs if str(n) == version]
if current:
    write('series.md', report(current[0]))
    # The cover letter's table: key cells, absolute figures and ratios,
    # within 80 columns (key-cells.py); every cell is in results/series.md.
    text = subprocess.run([os.path.join(top, 'scripts', 'key-cells.py'), current[0], 'v' + version],
                          check=True, capture_output=True, text=True).stdout.rstrip()
    text = 'Measured %s:\n\n%s' % (re.sub(r'^bench-([0-9]{4})([0-9]{2})([0-9]{2})T.*', r'\1-\2-\3',
                                             target(current[0])), text)
else:
    if os.path.exists(os.path.join(res, 'series.md')):
        os.remove(os.path.join(res, 'series.md'))
    text = ('(series v%s has no run yet: make bench QUICK=1 TAG=v%s)' % (version, version))

# arm64 runs (make bench ARCH=arm64 ... TAG=arm64-*) and arm64 peer runs
# (make bench SUITE=peers ARCH=arm64 ... TAG=arm64-*), by page size, each
# page size's pipe_bench run before its peer run.
def first_rec(f):
    with open(f) as fh:
        return json.loads(next(l for l in fh if l.strip()))


arm = sorted(glob.glob(os.path.join(res, 'latest-arm64*.jsonl')))
arm_peers = sorted(glob.glob(os.path.join(res, 'latest-peers-arm64*.jsonl')))
arm_all = sorted([(first_rec(f).get('pages', '4K') != '4K', 0, f) for f in arm] +
                 [(first_rec(f).get('pages', '4K') != '4K', 1, f) for f in arm_peers])


def run_cond(f):
    """(clock, vCPUs, rounds) of a run, None if it has several clocks or vCPUs."""
    recs = [json.loads(l) for l in open(f) if l.strip()]
    cfgs = {(r['clock'], r['vcpus']) for r in recs}
    return (*cfgs.pop(), max(r['round'] for r in recs)) if len(cfgs) == 1 else None


# Runs under one condition are a list under one lead naming it; else each
# run is a paragraph that names its own.
conds = {run_cond(f) for _, _, f in arm_all}
terse = len(conds) == 1 and None not in conds
arm_text = ('\n' if terse else '\n\n').join(
    report(*(['--peers'] if kind else []), '--sentence', *(['--terse'] if terse else []),
           '--kernels', 'base,patched,v72', f)
    for _, kind, f in arm_all) or '(no arm64 run: make bench ARCH=arm64, see docs/arm64.md)'
if terse and arm_all:
    clock, vcpus, rounds = conds.pop()
    arm_text = textwrap.fill('arm64 (%s, %s vCPUs, %d rounds; median over cells or tests, '
                             'lowest-highest):' % (clock, vcpus, rounds), 72,
                             break_on_hyphens=False) + '\n' + arm_text

lockstat = ''
if os.path.exists(os.path.join(res, 'latest-lockstat.jsonl')):
    lockstat = report('--lockstat', os.path.join(res, 'latest-lockstat.jsonl'))
    write('lockstat.md', lockstat)
vc = sorted(glob.glob(os.path.join(res, 'latest-vcpus*.jsonl')))
vcpus = ''
if vc:
    write('vcpus.md', '# 2 versus 4 vCPUs, icount versus realtime\n\n'
          'Generated by scripts/update-docs.sh from %s (scripts/vcpu-study.sh).\n\n%s'
          % (' '.join(target(f) for f in vc), report(*vc)))
    vcpus = report('--summary-only', *vc)

files = [os.path.join(res, 'test-matrix.md')] + sorted(glob.glob(os.path.join(res, 'test-matrix-*.md')))
rows = []
for f in files:
    rows += [l.rstrip() for l in open(f) if l.strip()]
matrix = '\n'.join(rows)

# @SPLICE@: stress-ng vm-splice with and without patch 8, from the VMS
# lines of results/splice-recycle/*.out (see its README.md).
def vms(name):
    out = {}
    for line in open(os.path.join(res, 'splice-recycle', name)):
        if line.startswith('VMS '):
            kv = dict(f.split('=', 1) for f in line.split()[1:])
            if kv['stressor'] == 'vm-splice':
                out.setdefault('pgalloc', []).append(int(kv['pgalloc']))
                out.setdefault('rate', []).append(float(kv['ops_per_s']))
    return out


def span(v, fmt='{:,}'):
    return fmt.format(min(v)) + '-' + fmt.format(max(v))


splice = '(no results/splice-recycle run)'
if os.path.exists(os.path.join(res, 'splice-recycle', 'with-patch8.out')):
    w, wo = vms('with-patch8.out'), vms('without-patch8.out')
    rate = statistics.median(w['rate']) / statistics.median(wo['rate'])
    splice = ('stress-ng vm-splice (%d runs of 2 s) makes %s page\nallocations per run instead of %s, at %.3f of the series\nwithout it.'
              % (len(w['pgalloc']), span(w['pgalloc']), span(wo['pgalloc']), rate))

# The cover letters: plain text as LKML reads it, one results table.
# The cover letter's matrix rows, folded to 80 columns as a mail client shows them.
matrix_text = '\n'.join(textwrap.fill(r, 80, subsequent_indent='  ', break_on_hyphens=False) for r in rows)


def series_line(name):
    """The subject line of series NAME as its cover letter is mailed,
    "[PATCH vN 00/NN] subject", and where its reviewers find it."""
    cdir = os.path.join(top, 'cover-letter', name)
    subj = open(os.path.join(cdir, 'subject')).read().strip()
    ver = open(os.path.join(cdir, 'version')).read().strip() if os.path.exists(os.path.join(cdir, 'version')) else '1'
    sfile = os.path.join(top, 'patches', name, 'series')
    n = len([l for l in open(sfile) if l.strip() and not l.startswith('#')]) if os.path.exists(sfile) else 0
    width = max(2, len(str(n)))
    return '"[PATCH%s %s/%s] %s"' % ('' if ver == '1' else ' v' + ver, '0' * width, str(n).zfill(width), subj)


# @REALTIME@: the key cells in real time (MTTCG), from the series' run of
# several rounds in both clocks (make bench QUICK=1 ROUNDS=3
# CLOCKS="icount realtime" KERNELS="base patched" TAG=vN-rounds).
rt = os.path.join(res, 'latest-v%s-rounds.jsonl' % version)
realtime = textwrap.fill('(no real-time run of v%s: make bench QUICK=1 ROUNDS=3 CLOCKS="icount '
                         'realtime" KERNELS="base patched" TAG=v%s-rounds)' % (version, version), 72)
if os.path.exists(rt):
    out = subprocess.run([os.path.join(top, 'scripts', 'key-cells.py'), rt, 'v' + version, 'realtime'],
                         capture_output=True, text=True)
    if out.returncode == 0:
        realtime = 'Real time, measured %s:\n\n%s' % (
            re.sub(r'^bench-([0-9]{4})([0-9]{2})([0-9]{2})T.*', r'\1-\2-\3', target(rt)),
            out.stdout.rstrip())


# @ABLATION@: the pool series patch by patch (make bench with patched-N
# kernels: the series' own run TAG=vN when it has them, else
# TAG=ablation-vN), scripts/ablation-table.py.
abl = os.path.join(res, 'latest-ablation-v%s.jsonl' % version)
if current and any(re.match(r'patched-[0-9]+$', json.loads(l)['variant'])
                   for l in open(current[0]) if l.strip()):
    abl = current[0]
if os.path.exists(abl):
    ablation = subprocess.run([os.path.join(top, 'scripts', 'ablation-table.py'), abl,
                               os.path.join(top, 'patches', 'pool', 'series')],
                              check=True, capture_output=True, text=True).stdout.rstrip()
    ablation = 'Measured %s:\n\n%s' % (re.sub(r'^bench-([0-9]{4})([0-9]{2})([0-9]{2})T.*', r'\1-\2-\3',
                                                 target(abl)), ablation)
else:
    ablation = ('(no ablation run of v%s: make bench QUICK=1 KERNELS="base patched-2 '
                'patched-3 patched-4 patched" TAG=ablation-v%s)' % (version, version))


# @DEFECTS@: the workloads of issue 30's defects on 7.3, v4 and v5, from
# the last make defects run on those three kernels (results/latest-defects).
ddir = os.path.join(res, 'latest-defects')
defects = '(no make defects run on base, series-v4 and patched)'
if os.path.isdir(ddir):
    day = re.sub(r'^defects-([0-9]{4})([0-9]{2})([0-9]{2})T.*', r'\1-\2-\3', os.readlink(ddir))
    defects = subprocess.run([os.path.join(top, 'scripts', 'defects-report.py'), '--cover',
                              '--date', day] +
                             ['%s=%s' % (k, os.path.join(ddir, k + '.out'))
                              for k in ('base', 'series-v4', 'patched')],
                             check=True, capture_output=True, text=True).stdout.rstrip()


for name in sorted(os.listdir(os.path.join(top, 'cover-letter'))):
    tpl = os.path.join(top, 'cover-letter', name, 'body.in')
    if not os.path.isfile(tpl):
        continue
    body = open(tpl).read()
    bench_line = ('The pipe_bench runs above need the pipe_bench series, %s, applied as well\n'
                  '(linux-kselftest; both apply to the same base).' % series_line('pipe_bench'))
    body = body.replace('@PIPE_BENCH_SERIES@', textwrap.fill(bench_line.replace('\n', ' '), 72, break_on_hyphens=False))
    body = body.replace('@POOL_SERIES@', series_line('pool'))
    body = body.replace('@BASE@', base).replace('@RESULTS@', text).replace('@MATRIX@', matrix_text)
    body = body.replace('@SPLICE@', splice).replace('@ARM64@', arm_text)
    body = body.replace('@ABLATION@', ablation).replace('@REALTIME@', realtime)
    body = body.replace('@DEFECTS@', defects)
    open(os.path.join(top, 'cover-letter', name, 'body'), 'w').write(body)

# results/README.md: every generated table of the runs the documents quote.
parts = ['# Results',
         'Generated by `scripts/update-docs.sh` from the `latest*.jsonl` runs of this '
         'directory; do not edit. How the runs were made and how to read them: '
         '[docs/benchmarking.md](../docs/benchmarking.md).',
         textwrap.fill('Current base: ' + core, 78)]
for n, f in runs:
    lab = label([f], 'series v%d' % n)
    tables = 'series.md' if f in current else target(f).replace('.jsonl', '.md')
    cur = ' (the current series)' if f in current else ''
    parts += ['## Series v%d%s: `make bench TAG=v%d` ([%s](%s))' % (n, cur, n, tables, tables),
              lab, report('--brief', f)]
for f in arm:
    recs = [json.loads(l) for l in open(f) if l.strip()]
    parts += ['## %s, %s pages: `make bench ARCH=arm64 PAGES=%s TAG=%s` ([%s](%s))'
              % (recs[0]['arch'], recs[0].get('pages', '4K'), recs[0].get('pages', '4K'),
                 recs[0].get('tag', ''), target(f).replace('.jsonl', '.md'),
                 target(f).replace('.jsonl', '.md')),
              label([f]), report('--brief', f)]
if peers:
    parts += ['## Peer benchmarks of series v%s: `make bench SUITE=peers` ([peers.md](peers.md))' % version,
              label([peers_file], 'series v%s' % version), peers]
for f in arm_peers:
    r0 = first_rec(f)
    parts += ['## Peer benchmarks, %s, %s pages: `make bench SUITE=peers ARCH=arm64 PAGES=%s TAG=%s` ([%s](%s))'
              % (r0['arch'], r0.get('pages', '4K'), r0.get('pages', '4K'), r0.get('tag', ''),
                 target(f).replace('.jsonl', '.md'), target(f).replace('.jsonl', '.md')),
              label([f]), report('--peers', f)]
parts += ['## The full sweep: four pressure modes, two clocks ([summary.md](summary.md))',
          full_label, full,
          'All tables of the full sweep: [summary.md](summary.md); plots: `*.png`.']
if lockstat:
    parts += ['## Lock statistics of pipe->mutex (lockstat kernels, [lockstat.md](lockstat.md))',
              label([os.path.join(res, 'latest-lockstat.jsonl')]), lockstat]
if vcpus:
    parts += ['## 2 versus 4 vCPUs, icount versus realtime ([vcpus.md](vcpus.md))',
              label(vc), vcpus]
parts += ['## Test matrix',
          'The last `make test` of each architecture (the kernel is named in each row).',
          matrix]
write('README.md', '\n\n'.join(parts))

# README.md: one headline table, the current series' run, else the newest.
readme = os.path.join(top, 'README.md')
s = open(readme).read()
head = ['<!-- results:begin (generated by scripts/update-docs.sh) -->']
if runs:
    n, f = (int(version), current[0]) if current else runs[0]
    recs = [json.loads(l) for l in open(f) if l.strip()]
    head += ['Series v%d, `make bench TAG=v%d` run %s. %s Per pressure mode: the median '
             'over cells of the per-cell median throughput ratio (icount clock), and the '
             'cells whose interval lies wholly above 1.0 ("faster") or below it ("slower").'
             % (n, n, recs[0]['date'], label([f], 'series v%d' % n)),
             report('--headline', f)]
    if not current:
        head += ['Series v%s has no run yet (`make bench TAG=v%s`, then '
                 '`scripts/update-docs.sh`).' % (version, version)]
else:
    head += ['The full sweep. ' + label([os.path.join(res, 'latest.jsonl')]),
             report('--headline', os.path.join(res, 'latest.jsonl'))]
# Per architecture and page size: the current series' pipe_bench and peer
# runs, then each arm64 run, a row per suite and pressure mode.
ov_files = ([current[0]] if current else []) + ([peers_file] if peers else []) + \
    [f for _, _, f in arm_all]
if ov_files:
    head += ['Per architecture and page size (icount clock): the median over cells '
             '(pipe_bench) or tests (peers) of the per-cell median ratio, lowest-highest '
             'in parentheses, and how many are below 0.98 of 7.3.',
             report('--overview', *ov_files)]
head += ['Every table (the full sweep in two clocks, allocator calls per MiB, lock '
         'statistics, vCPUs, the peer benchmarks, arm64, the test matrix): '
         '[results/README.md](results/README.md).',
         '<!-- results:end -->']
block = '\n\n'.join(head)
s, n = re.subn(r'<!-- results:begin.*?<!-- results:end -->', lambda m: block, s, flags=re.S)
if n != 1:
    sys.exit('README.md has no <!-- results:begin --> ... <!-- results:end --> block')
open(readme, 'w').write(s)
PY
msg "cover-letter/*/body, README.md and results/*.md updated from results/ and $(basename "$env_file")"
