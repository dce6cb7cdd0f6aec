#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# bench.sh: what "make bench" runs. Builds the kernels named in KERNELS
# (default "base patched v72": Linux KVER_SERIES, the same with patches/,
# and Linux 7.2 from Debian's linux-source-7.2, the older reference; see
# apply-series.sh), boots them in turn, kernels interleaved within each
# round (base patched v72 base patched v72 ...), for ROUNDS rounds,
# in every clock of CLOCKS, and runs one pipe_bench invocation per pressure
# mode of PRESSURE over the bench shape (the guest's job is
# scripts/bench-job.sh: it runs stress-ng for that mode, swap on zram for the
# memcg modes, and /proc/lock_stat for LOCKSTAT=1; pipe_bench runs its own
# memory cgroup and hog). Every cell of every boot is one JSON record in
# results/bench-DATE.jsonl (scripts/bench-records.py adds the kernel, boot and
# host environment); the tables go to results/bench-DATE.md (bench-report.py)
# and the plots to results/*.png (bench-plots.py).
#
# The shape (docs/benchmarking.md, "Benchmark shape"): the writers x readers grid
# GRID_W x GRID_R (default 1,2,5 x 1,5,10) at GRID_SIZE (64K), plus the cells
# EXTRA_CELLS (default "1x1 5x5") at each size of EXTRA_SIZES ("100 512 4K 1M"),
# plus a ping-pong cell (pipe_bench's "pp:SZ": one message bounced between
# two threads over two pipes) at each size of PP_SIZES ("1 100").
#
# Variables (defaults in brackets; QUICK=1 changes the ones marked *):
#   KERNELS     [base patched v72]
#   PRESSURE*   [none stress-ng memcg memcg-high]      QUICK: none memcg
#   CLOCKS*     [icount realtime]                      QUICK: icount
#               (CLOCK=X alone still means CLOCKS=X)
#   ROUNDS*     [3]                                    QUICK: 1
#   DURATION*   [measured seconds per cell, 0.5]       QUICK: 0.5
#   JOBS        [2 on a 2-core host] icount guests run concurrently: an
#               icount guest is one host thread and its guest clock counts
#               instructions, so host load does not change its results.
#               Realtime guests always run alone, after waiting for running
#               kernel builds to end (at most QUIET_WAIT [600] s per run).
#   SUITE=peers the peer benchmarks instead of pipe_bench (scripts/peers-job.sh:
#               perf bench sched pipe and messaging, stress-ng's pipe,
#               pipeherd, splice, tee and vm-splice stressors, a shell
#               pipeline, and scripts/ipc-pingpong.c: the same ping-pong
#               over pipes, eventfds and unix sockets), no pressure;
#               records go to results/peers-DATE.jsonl. PEERS_SECONDS,
#               PERF_LOOPS, HACKBENCH_LOOPS, PIPELINE_MIB, PINGPONG_LOOPS:
#               see peers-job.sh.
#   LOCKSTAT=1  lockstat flavor kernels (CONFIG_LOCK_STAT), one pipe_bench
#               per cell with /proc/lock_stat cleared before it and read
#               after it (bench-job.sh), CLOCKS=icount and ROUNDS=1 unless
#               given; records go to results/lockstat-DATE.jsonl, never
#               into the throughput tables.
#   ARCH        [x86_64] or arm64 (cross-built kernels and pipe_bench).
#   PAGES       [4K]; 64K (arm64 only) builds every kernel with 64K pages.
#   VCPUS, MEM  as for run-guest.sh.  TAG: added to the output file names.
#   BENCH_ARGS  extra pipe_bench arguments (they go after --cells).
#   PLOTS=0     no PNGs.
source "$(dirname "$0")/lib.sh"
STEP=bench
# The kernels under test run no KUnit suite at boot.
export KUNIT=0
kernels=${KERNELS:-base patched v72}
lockstat=${LOCKSTAT:-0}
if [ "${QUICK:-0}" = 1 ]; then
	rounds=${ROUNDS:-1}; dur=${DURATION:-0.5}; pressure=${PRESSURE:-none memcg}
	clocks=${CLOCKS:-${CLOCK:-icount}}
else
	rounds=${ROUNDS:-3}; dur=${DURATION:-0.5}; pressure=${PRESSURE:-none stress-ng memcg memcg-high}
	clocks=${CLOCKS:-${CLOCK:-icount realtime}}
