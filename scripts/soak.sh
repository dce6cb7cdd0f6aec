#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# soak.sh: what "make soak" runs. Builds the debug guest kernel (tinyconfig +
# guest.config + debug.config: KASAN, PROVE_LOCKING, DEBUG_VM, ...) of
# VARIANT (default patched), boots it and runs scripts/soak-guest.sh in it
# for SOAK_SECONDS (default 240) of guest time: stress-ng's pipe, pipeherd,
# splice, tee and vm-splice stressors with --verify in sibling memory
# cgroups, soak-pipe's F_SETPIPE_SZ changes, closes with data in flight and
# concurrent FIFO first opens, then all of it again under fail_page_alloc,
# then a check that the cgroups' memory.current is back to its baseline.
# Ends with "N passed, N failed" counted from the TAP (and the console's
# KUnit KTAP) like make test; fails on a failed check or a kernel splat
# (run-guest.sh). Guest time is host time under the default realtime clock
# (CLOCK=icount: instructions, several host seconds per guest second).
# SOAK_IMAGE=PATH soaks that kernel image (PATH.config beside it) instead of
# building the debug kernel.
#
#   soak.sh stage KSELFTEST_DIR|- OUT_DIR
#	Lay out OUT_DIR for make-initramfs.sh: a copy of KSELFTEST_DIR (or,
#	with -, a run_kselftest.sh that runs nothing) and soak/ with
#	soak-guest.sh and soak-pipe (built here). test.sh uses this to add the
#	soak to its image; the job then runs
#	"sh /kselftest/soak/soak-guest.sh SECONDS".
source "$(dirname "$0")/lib.sh"
STEP=soak
arch=${ARCH:-x86_64}
load_arch "$arch"
arch_is_host || die "the soak runs on guests of this machine's arch ($(uname -m)): stress-ng is only in their image"

# stage KSELFTEST_DIR|- OUT_DIR
stage() {
	local kst=$1 out=$2 helper
	helper=$(build_helper soak-pipe)
	rm -rf "$out"
	mkdir -p "$out"
	if [ "$kst" = - ]; then
		cat >"$out/run_kselftest.sh" <<'EOT'
#!/bin/sh
# make soak's image: the pipe kselftests are not in it (make test runs them).
echo "# no kselftests in this image"
EOT
		chmod +x "$out/run_kselftest.sh"
	else
		[ -x "$kst/run_kselftest.sh" ] || die "no kselftest install at $kst"
		cp -a "$kst/." "$out/"
	fi
	mkdir -p "$out/soak"
	cp "$TOP/scripts/soak-guest.sh" "$out/soak/"
	cp "$helper" "$out/soak/"
	echo "$out"
}

if [ "${1:-}" = stage ]; then
	[ $# -eq 3 ] || die "usage: soak.sh stage KSELFTEST_DIR|- OUT_DIR"
	stage "$2" "$3"
	exit 0
fi
[ $# -eq 0 ] || die "usage: soak.sh (settings: SOAK_SECONDS, SOAK_IMAGE, VARIANT, KVER_SERIES, CLOCK, MEM, VCPUS)"

secs=${SOAK_SECONDS:-240}
case "$secs" in ''|*[!0-9]*) die "SOAK_SECONDS must be a number of seconds, not '$secs'" ;; esac
# Each phase must outlast stress-ng's start-up: under TCG pipeherd takes
# 10-20 s to fork its 100 processes, and a 20 s phase left it no bogo op.
[ "$secs" -ge 120 ] || die "SOAK_SECONDS must be at least 120 (two phases of 45 s, settling and checks)"
variant=${VARIANT:-patched}
t0=$(date +%s)
"$TOP/scripts/install-deps.sh"
if [ -n "${SOAK_IMAGE:-}" ]; then
	img=$SOAK_IMAGE
	[ -s "$img" ] || die "SOAK_IMAGE: no kernel image at $img"
	fl=image
else
	"$TOP/scripts/apply-series.sh" "$variant"
	img=$("$TOP/scripts/build-kernel.sh" "$variant" debug)
	fl=debug
fi
t1=$(date +%s)

dir=$(stage - "$WORK/soak-stage-$arch")
job=$WORK/job-soak.sh
echo "sh /kselftest/soak/soak-guest.sh $secs" >"$job"
initrd=$WORK/initramfs-soak-$arch.cpio.gz
"$TOP/scripts/make-initramfs.sh" "$initrd" "$dir" "$job"

# Boot and the checks after the soak take minutes under KASAN; the guest's
# watchdog kills the load 120 s after a phase should have ended.
name=soak-$arch-$fl-$variant
t2=$(date +%s)
TIMEOUT=${TIMEOUT:-$((secs + 900))} "$TOP/scripts/run-guest.sh" "$img" "$initrd" "$name"
t3=$(date +%s)
msg "$name: kernel $((t1 - t0))s (with any wait for the build lock), guest $((t3 - t2))s for a ${secs}s soak" \
    "(guest time, clock ${CLOCK:-realtime})"
python3 "$TOP/scripts/tap-count.py" "$LOGDIR/$name.out" "$LOGDIR/$name.console.log"
