# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# Shared helpers for the pipe-pool harness scripts. Sourced, never run.

set -euo pipefail

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
WORK=${WORK:-$TOP/work}
CACHE=${PIPEPOOL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pipepool}
KVER_SERIES=${KVER_SERIES:-7.3}
# shellcheck disable=SC2034 # used by the scripts that source this file
BASE_TAG=base
LOGDIR=${LOGDIR:-$WORK/logs}
mkdir -p "$WORK" "$CACHE" "$LOGDIR"

msg()  { printf '[%s] %s\n' "${STEP:-pipepool}" "$*" >&2; }
die()  { printf 'ERROR: [%s] %s\n' "${STEP:-pipepool}" "$*" >&2; exit 1; }

# run_logged LOG CMD...: run CMD with all output in LOG; on failure print one
# clear line naming the step and the log, with the log's tail for context.
run_logged() {
	local log=$1; shift
	if ! "$@" >"$log" 2>&1; then
		tail -n 25 "$log" >&2
		die "failed: $* (log: $log)"
	fi
}

nproc_host() { nproc 2>/dev/null || echo 2; }

# Install the Debian packages named on the command line that are missing.
need_pkgs() {
	local missing=() p
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
			missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	[ "$(id -u)" -eq 0 ] || die "missing packages (install them or run as root): ${missing[*]}"
	msg "installing: ${missing[*]}"
	local log=$LOGDIR/apt-install.log
	{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
		apt-get install -y -qq --no-install-recommends "${missing[@]}"; } >"$log" 2>&1 ||
		{ tail -n 20 "$log" >&2; die "apt-get install failed (log: $log)"; }
}