fi
flavor=()
kind=bench
suite=${SUITE:-pipe_bench}
case "$suite" in
pipe_bench) ;;
peers)	kind=peers; pressure=none ;;
*)	die "SUITE must be pipe_bench or peers, not $suite" ;;
esac
if [ "$lockstat" = 1 ]; then
	flavor=(lockstat); kind=lockstat
	clocks=${CLOCKS:-${CLOCK:-icount}}
	rounds=${ROUNDS:-1}
fi
arch=${ARCH:-x86_64}
load_arch "$arch"
# A page size of the arch (scripts/arch/ARCH.sh); the first is the plain
# guest, another one the flavor of that name (configs/64k.config).
pages=${PAGES:-${ARCH_PAGE_SIZES%% *}}
pages=${pages^^}
kflavor=("${flavor[@]}")
case " $ARCH_PAGE_SIZES " in
*" $pages "*) ;;
*)	die "PAGES must be among $ARCH_PAGE_SIZES on $arch, not $pages" ;;
esac
[ "$pages" = "${ARCH_PAGE_SIZES%% *}" ] || kflavor+=("${pages,,}")
jobs=${JOBS:-$(nproc_host)}
[ "$jobs" -ge 1 ] || jobs=1
grid_w=${GRID_W:-1,2,5}
grid_r=${GRID_R:-1,5,10}
grid_size=${GRID_SIZE:-64K}
extra_cells=${EXTRA_CELLS-1x1 5x5}
extra_sizes=${EXTRA_SIZES-100 512 4K 1M}
pp_sizes=${PP_SIZES-1 100}
PLOTS=${PLOTS:-1} "$TOP/scripts/install-deps.sh"

