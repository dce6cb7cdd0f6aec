#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# peers-job.sh: the guest side of "make bench SUITE=peers" (busybox sh, run
# as the guest's /job.sh). Runs the pipe benchmarks other people judge pipe
# changes with, each as its authors ship it, and prints one JSON record per
# result:
#   {"suite":"peers","test":T,"metric":M,"value":V,"better":"higher"|"lower",
#    "pgalloc":N,"seconds":S}
# pgalloc is the page-allocator calls (pgalloc_* of /proc/vmstat) during
# the test, seconds its guest time (/proc/uptime). A tool that is missing
# prints "PEERS-SKIP T: reason" and no record; a tool that fails prints
# "PEERS-FAIL T rc=N".
#
# Settings (bench.sh writes them above this text): PEERS_SECONDS [2] per
# stress-ng stressor, PERF_LOOPS [20000] round trips of perf bench sched
# pipe, HACKBENCH_LOOPS [50] loops of perf bench sched messaging and of
# rt-tests' hackbench,
# PIPELINE_MIB [256] MiB through the shell pipeline, PINGPONG_LOOPS [20000]
# round trips of ipc-pingpong per channel.
: "${PEERS_SECONDS:=2}" "${PERF_LOOPS:=20000}" "${HACKBENCH_LOOPS:=50}" "${PIPELINE_MIB:=256}"
: "${PINGPONG_LOOPS:=20000}"
out=/tmp/peers.out

pgalloc() {
	awk '/^pgalloc_/ { n += $2 } END { print n + 0 }' /proc/vmstat
}

uptime_cs() {
	awk '{ split($1, t, "."); print t[1] * 100 + t[2] }' /proc/uptime
}

# record TEST METRIC VALUE BETTER PGALLOC0 CS0
record() {
	printf '{"suite":"peers","kernel":"%s","test":"%s","metric":"%s","value":%s,"better":"%s","pgalloc":%d,"seconds":%s}\n' "$(uname -r)" \
		"$1" "$2" "$3" "$4" "$(( $(pgalloc) - $5 ))" \
		"$(awk -v a="$6" -v b="$(uptime_cs)" 'BEGIN { printf "%.2f", (b - a) / 100 }')"
}

# run TEST CMD...: CMD's output in $out; 0 if it succeeded.
run() {
	t=$1
	shift
	"$@" >"$out" 2>&1
	rc=$?
	[ $rc = 0 ] && return 0
	echo "PEERS-FAIL $t rc=$rc"
	sed 's/^/# /' "$out" | tail -n 20
	return 1
}

sync
echo 3 >/proc/sys/vm/drop_caches 2>/dev/null

if command -v perf >/dev/null; then
	for mode in process thread; do
		t=perf-sched-pipe-$mode
		topt=
		[ $mode = thread ] && topt=-T
		a=$(pgalloc); c=$(uptime_cs)
		# shellcheck disable=SC2086
		run "$t" perf bench sched pipe -l "$PERF_LOOPS" $topt &&
			record "$t" usecs_per_op "$(awk '/usecs\/op/ { print $1 }' "$out")" lower "$a" "$c"
	done
	t=perf-sched-messaging-pipe
	a=$(pgalloc); c=$(uptime_cs)
	run "$t" perf bench sched messaging -p -g 4 -l "$HACKBENCH_LOOPS" &&
		record "$t" seconds "$(awk '/Total time/ { print $3 }' "$out")" lower "$a" "$c"
else
	echo "PEERS-SKIP perf: not in the initramfs (Debian package linux-perf on the build machine)"
fi

# rt-tests' hackbench in pipe mode, the tool the messaging benchmark of perf
# was ported from: 4 groups of 20 senders and 20 receivers, processes.
if command -v hackbench >/dev/null; then
	t=hackbench-pipe
	a=$(pgalloc); c=$(uptime_cs)
	run "$t" hackbench -p -g 4 -l "$HACKBENCH_LOOPS" &&
		record "$t" seconds "$(awk '/^Time:/ { print $2 }' "$out")" lower "$a" "$c"
else
	echo "PEERS-SKIP hackbench: not in the initramfs (Debian package rt-tests on the build machine)"
