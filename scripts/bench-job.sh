#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# bench-job.sh: the guest side of "make bench" (busybox sh, run as the
# guest's /job.sh in /kselftest). Runs "pipe_bench --json" over the cells
# CELLS once per pressure mode of PRESSURE, and sets up what pipe_bench
# leaves to its caller:
#   stress-ng    one stress-ng vm worker maps half of MemAvailable (at most
#                8 GiB) and keeps it populated, in its own process group; the
#                cells start once MemAvailable dropped by 3/4 of that (at
#                most 60 s), and the group is ended with SIGTERM, then
#                SIGKILL. pipe_bench itself runs without pressure.
#   memcg, memcg-high
#                pipe_bench --memory-pressure=MODE (its hog and memory
#                cgroup), which needs swap: without any, a 512 MiB zram
#                device becomes swap (once, and it stays).
#   LOCKSTAT=1   kernel.lock_stat on, and one pipe_bench per cell:
#                /proc/lock_stat is cleared before it and its &pipe->mutex
#                lines are printed after it (warm-up and drain included).
# Output: pipe_bench's JSON records (one line each) and these markers:
#   PIPEPOOL-BENCH-BEGIN MODE       before a mode's records
#   PIPEPOOL-BENCH-FAIL MODE rc=N   pipe_bench or the mode's setup failed
#   PIPEPOOL-LOCKSTAT LINE          a /proc/lock_stat line of the last cell
#   PIPEPOOL-LOCKSTAT-END           after a cell's lines (LOCKSTAT=1)
# scripts/bench-records.py turns them into records: the mode of a record is
# the one its BEGIN marker names, its lock_stat the lines after it.
#
# Settings (bench.sh writes them above this text): DUR (measured seconds
# per cell), CELLS (pipe_bench --cells), PRESSURE (modes: none stress-ng
# memcg memcg-high), LOCKSTAT [0], BENCH_ARGS (more pipe_bench options).
: "${DUR:=0.5}" "${CELLS:=1x1}" "${PRESSURE:=none}" "${LOCKSTAT:=0}" "${BENCH_ARGS:=}"
cd pipe || { echo "PIPEPOOL-BENCH-FAIL setup rc=1 (no pipe/ in the kselftests)"; exit 1; }

mem_avail_kb() {
	awk '/^MemAvailable:/ { print $2 }' /proc/meminfo
}

spid=
# stress_start: 0 once stress-ng holds its memory, else why not.
stress_start() {
	command -v stress-ng >/dev/null || { echo "# stress-ng is not in the image"; return 4; }
	avail=$(mem_avail_kb)
	target=$((avail / 2))
	[ "$target" -gt 8388608 ] && target=8388608
	setsid stress-ng --quiet --vm 1 --vm-bytes "${target}k" --vm-keep --vm-populate &
	spid=$!
	i=0
	while [ $i -lt 600 ]; do
		if ! kill -0 "$spid" 2>/dev/null; then
			echo "# stress-ng exited early"
			spid=
			return 1
		fi
		taken=$((avail - $(mem_avail_kb)))
		if [ "$taken" -ge $((target * 3 / 4)) ]; then
			echo "# stress-ng ready: $((taken / 1024)) MiB taken"
			return 0
		fi
		sleep 0.1
		i=$((i + 1))
	done
	echo "# stress-ng not ready after 60 s, continuing"
}

# stress_stop: end stress-ng's process group (its workers may outlive it).
stress_stop() {
	[ -n "$spid" ] || return 0
	kill -TERM "-$spid" 2>/dev/null
	i=0
	while kill -0 "$spid" 2>/dev/null && [ $i -lt 50 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	kill -KILL "-$spid" 2>/dev/null
	wait "$spid" 2>/dev/null
	spid=
}

swap_done=
# swap_setup: swap on zram when there is none (pipe_bench skips the memcg
# modes without swap).
swap_setup() {
	[ -n "$swap_done" ] && return 0
	swap_done=1
	grep -q '^/' /proc/swaps && return 0
	if [ ! -w /sys/class/zram-control/hot_add ]; then
		echo "# no swap, and no zram-control to make some"
		return 0
	fi
	id=$(cat /sys/class/zram-control/hot_add)
	echo 512M >"/sys/block/zram$id/disksize" || return 0
	dev=/dev/zram$id
	# shellcheck disable=SC2046 # major and minor: two words
	[ -b "$dev" ] || mknod "$dev" b $(tr ':' ' ' <"/sys/block/zram$id/dev")
	mkswap "$dev" >/dev/null && swapon "$dev" && echo "# swap on zram$id (512 MiB)"
}

# bench MODE [PIPE_BENCH_OPTION...]: the cells in this mode.
bench() {
	mode=$1
	shift
	if [ "$LOCKSTAT" != 1 ]; then
		# shellcheck disable=SC2086 # BENCH_ARGS: options, word-split
		./pipe_bench --json -d "$DUR" --cells="$CELLS" "$@" $BENCH_ARGS ||
			echo "PIPEPOOL-BENCH-FAIL $mode rc=$?"
		return
	fi
	for c in $(echo "$CELLS" | tr ',' ' '); do
		[ -w /proc/lock_stat ] && echo 0 >/proc/lock_stat
		# shellcheck disable=SC2086
		./pipe_bench --json -d "$DUR" --cells="$c" "$@" $BENCH_ARGS ||
			echo "PIPEPOOL-BENCH-FAIL $mode rc=$?"
		[ -r /proc/lock_stat ] && grep -F '&pipe->mutex' /proc/lock_stat | sed 's/^/PIPEPOOL-LOCKSTAT /'
		echo "PIPEPOOL-LOCKSTAT-END"
	done
}

if [ "$LOCKSTAT" = 1 ]; then
	if [ -w /proc/sys/kernel/lock_stat ]; then
		echo 1 >/proc/sys/kernel/lock_stat
	else
		echo "# no /proc/sys/kernel/lock_stat (CONFIG_LOCK_STAT): records say lock_stat null"
	fi
fi
for p in $PRESSURE; do
	echo "PIPEPOOL-BENCH-BEGIN $p"
	case "$p" in
	none)
		bench "$p" ;;
	stress-ng)
		if stress_start; then
			bench "$p"
		else
			echo "PIPEPOOL-BENCH-FAIL $p rc=$?"
		fi
		stress_stop ;;
	memcg | memcg-high)
		swap_setup
		bench "$p" --memory-pressure="$p" ;;
	*)
		echo "PIPEPOOL-BENCH-FAIL $p rc=2 (no such pressure mode)" ;;
	esac
done