cells=()
for w in ${grid_w//,/ }; do
	for r in ${grid_r//,/ }; do
		cells+=("${w}x$r:$grid_size")
	done
done
for s in $extra_sizes; do
	for c in $extra_cells; do
		cells+=("$c:$s")
	done
done
for s in $pp_sizes; do
	cells+=("pp:$s")
done
cell_list=$(IFS=,; echo "${cells[*]}")

# Kernels first (one at a time: two cores), then the bench binary.
declare -A img
for k in $kernels; do
	"$TOP/scripts/apply-series.sh" "$k"
	img[$k]=$("$TOP/scripts/build-kernel.sh" "$k" "${kflavor[@]}")
done
"$TOP/scripts/apply-series.sh" patched
kst=$("$TOP/scripts/build-selftests.sh" patched)
# (The help text, from the binary itself: it may be another arch's.)
pbhelp=$(strings "$kst/pipe/pipe_bench")
grep -q -- --cells <<<"$pbhelp" || die "pipe_bench has no --cells: patches/pipe_bench/ lacks the pipe_bench patch"
[ -z "$pp_sizes" ] || grep -q -- 'pp\[:SZ\]' <<<"$pbhelp" ||
	die "pipe_bench has no ping-pong cells: patches/pipe_bench/ lacks that patch (or set PP_SIZES=)"
# The Debian package each kernel's source came from, for its records.
declare -A kpkg kpkgver
for k in $kernels; do
	# shellcheck disable=SC1090
	kpkg[$k]=$(. "$CACHE/linux-source-$(variant_series "$k").env" && echo "$SRC_PKG")
	# shellcheck disable=SC1090
	kpkgver[$k]=$(. "$CACHE/linux-source-$(variant_series "$k").env" && echo "$SRC_PKG_VERSION")
done

job=$WORK/job-$kind${TAG:+-$TAG}.sh
if [ "$suite" = peers ]; then
	for v in PEERS_SECONDS PERF_LOOPS HACKBENCH_LOOPS PIPELINE_MIB PINGPONG_LOOPS; do
		[ -n "${!v:-}" ] && echo "$v=${!v}"
	done >"$job"
	cat "$TOP/scripts/peers-job.sh" >>"$job"
else
	{
		# (printf %q: BENCH_ARGS is quoted for the guest's shell.)
		printf 'DUR=%q CELLS=%q PRESSURE=%q LOCKSTAT=%q BENCH_ARGS=%q\n' \
			"$dur" "$cell_list" "$pressure" "$lockstat" "${BENCH_ARGS:-}"
		cat "$TOP/scripts/bench-job.sh"
	} >"$job"
fi
initrd=$WORK/initramfs-$kind${TAG:+-$TAG}.cpio.gz
stage_perf=0 extra_bins=
if [ "$suite" = peers ]; then
	stage_perf=1
	extra_bins=$(build_helper ipc-pingpong)
fi
tools_file=$WORK/tools-$kind${TAG:+-$TAG}.txt
rm -f "$tools_file"
STAGE_PERF=$stage_perf EXTRA_BINS=$extra_bins TOOLS_VERSIONS=$tools_file \
	"$TOP/scripts/make-initramfs.sh" "$initrd" "$kst" "$job"
# The peer tools' packages and versions, for every record (peers only).
tools=
[ -r "$tools_file" ] && tools=$(sed -e :a -e "N;s/\n/, /;ta" "$tools_file")

# The host, for every record.
host_cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
host_cores=$(nproc_host)
host_mem=$(awk '/MemTotal/ { printf "%.0fG", $2 / 1048576 }' /proc/meminfo)
qbin=$ARCH_QEMU
qemu_version=$("$qbin" --version | sed -n '1s/^QEMU emulator version //p')
# (pgrep fails when it finds nothing: under pipefail that must not end the run.)
builds_running() { { pgrep -f 'make.*-j|cc1' || true; } | wc -l; }
loadavg() { cut -d' ' -f1-3 /proc/loadavg; }
"$TOP/scripts/detect-accel.sh" "${img[${kernels%% *}]}" >/dev/null

mkdir -p "$TOP/results"
stamp=$(date -u +%Y%m%dT%H%M%SZ)
name_tag=$kind-$stamp${TAG:+-$TAG}
out=$TOP/results/$name_tag.jsonl
parts=$WORK/parts-$name_tag
mkdir -p "$parts"
t0=$(date +%s)

# run_one CLOCK ROUND KERNEL: boot, check, turn the output into records.
run_one() {
	local clock=$1 r=$2 k=$3 name part ts load0 busy0 par=1
	[ "$clock" = icount ] && par=$jobs
	name=$kind-$clock-$k-r$r${TAG:+-$TAG}
	part=$parts/$clock-r$r-$k.jsonl
	ts=$(date +%s); load0=$(loadavg); busy0=$(builds_running)
	CLOCK=$clock TIMEOUT=${TIMEOUT:-5400} "$TOP/scripts/run-guest.sh" "${img[$k]}" "$initrd" "$name"
	local accel vcpus mem
	# shellcheck disable=SC1090
	. <(sed 's/ /\n/g' "$LOGDIR/$name.env")
	# pipe_bench fails a sweep with a cell that moved no data in its window
	# (under memory.high a realtime cell can stall throughout): that is a
	# result, kept (the report skips ratios over zero). Missing cells or a
	# payload verification failure end the bench.
	# A peer tool that fails on a kernel is a finding: the run stops there.
	if grep -q PEERS-FAIL "$LOGDIR/$name.out"; then
		grep -A 20 PEERS-FAIL "$LOGDIR/$name.out" >&2
		die "a peer benchmark failed in the guest (output: $LOGDIR/$name.out)"
	fi
	grep -q PEERS-SKIP "$LOGDIR/$name.out" && grep PEERS-SKIP "$LOGDIR/$name.out" >&2
	grep -q PEERS-NOTE "$LOGDIR/$name.out" && grep PEERS-NOTE "$LOGDIR/$name.out" >&2
	if grep -q PIPEPOOL-BENCH-FAIL "$LOGDIR/$name.out"; then
		grep PIPEPOOL-BENCH-FAIL "$LOGDIR/$name.out" >&2
		# shellcheck disable=SC2086 # the pressure modes, one word each
		python3 "$TOP/scripts/bench-records.py" check "$LOGDIR/$name.out" "$cell_list" $pressure ||
			die "pipe_bench failed in the guest (output: $LOGDIR/$name.out)"
	fi
	# The record's metadata as NAME=VALUE arguments (NAME:num=VALUE: a
	# number), never pasted into the program: a value holding a quote or a
	# backslash (a CPU model name, BENCH_ARGS) stays a value.
	python3 "$TOP/scripts/bench-records.py" write "$LOGDIR/$name.out" "$part" \
		variant="$k" flavor="${flavor[*]}" round:num="$r" clock="$clock" accel="$accel" \
		vcpus:num="$vcpus" mem="$mem" pkg="${kpkg[$k]}" pkg_version="${kpkgver[$k]}" \
		image="$(basename "${img[$k]}")" date="$stamp" tag="${TAG:-}" \
		arch="$arch" pages="$pages" tools="$tools" \
		host_cpu="$host_cpu" host_cores:num="$host_cores" host_mem="$host_mem" \
		qemu="$qemu_version" host_load_start="$load0" host_load_end="$(loadavg)" \
		host_builds_start:num="$busy0" host_builds_end:num="$(builds_running)" \
		boot_wall_s:num="$(( $(date +%s) - ts ))" duration_arg:num="$dur" jobs:num="$par" ||
		die "no pipe_bench records (output: $LOGDIR/$name.out)"
	msg "$clock round $r/$rounds, $k: $(grep -c '^{' "$LOGDIR/$name.out") records in $(( $(date +%s) - ts ))s ($(( $(date +%s) - t0 ))s so far)"
}

# Wait until no kernel build runs, for realtime guests; at most QUIET_WAIT
# seconds over the whole run, so that a busy host cannot stall the bench.
quiet_left=${QUIET_WAIT:-600}
wait_quiet() {
	local t=0
	while [ "$(builds_running)" -gt 0 ] && [ "$quiet_left" -gt 0 ]; do
		[ $t = 0 ] && msg "a build is running on this host: waiting (${quiet_left}s of waiting left) before a realtime guest"
		sleep 10; t=$((t + 10)); quiet_left=$((quiet_left - 10))
	done
}

order=()
for clock in $clocks; do
	for ((r = 1; r <= rounds; r++)); do
		for k in $kernels; do
			order+=("$clock $r $k")
		done
	done
done
msg "$kind: ${#order[@]} boots (clocks: $clocks; rounds: $rounds; kernels: $kernels; pressure: $pressure), ${dur}s cells: $cell_list"
running=0
for o in "${order[@]}"; do
	# shellcheck disable=SC2086
	set -- $o
	if [ "$1" = icount ] && [ "$jobs" -gt 1 ]; then
		if [ $running -ge "$jobs" ]; then
			wait -n || die "a guest run failed"
			running=$((running - 1))
		fi
		run_one "$@" &
		running=$((running + 1))
		continue
	fi
	while [ $running -gt 0 ]; do
		wait -n || die "a guest run failed"
		running=$((running - 1))
	done
	[ "$1" = realtime ] && wait_quiet
	run_one "$@"
done
while [ $running -gt 0 ]; do
	wait -n || die "a guest run failed"
	running=$((running - 1))
done
for o in "${order[@]}"; do
	# shellcheck disable=SC2086
	set -- $o
	cat "$parts/$1-r$2-$3.jsonl"
done >"$parts/all.jsonl"
wall=$(( $(date +%s) - t0 ))
# The whole run's wall time, in every record (the README quotes it).
python3 - "$parts/all.jsonl" "$wall" "$clocks" >"$out" <<'PY'
import json, sys
for line in open(sys.argv[1]):
    rec = json.loads(line)
    rec.update(run_wall_s=int(sys.argv[2]), run_clocks=sys.argv[3])
    print(json.dumps(rec, sort_keys=True))
PY
rm -rf "$parts"
msg "all guests done in ${wall}s"
if [ "$kind" = lockstat ]; then
	ln -sf "$(basename "$out")" "$TOP/results/latest-lockstat.jsonl"
	python3 "$TOP/scripts/bench-report.py" --lockstat "$out" | tee "$TOP/results/$name_tag.md"
elif [ "$kind" = peers ]; then
	ln -sf "$(basename "$out")" "$TOP/results/latest-peers${TAG:+-$TAG}.jsonl"
	python3 "$TOP/scripts/bench-report.py" --peers "$out" | tee "$TOP/results/$name_tag.md"
else
	ln -sf "$(basename "$out")" "$TOP/results/latest${TAG:+-$TAG}.jsonl"
	python3 "$TOP/scripts/bench-report.py" "$out" | tee "$TOP/results/$name_tag.md"
	if [ "${PLOTS:-1}" = 1 ]; then
		# Debian's python3-matplotlib: the system interpreter, not one from PATH.
		/usr/bin/python3 "$TOP/scripts/bench-plots.py" --prefix "$TOP/results/${TAG:+$TAG-}" "$out"
	fi
fi
msg "results: $out (guests ${wall}s, total $(( $(date +%s) - t0 ))s)"