# The series: the product is two patch series, each its own git
# format-patch output in patches/NAME/ (cover letter, patches, "series"),
# its own cover letter templates in cover-letter/NAME/ and its own branch
# of linux/. SERIES_NAMES is their order on the base in the harness's
# "patched" tree: the pool series first (the kernel patches, its KUnit
# suite and functional selftests, to linux-fsdevel and linux-mm), then
# pipe_bench (the benchmark rework, to linux-kselftest), which the pool's
# reproduce commands need. In this order every patch's preimage blobs are
# in the base repository, so that git am -3 can merge the one file both
# touch (the selftests' Makefile; pipe_bench's patch is made against the
# base's). Each series also applies and builds on the base alone (check.sh
# proves both).
# shellcheck disable=SC2034 # used by the scripts that source this file
SERIES_NAMES="pool pipe_bench"
# series_branch NAME: NAME's branch in linux/.
series_branch() {
	case "$1" in
	pool) echo pipe-pool ;;
	pipe_bench) echo pipe-bench ;;
	*) die "unknown series: $1 (known: $SERIES_NAMES)" ;;
	esac
}
# series_max NAME: the most patches NAME may have (a series reviewers can
# take in one sitting; check.sh gates on it).
series_max() {
	case "$1" in
	pool) echo 15 ;;
	pipe_bench) echo 10 ;;
	*) die "unknown series: $1 (known: $SERIES_NAMES)" ;;
	esac
}
# series_dir NAME: NAME's exported files.
series_dir() { series_branch "$1" >/dev/null; echo "$TOP/patches/$1"; }
# series_patches NAME [MAX]: the patch files of NAME in patches/NAME/series
# order (the first MAX only) into the array PATCHES (no subshell, so that a
# missing file stops the script); none when NAME has no patches/NAME/series.
series_patches() {
	local d p max=${2:-999999}
	d=$(series_dir "$1")
	PATCHES=()
	[ -f "$d/series" ] || return 0
	while read -r p; do
		case "$p" in ''|'#'*) continue ;; esac
		[ -f "$d/$p" ] || die "patches/$1/series names a missing file: $p"
		[ ${#PATCHES[@]} -lt "$max" ] || break
		PATCHES+=("$d/$p")
	done <"$d/series"
}

# history_patches COMMIT N DIR: the first N patches of patches/series as
# this repository's COMMIT held them, written to DIR, in PATCHES. Needs
# the clone's history (a shallow clone: git fetch --unshallow).
history_patches() {
	local rev=$1 max=$2 dir=$3 p
	git -C "$TOP" cat-file -e "$rev^{commit}" 2>/dev/null ||
		die "commit $rev is not in this clone (a shallow clone? git fetch --unshallow)"
	rm -rf "$dir"
	mkdir -p "$dir"
	PATCHES=()
	while read -r p; do
		case "$p" in ''|'#'*) continue ;; esac
		[ ${#PATCHES[@]} -lt "$max" ] || break
		git -C "$TOP" show "$rev:patches/$p" >"$dir/$p" ||
			die "$rev:patches/series names a missing file: $p"
		PATCHES+=("$dir/$p")
	done < <(git -C "$TOP" show "$rev:patches/series")
}

# checkpatch_ignore NAME: checkpatch options for series NAME. A series
# whose MAINTAINERS entries come in a patch of their own (one the
# maintainers can take or drop) gets "--ignore FILE_PATH_CHANGES": that
# warning asks, of each patch adding a file, whether MAINTAINERS needs
# updating, and the MAINTAINERS patch answers it (check.sh checks that
# its entries cover every file the series adds: maintainers-cover.py).
checkpatch_ignore() {
	local p
	series_patches "$1"
	for p in "${PATCHES[@]}"; do
		if [ "$(grep -c '^diff --git ' "$p")" = 1 ] &&
		   grep -q '^diff --git a/MAINTAINERS b/MAINTAINERS$' "$p"; then
			echo "--ignore FILE_PATH_CHANGES"
			return
		fi
	done
}

# variant_series VARIANT: the Linux series whose Debian linux-source the
# tree of VARIANT comes from. "vXY" (v72) is Linux X.Y with nothing applied,
# an older reference; every other variant (base, patched, patched-N) is
# KVER_SERIES.
variant_series() {
	case "$1" in
	v[0-9][0-9]*) local v=${1#v}; echo "${v:0:1}.${v:1}" ;;
	*) echo "$KVER_SERIES" ;;
	esac
}

# series_suffix VARIANT: "" for the variants of KVER_SERIES, "-X.Y" for a
# variant of another series. It names that series' own source tree and
# build directories, so that building the reference never switches the
# series' tree and build directories to other sources (each switch would
# rebuild everything).
series_suffix() {
	local s
	s=$(variant_series "$1")
	[ "$s" = "$KVER_SERIES" ] || echo "-$s"
}

# tree_dir VARIANT: the source tree VARIANT is built from (see
# apply-series.sh): one worktree shared by the variants of a series.
tree_dir() { echo "$WORK/trees/src$(series_suffix "${1:-patched}")"; }

# kunit_enabled VARIANT: whether VARIANT's guest kernels carry the
# series' KUnit suite (its tree has the suite and KUNIT is not 0).
kunit_enabled() { [ "${KUNIT:-1}" = 1 ] && [ -f "$(tree_dir "$1")/fs/tests/pipe_kunit.c" ]; }

# guest_build_dir VARIANT [FLAVOR...]: the build directory build-kernel.sh
# uses for VARIANT and FLAVORs on ARCH: build/ARCH-FLAVORS, "-kunit" when
# the tree has the series' KUnit suite and KUNIT is not 0 (KUnit changes
# core structures: a directory of its own keeps test and bench kernels
# incremental), "-X.Y" for a variant of another series.
guest_build_dir() {
	local variant=$1 fname=guest
	shift
	[ $# -gt 0 ] && fname=$(IFS=-; echo "$*")
	kunit_enabled "$variant" && fname=$fname-kunit
	echo "$TOP/build/${ARCH:-x86_64}-$fname$(series_suffix "$variant")"
}

# load_arch ARCH: source scripts/arch/ARCH.sh, the facts of a guest
# architecture (kernel and Debian names, cross prefix, image, config
# fragment, QEMU machine and channels, page sizes: see the file's header),
# or die naming the architectures there are.
load_arch() {
	local a=$1 f v have=
	f=$TOP/scripts/arch/$a.sh
	case "$a" in ''|*/*|.*) f= ;; esac
	if [ -z "$f" ] || [ ! -f "$f" ]; then
		for v in "$TOP"/scripts/arch/*.sh; do v=${v##*/}; have+=${have:+, }${v%.sh}; done
		die "unsupported ARCH=$a: no scripts/arch/$a.sh ($have)"
	fi
	# What every file sets (ARCH_DEPS_GROUP may be empty). Nothing of an
	# arch loaded before may stand in for what this file lacks.
	local vars=(ARCH_KERNEL ARCH_DEBIAN ARCH_UNAME ARCH_CROSS ARCH_IMAGE ARCH_IMAGE_TARGET
		    ARCH_GUEST_CONFIG ARCH_KCONFIG ARCH_READELF_MACHINE ARCH_FILE_MACHINE ARCH_QEMU
		    ARCH_QEMU_MACHINE ARCH_CONSOLE ARCH_PAGE_SIZES ARCH_TEST_FULL)
	unset "${vars[@]}" ARCH_DEPS_GROUP ARCH_CHAN_ARGS ARCH_CHAN_APPEND
	unset -f arch_channels
	# shellcheck source=/dev/null
	. "$f"
	for v in "${vars[@]}"; do
		[ -n "${!v:-}" ] || die "scripts/arch/$a.sh does not set $v"
	done
	ARCH_DEPS_GROUP=${ARCH_DEPS_GROUP:-}
	declare -F arch_channels >/dev/null || die "scripts/arch/$a.sh does not define arch_channels"
}

# arch_channels CONSOLE OUT: each arch file defines it (load_arch replaces
# this stand-in, which also tells install-deps.sh's command scan, which
# reads scripts/*.sh only, that it is a function): fills the array
# ARCH_CHAN_ARGS with the QEMU arguments that put the guest's kernel console
# in the file CONSOLE and its results channel in the file OUT, and
# ARCH_CHAN_APPEND with the kernel arguments that name them.
arch_channels() { die "arch_channels: no arch loaded (load_arch ARCH)"; }

# arch_is_host: the loaded arch is the build machine's own (uname -m).
arch_is_host() { [ "$(uname -m)" = "$ARCH_UNAME" ]; }

# arch_cross: the CROSS_COMPILE prefix for the loaded arch: none on a host
# of that arch (CROSS_COMPILE is then ignored, so that one set for arm64
# does not reach an x86-64 build of make test-all), else CROSS_COMPILE or
# the arch's default (aarch64-linux-gnu- for arm64).
arch_cross() {
	if arch_is_host; then
		echo ""
	else
		echo "${CROSS_COMPILE:-$ARCH_CROSS}"
	fi
}

# build_helper NAME: build scripts/NAME.c (one of the harness's own guest
# programs) statically for $ARCH, cross-compiled for another arch than the
# host's as the selftests are, into build/helpers-ARCH/; print its path.
build_helper() {
	local name=$1 arch=${ARCH:-x86_64} cc=${CC:-gcc} readelf=readelf cross out log
	load_arch "$arch"
	cross=$(arch_cross)
	if [ -n "$cross" ]; then
		cc=${cross}gcc
		readelf=${cross}readelf
	fi
	out=$TOP/build/helpers-$arch
	log=$LOGDIR/$name-build-$arch.log
	mkdir -p "$out" "$LOGDIR"
	$cc -O2 -g -Wall -Wextra -Werror -static -pthread \
		-o "$out/$name" "$TOP/scripts/$name.c" >"$log" 2>&1 ||
		{ cat "$log" >&2; die "$name build failed"; }
	"$readelf" -lh "$out/$name" >"$out/$name.readelf" 2>&1 || die "readelf $name failed"
	grep -q 'Requesting program interpreter' "$out/$name.readelf" && die "$name is dynamically linked"
	echo "$out/$name"
}

# A short content hash of files, for keying build products.
hash_files() { cat "$@" 2>/dev/null | sha256sum | cut -c1-12; }

# kbuild_cc CC: print the compiler to hand to Kbuild (CC behind ccache when
# present, unless NO_CCACHE) and export the build environment. Every kernel
# build goes through here, so that a build directory always sees the same
# command lines and stays incremental.
kbuild_cc() {
	local cc=$1
	command -v ccache >/dev/null && [ -z "${NO_CCACHE:-}" ] && cc="ccache $cc"
	export CCACHE_DIR=${CCACHE_DIR:-$CACHE/ccache} CCACHE_BASEDIR=$TOP
	export KBUILD_BUILD_TIMESTAMP="2000-01-01" KBUILD_BUILD_USER=pipepool KBUILD_BUILD_HOST=pipepool
	echo "$cc"
}

# build_lock: hold a machine-wide lock (in the download cache, shared by all
# clones of this repo) until the calling script exits, so that two kernel
# builds never share the machine's cores: each would take twice as long and
# a timed guest run beside them would measure the builds.
# A caller that already holds the lock (flock "$CACHE/build.lock" CMD, to
# run several builds in a row) says so with PIPEPOOL_BUILD_LOCK_HELD=1.
# apply-series.sh takes the lock too: it switches the source tree a build
# reads. build_lock sets PIPEPOOL_BUILD_LOCK_HELD=1 for the scripts the
# holder runs (hw-package.sh runs apply-series.sh under it), so that they
# do not wait for their own caller.
build_lock() {
	[ "${PIPEPOOL_BUILD_LOCK_HELD:-0}" = 1 ] && return 0
	exec {BUILD_LOCK_FD}>"$CACHE/build.lock"
	if ! flock -n "$BUILD_LOCK_FD"; then
		msg "waiting for another kernel build on this machine ($CACHE/build.lock)"
		flock "$BUILD_LOCK_FD"
	fi
	export PIPEPOOL_BUILD_LOCK_HELD=1
}

# The Debian archive URI from this machine's apt sources (deb822 or one-line).
debian_mirror_uri() {
	local f uri
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -r "$f" ] || continue
		uri=$(awk '/^URIs:/ { for (i = 2; i <= NF; i++) print $i }' "$f" |
		      grep -v -- '-security' | grep -m1 '/debian/\?$' || true)
		[ -n "$uri" ] && { echo "${uri%/}"; return; }
	done
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
		[ -r "$f" ] || continue
		uri=$(awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i ~ /^[a-z]+:\/\//) { print $i; break } }' "$f" |
		      grep -v -- '-security' | grep -m1 '/debian/\?$' || true)
		[ -n "$uri" ] && { echo "${uri%/}"; return; }
	done
}

