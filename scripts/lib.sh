# SPDX-License-Identifier: GPL-2.0
# Shared helpers for the pipe-pool harness scripts. Sourced, never run.

set -euo pipefail

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
WORK=${WORK:-$TOP/work}
CACHE=${PIPEPOOL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pipepool}
KVER_SERIES=${KVER_SERIES:-7.2}
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

# The one source tree all variants are built from (see apply-series.sh).
tree_dir() { echo "$WORK/trees/src"; }

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
build_lock() {
	exec {BUILD_LOCK_FD}>"$CACHE/build.lock"
	if ! flock -n "$BUILD_LOCK_FD"; then
		msg "waiting for another kernel build on this machine ($CACHE/build.lock)"
		flock "$BUILD_LOCK_FD"
	fi
}
