#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# install-deps.sh [--check] [GROUP...]: install the Debian packages the
# harness needs, then check that every external command the scripts call is
# covered.
#
# The table below is the one list of what the harness runs that is not
# part of it: every external command the scripts call (and the kernel
# build and the selftests build call: rsync for "make headers_install",
# flex, bison, bc, ...), every header, library and Python module they need,
# each with the Debian package that provides it. Commands of Debian's
# minimal base (debootstrap --variant=minbase) are listed too, with their
# package, which is then simply found installed.
#
# Groups: "all" (make test, make bench, make check), "arm64" (ARCH=arm64),
# "hw" (hw-package.sh), "fresh" (fresh-machine.sh, on the host), "b4"
# (trixie's b4, installed by install_b4 below, not from the machine's
# suites), "peers" (make bench SUITE=peers: perf, staged into the guest).
# Without GROUP: all, plus arm64 when ARCH=arm64, plus peers when
# SUITE=peers, plus b4.
#
# After installing, every row of the groups must resolve (command on PATH,
# file present, Python module importable), and every command the scripts
# call (found by reading scripts/*.sh, .ci/run and the Makefile's recipes)
# must be in a row of the table: a script that starts calling a new
# command fails here, on the first step of make test, naming the command
# and where it is called, instead of half an hour later on a machine that
# lacks it. Commands called through a variable ("$qemu", "${cross}gcc")
# are not found by reading: they are in the table by hand.
# --check: check only, install nothing.
source "$(dirname "$0")/lib.sh"
STEP=deps

deps_table() {
	cat <<'EOT'
# what (command, /file, py:module of /usr/bin/python3) package group
# Debian's minimal base
bash                                 bash                    all
awk                                  mawk                    all
basename                             coreutils               all
cat                                  coreutils               all
chmod                                coreutils               all
chroot                               coreutils               fresh
env                                  coreutils               all
realpath                             coreutils               fresh
touch                                coreutils               all
comm                                 coreutils               all
cp                                   coreutils               all
cut                                  coreutils               all
date                                 coreutils               all
dirname                              coreutils               all
du                                   coreutils               all
head                                 coreutils               all
id                                   coreutils               all
ln                                   coreutils               all
ls                                   coreutils               all
mkdir                                coreutils               all
mktemp                               coreutils               all
mv                                   coreutils               all
nproc                                coreutils               all
paste                                coreutils               all
readlink                             coreutils               all
rm                                   coreutils               all
sha256sum                            coreutils               all
sleep                                coreutils               all
sort                                 coreutils               all
tail                                 coreutils               all
tee                                  coreutils               all
timeout                              coreutils               all
tr                                   coreutils               all
uname                                coreutils               all
wc                                   coreutils               all
sed                                  sed                     all
grep                                 grep                    all
find                                 findutils               all
xargs                                findutils               all
tar                                  tar                     all
# check-base.sh: apt's downloader (the debian tarball, hash-checked)
/usr/lib/apt/apt-helper              apt                     all
gzip                                 gzip                    all
flock                                util-linux              all
mount                                mount                   fresh
umount                               mount                   fresh
mountpoint                           util-linux              fresh
dpkg                                 dpkg                    all
dpkg-deb                             dpkg                    all
dpkg-query                           dpkg                    all
apt-get                              apt                     all
apt-cache                            apt                     all
/usr/share/keyrings/debian-archive-keyring.gpg debian-archive-keyring all
ldd                                  libc-bin                all
# The harness
git                                  git                     all
make                                 make                    all
pgrep                                procps                  all
python3                              python3                 all
py:matplotlib                        python3-matplotlib      all
cpio                                 cpio                    all
xz                                   xz-utils                all
ccache                               ccache                  all
qemu-system-x86_64                   qemu-system-x86         all
/bin/busybox                         busybox-static          all
stress-ng                            stress-ng               all
# The kernel build (Documentation/process/changes.rst) and the selftests
# build: headers_install needs rsync, the selftests a static libc
gcc                                  gcc                     all
/usr/include/stdio.h                 libc6-dev               all
ld                                   binutils                all
readelf                              binutils                all
strings                              binutils                all
flex                                 flex                    all
bison                                bison                   all
bc                                   bc                      all
perl                                 perl                    all
rsync                                rsync                   all
fold                                 coreutils               all
/usr/include/gelf.h                  libelf-dev              all
/usr/include/openssl/ssl.h           libssl-dev              all
# make check: sparse (fetch-sparse.sh may take sid's), checkpatch's
# spdxcheck.py (ply, git)
sparse                               sparse                  all
py:ply                               python3-ply             all
py:git                               python3-git             all
# make selfcheck: shellcheck and pyflakes3 on the scripts; make check's
# coccinelle gate (coccicheck.sh): spatch, and OCaml for the semantic
# patches with OCaml rules (ocaml-nox pulls in the compiler and runtime)
shellcheck                           shellcheck              all
pyflakes3                            pyflakes3               all
spatch                               coccinelle              all
ocaml                                ocaml-nox               all
# ARCH=arm64: cross compiler and static libc, QEMU
aarch64-linux-gnu-gcc                gcc-aarch64-linux-gnu   arm64
aarch64-linux-gnu-readelf            binutils-aarch64-linux-gnu arm64
/usr/aarch64-linux-gnu/include/stdio.h libc6-dev-arm64-cross arm64
qemu-system-aarch64                  qemu-system-arm         arm64
# hw-package.sh: make bindeb-pkg (scripts/package/mkdebian's Build-Depends)
file                                 file                    hw
dpkg-buildpackage                    dpkg-dev                hw
dh                                   debhelper               hw
depmod                               kmod                    hw
/usr/include/elfutils/libdw.h        libdw-dev               hw
flex                                 flex                    hw
bison                                bison                   hw
bc                                   bc                      hw
rsync                                rsync                   hw
cpio                                 cpio                    hw
xz                                   xz-utils                hw
python3                              python3                 hw
/usr/include/gelf.h                  libelf-dev              hw
/usr/include/openssl/ssl.h           libssl-dev              hw
# fresh-machine.sh, on the host
debootstrap                          debootstrap             fresh
# make send-dry, make check's "b4 prep --check" (install_b4 below)
b4                                   b4                      b4
perf                                 linux-perf              peers
hackbench                            rt-tests                peers
EOT
}

