#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# defects.sh: what "make defects" runs. Boots the kernels named in KERNELS
# (default: base series-v4 patched, that is 7.3, series v4 as sent and
# series v5) in icount guests (guest time counts instructions, so the
# per-pipe cost compares across kernels; the vCPUs run in turn on one host
# thread, which shows no lock contention), each running the series'
# pipe_buffers selftest and the workloads of issue 30's defects
# (defects-job.sh, defect-probes.c). Writes results/defects-STAMP.md, the
# table defects-report.py makes, and results/defects-STAMP/ with each
# guest's output; fails when the last kernel of KERNELS (the series)
# misses a target.
#   KERNELS    [base series-v4 patched] (apply-series.sh's variants; base
#              first: the targets are relative to it)
#   ROUNDS     [1] times the memory.max records workload runs per guest
#   JOBS       [host cores] guests at once
source "$(dirname "$0")/lib.sh"
STEP=defects
# The kernels without the KUnit suite (make bench's), so that the three
# are built alike: v4 and v5 carry one, 7.3 none.
export KUNIT=0
kernels=${KERNELS:-base series-v4 patched}
rounds=${ROUNDS:-1}
case "$rounds" in ''|*[!0-9]*|0) die "ROUNDS must be a positive number, not '$rounds'" ;; esac
jobs=${JOBS:-$(nproc_host)}
[ "$jobs" -ge 1 ] || jobs=1
[ "${ARCH:-x86_64}" = x86_64 ] || die "make defects runs x86-64 guests (ARCH=x86_64)"
"$TOP/scripts/install-deps.sh"
t0=$(date +%s)

declare -A img
for k in $kernels; do
	"$TOP/scripts/apply-series.sh" "$k"
	img[$k]=$("$TOP/scripts/build-kernel.sh" "$k")
done
"$TOP/scripts/apply-series.sh" patched
kst=$("$TOP/scripts/build-selftests.sh" patched)
job=$WORK/job-defects.sh
{ echo "MEMCG_ROUNDS=$rounds"; cat "$TOP/scripts/defects-job.sh"; } >"$job"
initrd=$WORK/initramfs-defects.cpio.gz
EXTRA_BINS=$(build_helper defect-probes) "$TOP/scripts/make-initramfs.sh" "$initrd" "$kst" "$job"

stamp=$(date -u +%Y%m%dT%H%M%SZ)
dir=$TOP/results/defects-$stamp
mkdir -p "$dir"
running=0
for k in $kernels; do
	if [ $running -ge "$jobs" ]; then
		wait -n || die "a guest run failed"
		running=$((running - 1))
	fi
	CLOCK=icount "$TOP/scripts/run-guest.sh" "${img[$k]}" "$initrd" "defects-$k" &
	running=$((running + 1))
done
while [ $running -gt 0 ]; do
	wait -n || die "a guest run failed"
	running=$((running - 1))
done
outs=()
for k in $kernels; do
	cp "$LOGDIR/defects-$k.out" "$dir/$k.out"
	cp "$LOGDIR/defects-$k.console.log" "$dir/$k.console.log"
	outs+=("$k=$dir/$k.out")
done
msg "guests done in $(( $(date +%s) - t0 ))s"
rc=0
python3 "$TOP/scripts/defects-report.py" "${outs[@]}" >"$dir.md" || rc=$?
cat "$dir.md"
msg "results: $dir.md"
[ $rc = 0 ] || die "the series misses a target (see $dir.md)"
# The run the documents quote (update-docs.sh: the cover letter's summary).
if [ "$kernels" = "base series-v4 patched" ]; then
	ln -sfn "defects-$stamp" "$TOP/results/latest-defects"
fi