fi
# sn_metric STRESSOR KEY: KEY's value in STRESSOR's block of stress-ng's
# YAML (/tmp/sn.yaml); nothing if it has none.
sn_metric() {
	awk -v s="$1" -v k="$2:" '$0 ~ "- stressor: " s "$" { f = 1; next }
		f && $1 == k { print $2; exit }' /tmp/sn.yaml
}

if command -v stress-ng >/dev/null; then
	for s in pipe pipeherd splice tee vm-splice; do
		t=stress-ng-$s
		try=1
		while :; do
			a=$(pgalloc); c=$(uptime_cs)
			rm -f /tmp/sn.yaml
			run "$t" stress-ng --"$s" 1 --timeout "${PEERS_SECONDS}s" --metrics-brief --yaml /tmp/sn.yaml ||
				continue 2
			# stress-ng 0.15 leaves tee's rate out when its timer
			# interrupts the last tee() (EINTR ends the loop before the
			# rate is set): run it again, at most three times in all;
			# some kernels' runs miss it every time (x86-64 7.2), so a
			# round may have no rate, which the report then lacks.
			if [ "$s" != tee ] || [ $try -ge 3 ] ||
			   [ -n "$(sn_metric tee mb-per-sec-tee-rate)" ]; then
				break
			fi
			echo "PEERS-NOTE $t: run $try has no tee rate (its last tee() was interrupted), run again"
			try=$((try + 1))
		done
		v=$(sn_metric "$s" bogo-ops-per-second-real-time)
		[ -n "$v" ] && record "$t" bogo_ops_per_s "$v" higher "$a" "$c" ||
			echo "PEERS-FAIL $t: no bogo-ops-per-second-real-time in stress-ng's YAML"
		# A tee bogo op is one tee() of whatever the stressor's writer
		# has put into the pipe by then, so their count follows the
		# scheduler; the stressor's own rate (bytes duplicated per
		# second spent in tee()) is the kernel's figure.
		[ "$s" = tee ] || continue
		v=$(sn_metric tee mb-per-sec-tee-rate)
		[ -n "$v" ] && record "$t-rate" mb_per_s "$v" higher "$a" "$c" ||
			echo "PEERS-NOTE $t-rate: no mb-per-sec-tee-rate in $try runs: no record"
	done
else
	echo "PEERS-SKIP stress-ng: not in the initramfs (x86-64 guests only)"
fi

# A shell pipeline: dd into two cat processes, 64 KiB writes.
t=shell-pipeline
a=$(pgalloc); c=$(uptime_cs)
run "$t" sh -c "dd if=/dev/zero bs=64k count=$((PIPELINE_MIB * 16)) 2>/dev/null | cat | cat >/dev/null" &&
	record "$t" mib_per_s "$(awk -v a="$c" -v b="$(uptime_cs)" -v m="$PIPELINE_MIB" \
		'BEGIN { printf "%.2f", (b > a ? m * 100 / (b - a) : 0) }')" higher "$a" "$c"
# ipc-pingpong (scripts/ipc-pingpong.c, ours, not a peer's): perf bench
# sched pipe's ping-pong over pipes and over two channels that share no code
# with fs/pipe.c, eventfds and unix sockets (threads, processes), and
# will-it-scale's pipe1 shape, one task writing a byte and reading it back
# on its own channel (self). What slows all three channels between two
# kernels is not in the pipe code.
if command -v ipc-pingpong >/dev/null; then
	for mode in threads processes self; do
		popt=
		[ $mode = processes ] && popt=-p
		[ $mode = self ] && popt=-s
		for ch in pipe eventfd unix; do
			t=ipc-pingpong-$ch-$mode
			a=$(pgalloc); c=$(uptime_cs)
			# shellcheck disable=SC2086
			run "$t" ipc-pingpong $popt -n "$PINGPONG_LOOPS" "$ch" &&
				record "$t" ns_per_roundtrip "$(awk '/^ipc-pingpong / { print $4 }' "$out")" lower "$a" "$c"
		done
	done
else
	echo "PEERS-SKIP ipc-pingpong: not in the initramfs"
fi
echo "PEERS-DONE"