check_only=0
[ "${1:-}" = --check ] && { check_only=1; shift; }
groups=("$@")
if [ ${#groups[@]} -eq 0 ]; then
	groups=(all b4)
	load_arch "${ARCH:-x86_64}"
	[ -n "$ARCH_DEPS_GROUP" ] && groups+=("$ARCH_DEPS_GROUP")
	[ "${SUITE:-}" = peers ] && groups+=(peers)
fi
in_groups() { local g; for g in "${groups[@]}"; do [ "$g" = "$1" ] && return 0; done; return 1; }

# The rows of the groups asked for: "what package group".
rows=()
while read -r what pkg grp; do
	case "$what" in ''|'#'*) continue ;; esac
	[ -n "$grp" ] || die "table row without a group: $what $pkg"
	in_groups "$grp" && rows+=("$what $pkg $grp")
done < <(deps_table)

# The packages of those rows (b4 has its own installer).
pkgs=()
for r in "${rows[@]}"; do
	read -r what pkg grp <<<"$r"
	[ "$grp" = b4 ] && continue
	case " ${pkgs[*]} " in *" $pkg "*) ;; *) pkgs+=("$pkg") ;; esac
done
[ "$check_only" = 1 ] || need_pkgs "${pkgs[@]}"

# b4, for "make send-dry" and the "b4 prep --check" gate of "make check".
# Bookworm's b4 0.12 has neither "b4 prep --check" nor "b4 send -o". sid's
# 0.16 imports pygit2.enums (pygit2 >= 1.14; bookworm has 1.11, sid's needs
# Python 3.14). trixie's 0.14.2 (arch: all) needs only what bookworm has:
# download it through a private apt sources file (the machine's own Debian
# mirror, suites PIPEPOOL_B4_SUITES) and install the .deb with apt-get, which
# takes its dependencies from the machine's own sources. A failure here is
# reported, not fatal: check.sh then skips its b4 gate and says why.
install_b4() {
	b4_ok >/dev/null && return 0
	[ "$(id -u)" -eq 0 ] || { msg "b4 >= 0.14 missing and not root: not installed"; return 1; }
	local uri dir log s deb
	uri=$(debian_mirror_uri)
	[ -n "$uri" ] || { msg "no Debian mirror URI in /etc/apt/sources*: b4 not installed"; return 1; }
	dir=$CACHE/apt-b4
	log=$LOGDIR/install-b4.log
	mkdir -p "$dir/lists/partial" "$dir/debs"
	: >"$dir/sources.list"
	for s in ${PIPEPOOL_B4_SUITES:-trixie}; do
		echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $uri $s main" >>"$dir/sources.list"
	done
	local APT=(-o "Dir::Etc::sourcelist=$dir/sources.list" -o "Dir::Etc::sourceparts=-"
		   -o "Dir::State::Lists=$dir/lists" -o "APT::Sandbox::User=root")
	msg "fetching b4 from ${PIPEPOOL_B4_SUITES:-trixie} ($uri)"
	rm -f "$dir"/debs/b4_*.deb
	{ apt-get "${APT[@]}" update &&
	  ( cd "$dir/debs" && apt-get "${APT[@]}" download b4 ) &&
	  deb=$(ls "$dir"/debs/b4_*.deb) &&
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$deb"; } >"$log" 2>&1 ||
		{ tail -n 10 "$log" >&2; msg "b4 install failed (log: $log)"; return 1; }
	b4_ok >/dev/null || { msg "installed b4 does not run or lacks prep --check (log: $log)"; return 1; }
	msg "b4 $(b4_ok) installed"
}
if in_groups b4 && [ "$check_only" = 0 ]; then
	install_b4 || true
fi

# Every row resolves.
bad=()
for r in "${rows[@]}"; do
	read -r what pkg grp <<<"$r"
	[ "$grp" = b4 ] && continue     # optional: check.sh says when it is missing
	case "$what" in
	/*)	[ -e "$what" ] ;;
	# Debian's modules, for Debian's interpreter (PATH may name another).
	py:*)	/usr/bin/python3 -c "import ${what#py:}" 2>/dev/null ;;
	*)	command -v "$what" >/dev/null ;;
	esac || bad+=("$what ($pkg)")
done
[ ${#bad[@]} -eq 0 ] ||
	die "missing$([ "$check_only" = 0 ] && echo " after installing") (package in brackets): ${bad[*]}"

# Every command the scripts call has a row.
# shellcheck disable=SC2046
uncovered=$(python3 - "$TOP" $(deps_table | awk '$1 !~ /^#/ && NF { print $1 }') <<'PY'
import glob, os, re, sys

top = sys.argv[1]
covered = set(sys.argv[2:])
# Scripts that run inside the guest, on its busybox, not on this machine.
GUEST = {'soak-guest.sh', 'peers-job.sh', 'bench-job.sh', 'defects-job.sh'}
files = sorted(p for p in glob.glob(os.path.join(top, 'scripts', '*.sh'))
               if os.path.basename(p) not in GUEST) + \
    [p for p in (os.path.join(top, '.ci', 'run'), os.path.join(top, 'Makefile')) if os.path.exists(p)]

# Shell keywords and builtins: not external commands.
BUILTINS = set('''alias bg bind break builtin caller cd command compgen complete compopt continue
declare dirs disown echo enable eval exec exit export false fc fg getopts hash help history jobs
kill let local logout mapfile popd printf pushd pwd read readarray readonly return set shift shopt
source suspend test times trap true type typeset ulimit umask unalias unset wait [ [[ . : case
esac for select in function coproc } fi done'''.split())
# Words after which the next word is the command.
PREFIXES = {'exec', 'time', 'builtin', 'then', 'do', 'else', 'elif', 'if', 'while', 'until', '!', '{'}
# Commands that run the command after their options.
CMDPREFIX = {'env', 'nice', 'nohup', 'setsid', 'sudo', 'xargs', 'unshare', 'stdbuf'}
# Commands that run another one after their options and one argument.
ARGPREFIX = {'timeout', 'flock', 'chroot'}


def strip_heredocs(text, makefile):
    """Blank heredoc bodies and, in a Makefile, everything but recipes."""
    out, tag = [], None
    for line in text.split('\n'):
        if tag:
            out.append('')
            if line.strip() == tag:
                tag = None
            continue
        if makefile:
            if not line.startswith('\t'):
                out.append('')
                continue
            line = line.lstrip('\t@-')
            # make's own $(...) expansions; $$ is the shell's $.
            while re.search(r'(?<!\$)\$\([^()]*\)', line):
                line = re.sub(r'(?<!\$)\$\([^()]*\)', '@', line)
            line = line.replace('$$', '$')
        m = re.search(r"<<-?\s*(['\"]?)([A-Za-z_]+)\1", line)
        if m and not line.lstrip().startswith('#'):
            tag = m.group(2)
        out.append(line)
    return out


def command_text(text):
    """(char, line) pairs of the script with quoted text, comments and
    ${...} and $((...)) expansions blanked ("@") and command substitutions
    kept. \x02 separates commands, \x03 ends a case pattern."""
    out, i, n, line = [], 0, len(text), 1
    stack = ['cmd']          # cmd, sub "( )", csub "$( )", dq '" "', bq "` `"

    def emit(c):
        out.append((c, line))

    def skip_balanced(j, op, cl):
        nonlocal line
        depth = 0
        while j < n:
            if text[j] == '\n':
                line += 1
            if text.startswith(op, j):
                depth += 1
                j += len(op)
                continue
            if text.startswith(cl, j):
                depth -= 1
                j += len(cl)
                if depth == 0:
                    return j
                continue
            j += 1
        return j

    redir = re.compile(r'[0-9]*[<>]&[0-9-]*|&>>?|\|&')
    while i < n:
        c = text[i]
        mode = stack[-1]
        if c == '\n':
            line += 1
            emit('\n' if mode != 'dq' else ' ')
            i += 1
        elif c == '\\':
            emit(' ')
            if text[i + 1:i + 2] == '\n':
                line += 1
            i += 2
        elif text.startswith('$((', i):
            i = skip_balanced(i + 1, '((', '))')
            emit('@')
        elif text.startswith('${', i):
            i = skip_balanced(i + 1, '{', '}')
            emit('@')
        elif text.startswith('$(', i):
            stack.append('csub')
            emit('\x02')
            i += 2
        elif mode == 'dq':
            if c == '"':
                stack.pop()
                emit('@')
            elif c == '`':
                stack.append('bq')
                emit('\x02')
            i += 1
        elif mode == 'bq' and c == '`':
            stack.pop()
            emit('\x02')
            i += 1
        elif c == "'":
            j = text.find("'", i + 1)
            j = n if j < 0 else j
            line += text.count('\n', i, j)
            emit('@')
            i = j + 1
        elif c == '"':
            stack.append('dq')
            i += 1
        elif c == '`':
            stack.append('bq')
            emit('\x02')
            i += 1
        elif c == '#' and (i == 0 or text[i - 1] in ' \t\n;'):
            while i < n and text[i] != '\n':
                i += 1
        elif text.startswith('((', i):          # arithmetic command, for ((...))
            i = skip_balanced(i, '((', '))')
            emit('@')
        elif text.startswith('=(', i):          # array assignment
            i = skip_balanced(i + 1, '(', ')')
            emit('=@')
        elif text.startswith('()', i):          # function definition
            emit('\x02')
            i += 2
        elif c == '(':
            stack.append('sub')
            emit('\x02')
            i += 1
        elif c == ')':
            if mode in ('sub', 'csub'):
                stack.pop()
                emit('\x02')
            else:
                emit('\x03')
            i += 1
        elif redir.match(text, i):
            emit(' ')
            i = redir.match(text, i).end()
        elif c in ';|&':
            emit('\x02')
            i += 1
        else:
            emit(c)
            i += 1
    return out


funcs = set()
for p in files:
    funcs.update(re.findall(r'(?m)^\s*(?:function\s+)?([A-Za-z_][A-Za-z0-9_-]*)\s*\(\)',
                            open(p, errors='replace').read()))
missing = {}
for p in files:
    text = '\n'.join(strip_heredocs(open(p, errors='replace').read(), p.endswith('Makefile')))
    segs, cur, start, mark = [], [], None, 0
    for c, ln in command_text(text):
        if c in '\n\x02':
            segs.append((''.join(cur), start))
            cur, start = [], None
            if c == '\n':
                mark = len(segs)
        elif c == '\x03':
            del segs[mark:]        # a case pattern, alternatives included
            cur, start = [], None
        else:
            if start is None and not c.isspace():
                start = ln
            cur.append(c)
    segs.append((''.join(cur), start))
    for seg, ln in segs:
        words = seg.split()
        cmds = []
        while words:
            w = words[0]
            if re.match(r'^[A-Za-z_][A-Za-z0-9_]*(\[[^]]*\])?\+?=', w) or w in PREFIXES:
                words.pop(0)
            elif w == 'command':
                words = [] if words[1:2] == ['-v'] else words[1:]
            elif w in ARGPREFIX or w in CMDPREFIX:
                cmds.append(w)
                words.pop(0)
                while words and (words[0].startswith('-') or '=' in words[0]):
                    words.pop(0)
                if w in ARGPREFIX:
                    words = words[1:]
            else:
                cmds.append(w)
                break
        for w in cmds:
            if re.match(r'^[A-Za-z_][A-Za-z0-9_.+-]*$', w) and w not in BUILTINS and \
               w not in funcs and w not in covered:
                missing.setdefault(w, []).append(f'{os.path.relpath(p, top)}:{ln}')
for w in sorted(missing):
    print(f'{w} ({", ".join(missing[w][:3])})')
PY
) || die "the command scan failed"
[ -z "$uncovered" ] ||
	die "commands the scripts call that scripts/install-deps.sh's table does not list: $(echo $uncovered)"
msg "${#rows[@]} commands, files and modules of groups ${groups[*]}: all present; every command the scripts call is listed"