# b4_ok: b4 is installed, runs, and has "b4 prep --check" and
# "b4 send --output-dir" (0.14 or later). Prints its version.
b4_ok() {
	local v
	v=$(b4 --version 2>/dev/null) || return 1
	b4 prep --help 2>/dev/null | grep -q -- '--check' || return 1
	b4 send --help 2>/dev/null | grep -q -- '--output-dir' || return 1
	echo "$v"
}

# b4_lock: hold $WORK/b4/lock (the b4 scratch clone of b4-prep.sh) until the
# calling script exits.
b4_lock() {
	mkdir -p "$WORK/b4"
	exec {B4_LOCK_FD}>"$WORK/b4/lock"
	flock "$B4_LOCK_FD"
}

# b4_check_results LOG: one line per patch of a "b4 prep --check" log:
# "success|warning|fail SHA: SUBJECT", from the colour of b4's dot (b4
# prints the same dot for all three: green, red, blinking red).
b4_check_results() {
	python3 - "$1" <<'PY'
import re, sys
flags = {'32': 'success', '31': 'warning', '31;5': 'fail'}
for line in open(sys.argv[1], errors='replace'):
    m = re.match(r'^\x1b\[([0-9;]+)m\u25cf\x1b\[0m ([0-9a-f]{7,}: .*)$', line.rstrip('\n'))
    if m:
        print(flags.get(m.group(1), 'fail'), m.group(2))
PY
}

