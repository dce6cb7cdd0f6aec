#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""selfcheck.py [--update]: the harness's own tests ("make selfcheck").

No root, no kernel, seconds. Runs the parsers and report generators on the
recorded inputs in scripts/fixtures/ and compares their output and exit
status with the expected files there; runs the console splat check of
run-guest.sh on recorded consoles; loads every architecture file
(scripts/arch/*.sh) as the scripts do; runs shellcheck on scripts/*.sh and
scripts/arch/*.sh and pyflakes3 on scripts/*.py (Debian packages
shellcheck, pyflakes3).

tap-count.py and bench-report.py run inside this process (a Python start
costs most of a second on a loaded 2-core machine), with their command-line
arguments and stdout as when run alone.

Prints one block per failure and "selfcheck: N passed, N failed"; exits 1
when anything failed. --update rewrites the expected files from what the
scripts print now: review the diff before committing it."""
import contextlib
import difflib
import glob
import importlib.util
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FX = os.path.join(TOP, 'scripts', 'fixtures')
UPDATE = '--update' in sys.argv[1:]
passed = failed = 0

# tap-count.py cases: the fixture files counted together, as test.sh counts
# a guest's TAP output and its console.
TAP = [
    ('pass', ['kselftest-pass.out', 'kunit-pass.console.log']),
    ('notok', ['kselftest-notok.out']),
    ('noplan', ['kselftest-noplan.out']),
    ('truncated', ['kselftest-truncated.out', 'kunit-pass.console.log']),
    ('timeout', ['kselftest-timeout.out']),
    ('kunit-fail', ['kunit-fail.console.log']),
    ('kunit-crash', ['kunit-crash.console.log']),
    ('no-tap', ['no-tap.console.log']),
]
# run-guest.sh --scan: the exit status wanted (0: clean, 1: splat).
SCAN = [
    ('kunit-pass.console.log', 0),
    ('splat-lockdep.console.log', 1),
    ('kcsan-elsewhere.console.log', 0),
    ('kcsan-pipe.console.log', 1),
    ('kcsan-elsewhere-lockdep.console.log', 1),
]
# bench-report.py: records cut from results/ and the modes to compare.
REPORT = [
    ('v3-small.jsonl', ['full', 'brief', 'summary-only', 'headline']),
    ('v72-small.jsonl', ['full', 'brief', 'headline', 'text']),
    ('sweep-small.jsonl', ['full', 'brief']),
    ('lockstat-small.jsonl', ['lockstat']),
    ('peers-small.jsonl', ['peers', 'sentence', 'sentence+terse', 'overview']),
    ('v4-small.jsonl', ['full', 'text', 'sentence', 'sentence+terse', 'overview']),
]
# bench-records.py: guest outputs NAME-base.out and NAME-patched.out (cells
# in NAME.cells), the pressure modes they ran, the report mode to compare.
GUEST = [
    ('guest-host', ['none', 'stress-ng', 'memcg'], 'full'),
    ('guest-lockstat', ['none'], 'lockstat'),
]
GUEST_FLAVOR = {'full': '', 'lockstat': 'lockstat'}


def ok():
    global passed
    passed += 1


def bad(what, detail=''):
    global failed
    failed += 1
    print('selfcheck: FAIL ' + what)
    if detail:
        print('\n'.join('    ' + line for line in detail.rstrip('\n').split('\n')[:30]))


def load(name):
    """A script of scripts/ as a module (their names have dashes)."""
    spec = importlib.util.spec_from_file_location(name.replace('-', '_'),
                                                  os.path.join(TOP, 'scripts', name + '.py'))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def run_main(mod, argv, cwd=None):
    """mod.main() as "script ARGV": its stdout and exit status."""
    out = io.StringIO()
    old_argv, old_cwd = sys.argv, os.getcwd()
    sys.argv = [mod.__name__] + argv
    rc = 0
    try:
        if cwd:
            os.chdir(cwd)
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
            try:
                rc = mod.main() or 0
            except SystemExit as e:
                rc = e.code if isinstance(e.code, int) else 1
    finally:
        sys.argv = old_argv
        os.chdir(old_cwd)
    return out.getvalue() + 'exit=%d\n' % rc


def expect(what, path, got):
    if UPDATE:
        with open(path, 'w') as f:
            f.write(got)
    if not os.path.exists(path):
        bad(what, 'no expected output %s (scripts/selfcheck.py --update)' % os.path.relpath(path, TOP))
        return
    want = open(path).read()
    if want == got:
        ok()
    else:
        bad('%s: output differs from %s' % (what, os.path.relpath(path, TOP)),
            ''.join(difflib.unified_diff(want.splitlines(True), got.splitlines(True), 'expected', 'got')))


def lint(name, cmd, files):
    """One result per file of one run of CMD over all FILES."""
    if not shutil.which(cmd[0]):
        bad('%s not installed (Debian package %s)' % (cmd[0], cmd[0]))
        return
    res = subprocess.run(cmd + files, cwd=TOP, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines = res.stdout.splitlines()
    for f in files:
        mine = [line for line in lines if line.startswith(f + ':')]
        if mine:
            bad('%s %s' % (name, f), '\n'.join(mine))
        else:
            ok()
    if res.returncode and not any(line.startswith(tuple(f + ':' for f in files)) for line in lines):
        bad('%s exited with %d' % (name, res.returncode), res.stdout)


def main():
    tap = load('tap-count')
    for name, files in TAP:
        expect('tap-count %s' % name, os.path.join(FX, 'tap', name + '.expected'),
               run_main(tap, files, cwd=os.path.join(FX, 'tap')))

    for console, want in SCAN:
        rc = subprocess.run([os.path.join(TOP, 'scripts', 'run-guest.sh'), '--scan',
                             os.path.join(FX, 'tap', console)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode
        if rc == want:
            ok()
        else:
            bad('run-guest.sh --scan %s: exit %d, want %d' % (console, rc, want))

    # Every architecture file loads (load_arch checks that it sets every
    # variable), its channels name both files, its guest config fragment
    # exists; an unknown ARCH fails naming the files there are.
    arch_files = sorted(glob_scripts('.sh', 'arch'))
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, WORK=tmp, LOGDIR=tmp, PIPEPOOL_CACHE=tmp)
        check = r'''source scripts/lib.sh; load_arch "$1"
            arch_channels /C.log /O.out
            case "${ARCH_CHAN_ARGS[*]}" in *"/C.log"*"/O.out"*) ;; *) die "arch_channels: ${ARCH_CHAN_ARGS[*]}" ;; esac
            case "$ARCH_CHAN_APPEND" in *"console=$ARCH_CONSOLE"*pipepool.out=*) ;; *) die "arch_channels: $ARCH_CHAN_APPEND" ;; esac
            [ -f "configs/$ARCH_GUEST_CONFIG" ] || die "no configs/$ARCH_GUEST_CONFIG"'''
        for f in arch_files:
            a = os.path.basename(f)[:-len('.sh')]
            r = subprocess.run(['bash', '-c', check, 'check', a], cwd=TOP, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            if r.returncode == 0:
                ok()
            else:
                bad('load_arch %s' % a, r.stdout)
        r = subprocess.run(['bash', '-c', 'source scripts/lib.sh; load_arch nosuch', 'check'], cwd=TOP, env=env,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        want = 'unsupported ARCH=nosuch: no scripts/arch/nosuch.sh (%s)' % ', '.join(
            os.path.basename(f)[:-len('.sh')] for f in arch_files)
        if r.returncode == 1 and want in r.stdout:
            ok()
        else:
            bad('load_arch of an unknown arch: exit %d, want 1 and "%s"' % (r.returncode, want), r.stdout)

    rep = load('bench-report')
    for records, modes in REPORT:
        for m in modes:
            args = ([] if m == 'full' else ['--' + o for o in m.split('+')]) + \
                [os.path.join(FX, 'bench', records)]
            expect('bench-report %s' % ' '.join(args[:-1] + [records]),
                   os.path.join(FX, 'bench', '%s.%s.md' % (records[:-len('.jsonl')], m)),
                   run_main(rep, args))
    expect('bench-report without records', os.path.join(FX, 'bench', 'empty.expected'),
           run_main(rep, [os.devnull]))

    # defects-report.py on guest outputs of defects-job.sh (make defects on
    # 7.3, v4 and v5): the table, and a v5 guest whose job did not finish.
    dr = load('defects-report')
    dfx = os.path.join(FX, 'defects')
    kern = ['base', 'series-v4', 'patched']
    expect('defects-report', os.path.join(dfx, 'report.expected'),
           run_main(dr, ['%s=%s' % (k, os.path.join(dfx, k + '.out')) for k in kern]))
    expect('defects-report --cover', os.path.join(dfx, 'cover.expected'),
           run_main(dr, ['--cover', '--date', '2026-12-08'] +
                    ['%s=%s' % (k, os.path.join(dfx, k + '.out')) for k in kern]))
    expect('defects-report, v5 truncated', os.path.join(dfx, 'truncated.expected'),
           run_main(dr, ['%s=%s' % (k, os.path.join(dfx, k + '.out')) for k in kern[:2]] +
                    ['patched=' + os.path.join(dfx, 'truncated.out')]))

    # mutants.py report on the consoles of make mutants (every mutant
    # caught), and on two made bad: a case's failure edited out (survived)
    # and the suite's own line removed (no result).
    mu = load('mutants')
    mfx = os.path.join(FX, 'mutants')
    expect('mutants report', os.path.join(mfx, 'report.expected'),
           run_main(mu, ['report'] + sorted(glob.glob(os.path.join(mfx, '*.console.log')))))
    expect('mutants report, bad', os.path.join(mfx, 'bad.expected'),
           run_main(mu, ['report'] + sorted(glob.glob(os.path.join(mfx, 'bad', '*.console.log')))))

    # bench-records.py on guest outputs of bench-job.sh (pipe_bench run on a
    # host: "none", stress-ng, memcg skipped for want of swap; a LOCKSTAT=1
    # run with /proc/lock_stat lines): the check, the records written with
    # bench.sh's metadata, and bench-report.py's tables of them.
    recs_py = load('bench-records')
    with tempfile.TemporaryDirectory() as tmp:
        for name, pressures, mode in GUEST:
            cells = open(os.path.join(FX, 'bench', name + '.cells')).read().strip()
            parts = []
            for k in ('base', 'patched'):
                out = os.path.join(FX, 'bench', '%s-%s.out' % (name, k))
                got = run_main(recs_py, ['check', out, cells] + pressures)
                expect('bench-records check %s-%s' % (name, k),
                       os.path.join(FX, 'bench', '%s-%s.check.expected' % (name, k)), got)
                parts.append(os.path.join(tmp, k + '.jsonl'))
                run_main(recs_py, ['write', out, parts[-1], 'variant=' + k, 'flavor=' + GUEST_FLAVOR[mode],
                                   'round:num=1', 'clock=icount', 'accel=tcg', 'vcpus:num=2',
                                   'mem=2G', 'pkg=linux-source-7.3', 'pkg_version=7.3.4-1~bpo13+1',
                                   'image=%s.img' % k, 'date=20261207T230000Z', 'tag=',
                                   'arch=x86_64', 'pages=4K', 'tools=', 'duration_arg:num=0.2'])
            merged = os.path.join(tmp, name + '.jsonl')
            with open(merged, 'w') as f:
                for part in parts:
                    f.write(open(part).read())
            expect('bench-records write %s' % name, os.path.join(FX, 'bench', name + '.records.jsonl'),
                   open(merged).read())
            expect('bench-report %s of bench-records' % mode,
                   os.path.join(FX, 'bench', '%s.%s.md' % (name, mode)),
                   run_main(rep, ([] if mode == 'full' else ['--' + mode]) + [merged]))

    # cover-carried.py: a cover letter that carries the body, and one in
    # which b4 moved a trailer-like line out of the last paragraph.
    cc = load('cover-carried')
    cov = os.path.join(FX, 'cover')
    for mail, want in (('carried.eml', 0), ('moved.eml', 1)):
        got = run_main(cc, [os.path.join(cov, 'body'), os.path.join(cov, mail)], cwd=cov)
        if got.endswith('exit=%d\n' % want):
            ok()
        else:
            bad('cover-carried.py on %s: want exit %d' % (mail, want), got)

    # tool-tags.py: the tags of a tool-assisted series (Assisted-by, no
    # Signed-off-by) in commits and patches, and the sender's sign-off in
    # the emails written for sending.
    tags = load('tool-tags')
    tfx = os.path.join(FX, 'tags')
    for name, args in (
            ('commits', ['commits', 'commits.log']),
            ('patches', ['patches', 'cover.patch', 'good.patch', 'signed.patch']),
            ('signed', ['signed', '--sender', 'Jane Developer <jane@example.org>'] +
             sorted(f for f in os.listdir(tfx) if f.endswith('.eml'))),
            ('usage', ['signed', 'good.eml'])):
        expect('tool-tags %s' % name, os.path.join(tfx, name + '.expected'), run_main(tags, args, cwd=tfx))

    # maintainers-cover.py: a file the series adds that no F: line of its
    # MAINTAINERS patch covers ("*" does not cross "/"; "dir/" covers all
    # below), and a series whose patterns cover every added file.
    mc = load('maintainers-cover')
    mfx = os.path.join(FX, 'maintainers')
    got = run_main(mc, ['0001-add.patch', '0002-maintainers.patch'], cwd=mfx)
    if 'not covered: fs/tests/.kunitconfig' in got and got.count('not covered') == 1 and got.endswith('exit=1\n'):
        ok()
    else:
        bad('maintainers-cover.py: want fs/tests/.kunitconfig alone not covered, exit 1', got)
    got = run_main(mc, ['0002-maintainers.patch'], cwd=mfx)
    if got.startswith('0 added file(s), 2 pattern(s)') and got.endswith('exit=0\n'):
        ok()
    else:
        bad('maintainers-cover.py: want 0 added files covered, exit 0', got)

    # debian-patches.py: the Debian patches that touch a file the series
    # touches (git and quilt -p0 styles, comments and options in the
    # series file, "---" lines of a description), none, a missing patch.
    deb = load('debian-patches')
    dfx = os.path.join(FX, 'debian')
    for name in ('touch', 'clean', 'missing'):
        expect('debian-patches %s' % name, os.path.join(dfx, name + '.expected'),
               run_main(deb, [os.path.join(name, 'debian'), 'series.patch'], cwd=dfx))

    # bench-merge.py: a run's two clocks merged from two files give the
    # same report as the run itself.
    merge = load('bench-merge')
    with tempfile.TemporaryDirectory() as tmp:
        recs = [json.loads(line) for line in open(os.path.join(FX, 'bench', 'sweep-small.jsonl'))]
        parts = []
        for clock in ('icount', 'realtime'):
            parts.append(os.path.join(tmp, clock + '.jsonl'))
            with open(parts[-1], 'w') as f:
                f.writelines(json.dumps(r) + '\n' for r in recs if r['clock'] == clock)
        out = os.path.join(tmp, 'merged.jsonl')
        run_main(merge, [out] + parts)
        if not UPDATE:
            expect('bench-merge of two clocks', os.path.join(FX, 'bench', 'sweep-small.full.md'),
                   run_main(rep, [out]))

    # ipc-pingpong, the peer suite's control: builds without a warning,
    # prints one well-formed line per channel in each mode, refuses an
    # unknown channel.
    with tempfile.TemporaryDirectory() as tmp:
        exe = os.path.join(tmp, 'ipc-pingpong')
        cc = subprocess.run(['gcc', '-O2', '-Wall', '-Wextra', '-Werror', '-pthread', '-o', exe,
                             os.path.join(TOP, 'scripts', 'ipc-pingpong.c')],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        if cc.returncode:
            bad('ipc-pingpong build', cc.stdout)
        else:
            ok()
            chans = ['pipe', 'eventfd', 'unix']
            for opt, mode in (([], 'threads'), (['-p'], 'processes'), (['-s'], 'self')):
                r = subprocess.run([exe] + opt + ['-n', '200'] + chans, stdout=subprocess.PIPE,
                                   stderr=subprocess.STDOUT, text=True, timeout=120)
                words = [line.split() for line in r.stdout.splitlines()]
                if (r.returncode == 0 and [w[:3] for w in words] == [['ipc-pingpong', c, mode] for c in chans]
                        and all(len(w) == 4 and float(w[3]) > 0 for w in words)):
                    ok()
                else:
                    bad('ipc-pingpong %s' % mode, r.stdout)
            r = subprocess.run([exe, 'pipe2'], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            if r.returncode == 2:
                ok()
            else:
                bad('ipc-pingpong with an unknown channel: exit %d, want 2' % r.returncode)

    # The documentation's relative links and their anchors resolve.
    for doc in ['README.md', 'results/README.md'] + sorted(
            os.path.join('docs', f) for f in os.listdir(os.path.join(TOP, 'docs')) if f.endswith('.md')):
        broken = check_links(doc)
        if broken:
            bad('links of %s' % doc, '\n'.join(broken))
        else:
            ok()

    # Every document is reachable from the README in one step.
    readme = open(os.path.join(TOP, 'README.md')).read()
    for doc in sorted(f for f in os.listdir(os.path.join(TOP, 'docs')) if f.endswith('.md')) + ['../results/README.md']:
        target = os.path.normpath(os.path.join('docs', doc))
        if '](%s' % target in readme:
            ok()
        else:
            bad('README.md does not link %s' % target)

    # Warnings and errors fail; shellcheck's notes and style hints are advice.
    sh = sorted(os.path.relpath(f, TOP) for f in glob_scripts('.sh') + arch_files)
    lint('shellcheck', ['shellcheck', '-S', 'warning', '-f', 'gcc'], sh)
    py = sorted(os.path.relpath(f, TOP) for f in glob_scripts('.py'))
    lint('pyflakes3', ['pyflakes3'], py)

    print('selfcheck: %d passed, %d failed' % (passed, failed))
    return 1 if failed else 0


def slug(heading):
    """GitHub's anchor of a Markdown heading."""
    return re.sub(r'[^a-z0-9 _-]', '', heading.strip().lower()).replace(' ', '-')


def check_links(doc):
    """The relative links of DOC whose file or #anchor does not exist."""
    path = os.path.join(TOP, doc)
    if not os.path.exists(path):
        return ['%s does not exist' % doc]
    text = open(path).read()
    broken = []
    for target in re.findall(r'\]\(([^)\s]+)\)', text):
        if re.match(r'^[a-z]+:', target):
            continue
        file, _, anchor = target.partition('#')
        dest = os.path.normpath(os.path.join(os.path.dirname(path), file)) if file else path
        if not os.path.exists(dest):
            broken.append('%s: no such file' % target)
        elif anchor and dest.endswith('.md'):
            heads = {slug(h) for h in re.findall(r'(?m)^#+\s+(.*)$', open(dest).read())}
            if anchor not in heads:
                broken.append('%s: no such heading' % target)
    return broken


def glob_scripts(ext, sub=''):
    d = os.path.join(TOP, 'scripts', sub)
    return [os.path.join(d, f) for f in os.listdir(d) if f.endswith(ext) and not re.match(r'^\.', f)]


if __name__ == '__main__':
    sys.exit(main())
