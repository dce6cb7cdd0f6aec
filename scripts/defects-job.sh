#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# defects-job.sh: the guest side of "make defects" (busybox sh, run as the
# guest's /job.sh in /kselftest). The series' pipe_buffers selftest, then
# the workloads of issue 30's defects (scripts/defect-probes.c), each a
# "PROBE ..." line that defects-report.py reads:
#   parked      defects 1, 2, 4: 16 full rings of 256 pages, writers parked
#               in a write() of 64 KiB
#   records     defect 3: large writes under fault injection (-f; -w: a
#               SCHED_FIFO writer woken by the first data), and at
#               memory.max (-m, needs swap: 512 MiB of zram)
#   timers      defect 5: callbacks of an idle pipe with a parked writer
#               (-s: of a pool right after a stream, which must show)
#   foreign     defect 7: one memcg's write (a page, 1 MiB) into a pool of
#               another's: the pages freed during it
#   create      defect 6: what a pipe costs to make
# Settings (defects.sh writes them above this text): MEMCG_ROUNDS [1]:
# times the memcg records workload is run (200 and 300 rounds each).
: "${MEMCG_ROUNDS:=1}"
echo "PIPEPOOL-DEFECTS-BEGIN"
./run_kselftest.sh -t pipe:pipe_buffers

if ! grep -q '^/' /proc/swaps && [ -w /sys/class/zram-control/hot_add ]; then
	id=$(cat /sys/class/zram-control/hot_add)
	echo 512M >"/sys/block/zram$id/disksize"
	dev=/dev/zram$id
	# shellcheck disable=SC2046 # major and minor: two words
	[ -b "$dev" ] || mknod "$dev" b $(tr ':' ' ' <"/sys/block/zram$id/dev")
	mkswap "$dev" >/dev/null && swapon "$dev" && echo "# swap on zram$id (512 MiB)"
fi

probe() {
	echo "# defect-probes $*"
	defect-probes "$@" || echo "PROBE-FAIL $* rc=$?"
}
probe parked 16 256 3
probe parked -x 16 256 3
probe records -f 100 8 65536
probe records -f 100 3 262144
probe records -w 100 2 262144
i=0
while [ $i -lt "$MEMCG_ROUNDS" ]; do
	probe records -m 64 200 2 65536
	probe records -m 64 300 3 262144
	i=$((i + 1))
done
probe timers 5
probe timers -s 3
probe foreign 16 4096
probe foreign 8 1048576
probe create 20000
echo "PIPEPOOL-DEFECTS-END"
