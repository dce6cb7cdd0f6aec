#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# bench.sh: what "make bench" runs. Builds the kernels named in KERNELS
# (default "base patched"; add pool73 for Linux 7.3's pool on the same base),
# boots them in turn, A B A B ..., for ROUNDS rounds (default 3), runs
# pipe_bench's default sweep under each pressure mode of PRESSURE (default
# "none stress-ng memcg") and writes one JSON record per kernel x cell x
# round to results/bench-DATE.jsonl, then prints the tables
# (scripts/bench-report.py). The same pipe_bench binary, built from the
# patched tree, runs on every kernel.
#
# QUICK=1: one round, 1 s cells, pressure "none memcg".
# CLOCK=icount (default) or realtime; VCPUS, MEM as for run-guest.sh.
# BENCH_ARGS: extra pipe_bench arguments (e.g. "-s 512,4K,64K,1M").
source "$(dirname "$0")/lib.sh"
STEP=bench
export CLOCK=${CLOCK:-icount}
# The kernels under test run no KUnit suite at boot.
export KUNIT=0
kernels=${KERNELS:-base patched}
if [ "${QUICK:-0}" = 1 ]; then
	rounds=${ROUNDS:-1}; dur=${DURATION:-1}; pressure=${PRESSURE:-none memcg}
else
	rounds=${ROUNDS:-3}; dur=${DURATION:-3}; pressure=${PRESSURE:-none stress-ng memcg}
fi
"$TOP/scripts/install-deps.sh"

# Kernels first (one at a time: two cores), then the bench binary.
declare -A img
for k in $kernels; do
	"$TOP/scripts/apply-series.sh" "$k"
	img[$k]=$("$TOP/scripts/build-kernel.sh" "$k")
done
"$TOP/scripts/apply-series.sh" patched
kst=$("$TOP/scripts/build-selftests.sh" patched)
# shellcheck disable=SC1090
. "$CACHE/linux-source-$KVER_SERIES.env"

job=$WORK/job-bench.sh
{
	echo "cd pipe"
	for p in $pressure; do
		echo "echo \"PIPEPOOL-BENCH-BEGIN $p\""
		echo "./pipe_bench --json -d $dur --memory-pressure=$p ${BENCH_ARGS:-} || echo \"PIPEPOOL-BENCH-FAIL $p rc=\$?\""
	done
} | sed 's/--memory-pressure=none//' >"$job"
initrd=$WORK/initramfs-bench.cpio.gz
"$TOP/scripts/make-initramfs.sh" "$initrd" "$kst" "$job"

mkdir -p "$TOP/results"
stamp=$(date -u +%Y%m%dT%H%M%SZ)
out=$TOP/results/bench-$stamp.jsonl
t0=$(date +%s)
for ((r = 1; r <= rounds; r++)); do
	for k in $kernels; do
		name=bench-$k-r$r
		TIMEOUT=${TIMEOUT:-3600} "$TOP/scripts/run-guest.sh" "${img[$k]}" "$initrd" "$name"
		# shellcheck disable=SC1090
		. <(sed 's/ /\n/g' "$LOGDIR/$name.env")
		if grep -q PIPEPOOL-BENCH-FAIL "$LOGDIR/$name.out"; then
			grep PIPEPOOL-BENCH-FAIL "$LOGDIR/$name.out" >&2
			die "pipe_bench failed in the guest (output: $LOGDIR/$name.out)"
		fi
		python3 - "$LOGDIR/$name.out" "$k" "$r" >>"$out" <<PY
import json, sys
path, kernel, rnd = sys.argv[1], sys.argv[2], int(sys.argv[3])
meta = dict(variant=kernel, round=rnd, clock="$clock", accel="$accel", vcpus=$vcpus,
            mem="$mem", pkg="$SRC_PKG", pkg_version="$SRC_PKG_VERSION",
            image="$(basename "${img[$k]}")", date="$stamp")
n = 0
for line in open(path, errors='replace'):
    line = line.strip()
    if line.startswith('{'):
        rec = json.loads(line)
        rec.update(meta)
        print(json.dumps(rec, sort_keys=True))
        n += 1
if not n:
    sys.exit('no pipe_bench records in ' + path)
PY
		msg "round $r/$rounds, $k: $(grep -c '^{' "$LOGDIR/$name.out") cells ($(( $(date +%s) - t0 ))s so far)"
	done
done
ln -sf "$(basename "$out")" "$TOP/results/latest.jsonl"
python3 "$TOP/scripts/bench-report.py" "$out" | tee "$TOP/results/bench-$stamp.md"
msg "results: $out ($(( $(date +%s) - t0 ))s)"
