#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# fresh-machine.sh: what "make fresh-machine" runs: "make test" on a fresh
# Debian machine, as a new user would run it. It builds a minimal Debian
# root (debootstrap --variant=minbase, suite FRESH_SUITE, default bookworm)
# in FRESH_ROOT (default work/fresh-SUITE) from the Debian mirror of this
# machine's apt sources, copies in this machine's apt configuration (its
# sources, /etc/apt/apt.conf.d, preferences and the keyrings the sources
# name: the mirror's sid and forky Release files are past their Valid-Until
# date, which this machine's apt configuration accepts and a bare root does
# not), installs git, make and ca-certificates and nothing else, clones
# this repository's HEAD (committed work only) and runs "make test" in it,
# in the root (chroot, with /proc, /sys and /dev mounted, all unmounted on
# exit). Everything else the run needs, install-deps.sh must install.
#
# The root has its own download cache and ccache (/root/.cache/pipepool in
# the root): nothing of this machine's cache is seen, so the kernels are
# built from scratch. Its kernel builds take this machine's build lock
# (the lock file is bind-mounted into the root), so they never run beside
# another kernel build of this machine.
#
# Passed through to make test when set: CHECK HOST DEBUG KCSAN SOAK ARCH PAGES
# KVER_SERIES VARIANT SELFTESTS KUNIT PIPEPOOL_SUITES PIPEPOOL_B4_SUITES,
# e.g. "make fresh-machine CHECK=0 HOST=0 DEBUG=0 KCSAN=0" for a quick run.
# FRESH_KEEP=1 reuses an existing root (debootstrap and the package
# installs are skipped; its cache and build directories are kept).
# Ends with make test's "N passed, N failed[, N skipped]" line and the wall
# time; fails when make test fails.
source "$(dirname "$0")/lib.sh"
STEP=fresh-machine
[ "$(id -u)" -eq 0 ] || die "needs root (debootstrap, chroot, mounts)"
"$TOP/scripts/install-deps.sh" fresh
suite=${FRESH_SUITE:-bookworm}
root=$(realpath -m "${FRESH_ROOT:-$WORK/fresh-$suite}")
uri=$(debian_mirror_uri)
[ -n "$uri" ] || die "no Debian mirror URI found in /etc/apt/sources*"
log=$LOGDIR/fresh-machine.log
: >"$log"
t0=$(date +%s)

mounts=()
cleanup() {
	local i
	for ((i = ${#mounts[@]} - 1; i >= 0; i--)); do
		umount -R "${mounts[$i]}" 2>/dev/null || umount -R -l "${mounts[$i]}" 2>/dev/null ||
			msg "could not unmount ${mounts[$i]}"
	done
	mounts=()
}
trap cleanup EXIT
trap 'exit 130' INT TERM
# mnt ARGS... TARGET: mount, and unmount on exit.
mnt() {
	mount "$@" || die "mount $* failed"
	mounts+=("${*: -1}")
}
# A root with something still mounted in it must not be removed.
busy() { grep -q " $root/" /proc/self/mounts; }

if [ "${FRESH_KEEP:-0}" != 1 ] || [ ! -f "$root/.pipepool-fresh" ]; then
	busy && die "something is mounted under $root: unmount it first"
	rm -rf "$root"
	mkdir -p "$root"
	msg "debootstrap --variant=minbase $suite $root $uri (log: $log)"
	t1=$(date +%s)
	debootstrap --variant=minbase "$suite" "$root" "$uri" >>"$log" 2>&1 ||
		{ tail -n 20 "$log" >&2; die "debootstrap failed (log: $log)"; }
	msg "debootstrap: $(( $(date +%s) - t1 ))s, $(du -sh "$root" | cut -f1)"

	# This machine's apt configuration, and the keyrings its sources name.
	rm -rf "$root/etc/apt/sources.list.d" "$root/etc/apt/apt.conf.d" "$root/etc/apt/preferences.d"
	rm -f "$root/etc/apt/sources.list"
	for f in sources.list sources.list.d apt.conf.d preferences.d trusted.gpg trusted.gpg.d keyrings; do
		if [ -e "/etc/apt/$f" ]; then
			cp -a "/etc/apt/$f" "$root/etc/apt/"
		fi
	done
	for k in $(find /etc/apt/sources.list /etc/apt/sources.list.d -maxdepth 1 -type f \
			-exec grep -ohiE 'signed-by(:|=) *[^] ,]+' {} + 2>/dev/null |
		   sed -E 's/^[^:=]*[:=] *//' | sort -u); do
		if [ -f "$k" ] && [ ! -e "$root$k" ]; then
			mkdir -p "$root$(dirname "$k")"
			cp "$k" "$root$k"
		fi
	done
	cp /etc/resolv.conf "$root/etc/resolv.conf"
	touch "$root/.pipepool-fresh"
fi

mnt -t proc proc "$root/proc"
mnt -t sysfs sysfs "$root/sys"
mnt --rbind /dev "$root/dev"
mount --make-rslave "$root/dev"
# This machine's build lock, at the path of the root's own.
mkdir -p "$root/root/.cache/pipepool"
touch "$CACHE/build.lock" "$root/root/.cache/pipepool/build.lock"
mnt --bind "$CACHE/build.lock" "$root/root/.cache/pipepool/build.lock"
# The repository to clone, read-only.
mkdir -p "$root/mnt/origin"
mnt --bind -o ro "$TOP" "$root/mnt/origin"

# A clean environment: nothing of this shell's PATH or settings but the
# ones passed through.
envs=(HOME=/root PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8
      TERM=dumb DEBIAN_FRONTEND=noninteractive PIPEPOOL_CACHE=/root/.cache/pipepool)
for v in CHECK HOST DEBUG KCSAN SOAK ARCH PAGES KVER_SERIES VARIANT SELFTESTS KUNIT PIPEPOOL_SUITES PIPEPOOL_B4_SUITES; do
	[ -n "${!v:-}" ] && envs+=("$v=${!v}")
done
in_root() { chroot "$root" /usr/bin/env -i "${envs[@]}" "$@"; }

if [ ! -d "$root/root/pipepool/.git" ] || [ "${FRESH_KEEP:-0}" != 1 ]; then
	msg "installing git, make and ca-certificates"
	{ in_root apt-get update && in_root apt-get install -y --no-install-recommends git make ca-certificates; } >>"$log" 2>&1 ||
		{ tail -n 20 "$log" >&2; die "apt-get in the root failed (log: $log)"; }
	rm -rf "$root/root/pipepool"
	in_root git clone -q /mnt/origin /root/pipepool >>"$log" 2>&1 || die "git clone in the root failed (log: $log)"
fi
msg "root ready after $(( $(date +%s) - t0 ))s: $(in_root git -C /root/pipepool log --oneline -1)"
msg "make test in the root ($(printf '%s ' "${envs[@]}" | sed 's/HOME=[^ ]* PATH=[^ ]* //')); log: $log"
t1=$(date +%s)
rc=0
in_root /bin/bash -c 'cd /root/pipepool && make test' 2>&1 | tee -a "$log" || rc=$?
secs=$(( $(date +%s) - t1 ))
count=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$log" | tail -1 || true)
msg "make test in the fresh $suite root: rc=$rc in $((secs / 60)) min $((secs % 60)) s (all: $(( ($(date +%s) - t0) / 60 )) min): ${count:-no count line}"
[ "$rc" -eq 0 ] && [ -n "$count" ]