# private_apt DIR TYPE URI SUITE...: write DIR/sources.list, one line
# "TYPE [signed-by=Debian's keyring] URI SUITE main" per SUITE (TYPE deb or
# deb-src), and set APT to the apt-get options that read it, with
# DIR/lists, instead of the machine's own sources.
private_apt() {
	local dir=$1 type=$2 uri=$3 s
	shift 3
	mkdir -p "$dir/lists/partial"
	: >"$dir/sources.list"
	for s in "$@"; do
		echo "$type [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $uri $s main" >>"$dir/sources.list"
	done
	APT=(-o "Dir::Etc::sourcelist=$dir/sources.list" -o "Dir::Etc::sourceparts=-"
	     -o "Dir::State::Lists=$dir/lists" -o "APT::Sandbox::User=root")
}

# foreign_apt DARCH LOG: apt's own client for Debian architecture DARCH,
# without touching the machine's apt setup (no dpkg --add-architecture): a
# private sources file and lists under $CACHE/apt-DARCH naming only DARCH,
# the Debian mirror URI of the machine's apt sources and the machine's own
# release (VERSION_CODENAME of /etc/os-release; PIPEPOOL_FOREIGN_SUITE
# overrides it). Sets apt_dir, suite and the array APT of apt-get and
# apt-cache options, and runs apt-get update into LOG.
foreign_apt() {
	local darch=$1 log=$2 uri keyring
	uri=$(debian_mirror_uri)
	[ -n "$uri" ] || die "no Debian mirror URI found in /etc/apt/sources*"
	suite=${PIPEPOOL_FOREIGN_SUITE:-$(. /etc/os-release 2>/dev/null && echo "${VERSION_CODENAME:-}")}
	[ -n "$suite" ] || suite=sid
	apt_dir=$CACHE/apt-$darch
	mkdir -p "$apt_dir/lists/partial"
	keyring=/usr/share/keyrings/debian-archive-keyring.gpg
	echo "deb [arch=$darch signed-by=$keyring] $uri $suite main" >"$apt_dir/sources.list"
	APT=(-o "Dir::Etc::sourcelist=$apt_dir/sources.list" -o "Dir::Etc::sourceparts=-"
	     -o "Dir::State::Lists=$apt_dir/lists" -o "APT::Sandbox::User=root"
	     -o "APT::Architecture=$darch" -o "APT::Architectures::=$darch")
	msg "apt update of $suite for $darch (mirror $uri)"
	apt-get "${APT[@]}" update >"$log" 2>&1 || { tail -n 20 "$log" >&2; die "apt-get update failed (log: $log)"; }
}
