#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# run-guest.sh KERNEL INITRAMFS NAME: boot KERNEL under QEMU with INITRAMFS
# (see make-initramfs.sh), wait for it to power off, and keep its kernel
# console in $LOGDIR/NAME.console.log and the job's output (TAP) in
# $LOGDIR/NAME.out. Fails on a timeout, a panic, a job that did not finish,
# or a kernel splat on the console.
#
# Environment: VCPUS (default: host cores, at least 2), MEM (default 2G),
# TIMEOUT seconds (default 1800), CLOCK=icount|realtime (default realtime:
# multi-threaded TCG; icount makes guest time count instructions, one ns
# each), ACCEL=auto|kvm|tcg (auto: KVM only if a short test boot under KVM
# reaches user space, see detect-accel.sh), APPEND (extra kernel arguments).
#
# The exact QEMU command line goes to $LOGDIR/NAME.qemu.cmd before the boot
# (one line, shell-quoted: it can be pasted into a shell) and is printed when
# the guest fails.
#
# run-guest.sh --scan CONSOLE: only the console check, on a recorded log:
# prints the splat lines and exits 1 on a splat (make selfcheck uses it).
source "$(dirname "$0")/lib.sh"
STEP=run-guest

splat='BUG:|WARNING:|Oops|Call Trace|Kernel panic|KASAN:|UBSAN:|INFO: task .* blocked|possible circular locking|possible recursive locking|inconsistent lock state|suspicious RCU usage|DEBUG_LOCKS_WARN_ON|general protection fault|Unable to handle kernel'

# scan_console CONSOLE SCAN: 0 when CONSOLE has no kernel splat, else print
# the first splat lines and return 1. KCSAN reports that do not involve the
# pipe code are listed, not failed (the kcsan flavor proves the pool's lock
# rules, not the rest of the kernel): SCAN receives the console without them.
scan_console() {
	local console=$1 scan=$1
	if grep -q 'BUG: KCSAN' "$console"; then
		scan=$2
		python3 - "$console" "$scan" <<'PY'
import re, sys
text = open(sys.argv[1], errors='replace').read()
# A report sits between two lines of '=' (after the printk timestamp).
parts = re.split(r'(?m)^(?:\[\s*\d+\.\d+\]\s*)?=+\s*$', text)
keep = []
for part in parts:
    if 'BUG: KCSAN' in part and 'pipe' not in part:
        print('ignored (not in pipe code): ' + part.strip().splitlines()[0], file=sys.stderr)
        continue
    keep.append(part)
open(sys.argv[2], 'w').write('\n'.join(keep))
PY
	fi
	if grep -Eq "$splat" "$scan"; then
		grep -En "$splat" "$scan" | head -n 5 >&2
		return 1
	fi
}

if [ "${1:-}" = --scan ]; then
	tmp=$(mktemp)
	trap 'rm -f "$tmp"' EXIT
	scan_console "${2:?usage: run-guest.sh --scan CONSOLE}" "$tmp"
	exit
fi

kernel=${1:?usage: run-guest.sh KERNEL INITRAMFS NAME}
initrd=${2:?}
name=${3:?}
arch=${ARCH:-x86_64}
load_arch "$arch"
vcpus=${VCPUS:-$(nproc_host)}
[ "$vcpus" -lt 2 ] && vcpus=2
mem=${MEM:-2G}
timeout=${TIMEOUT:-1800}
clock=${CLOCK:-realtime}
console=$LOGDIR/$name.console.log
out=$LOGDIR/$name.out
rm -f "$console" "$out"

accel=$("$TOP/scripts/detect-accel.sh" "$kernel")
case "$accel" in
kvm)	qaccel=(-accel kvm -cpu host)
	[ "$clock" = icount ] && { msg "CLOCK=icount needs TCG: using TCG"; accel=tcg; }
	;;
esac
if [ "$accel" = tcg ]; then
	if [ "$clock" = icount ]; then
		qaccel=(-accel tcg -icount "shift=0,sleep=off")
	else
		qaccel=(-accel "tcg,thread=multi")
	fi
	qaccel+=(-cpu max)
fi

# The kernel console goes to the first serial port, the job's output (see
# make-initramfs.sh) to a second channel named by pipepool.out=, as the
# arch's arch_channels (scripts/arch/ARCH.sh) sets them up: the second 16550
# on x86-64, a virtio console on arm64's virt machine.
arch_channels "$console" "$out"
append=$ARCH_CHAN_APPEND
# KUnit prints its KTAP at KERN_INFO: show it when the kernel has KUnit.
loglevel=6
grep -qs '^CONFIG_KUNIT=y' "$kernel.config" && loglevel=7
append+=" panic=-1 oops=panic loglevel=$loglevel ${APPEND:-}"

qcmd=(timeout --kill-after=10 "$timeout" "$ARCH_QEMU" "${ARCH_QEMU_MACHINE[@]}" "${qaccel[@]}" -smp "$vcpus" -m "$mem"
      -kernel "$kernel" -initrd "$initrd" -append "$append"
      -display none -monitor none -no-reboot -nodefaults "${ARCH_CHAN_ARGS[@]}")
{ printf '%q' "${qcmd[0]}"; printf ' %q' "${qcmd[@]:1}"; echo; } >"$LOGDIR/$name.qemu.cmd"
# fail MESSAGE: the failure, with the command line that booted the guest.
fail() {
	msg "QEMU command line ($LOGDIR/$name.qemu.cmd):"
	cat "$LOGDIR/$name.qemu.cmd" >&2
	die "$@"
}

msg "booting $name: $arch, $vcpus vCPUs, $mem, accel=$accel clock=$clock, timeout ${timeout}s"
set +e
"${qcmd[@]}" </dev/null >"$LOGDIR/$name.qemu.log" 2>&1
rc=$?
set -e
{ [ $rc -eq 124 ] || [ $rc -eq 137 ]; } && fail "guest timed out after ${timeout}s (console: $console)"
[ $rc -ne 0 ] && fail "qemu exited with $rc (log: $LOGDIR/$name.qemu.log)"

scan_console "$console" "$LOGDIR/$name.console.scan" ||
	fail "kernel splat in the guest console (console: $console)"
grep -q '^PIPEPOOL-GUEST:' "$out" || fail "guest never reached user space (console: $console)"
got=$(sed -n 's/^PIPEPOOL-GUEST: .*nproc=\([0-9]*\).*/\1/p' "$out")
[ "$got" = "$vcpus" ] || fail "guest runs $got CPUs, asked for $vcpus (console: $console)"
grep -q '^PIPEPOOL-EXIT:' "$out" || fail "guest job did not finish (output: $out, console: $console)"
echo "accel=$accel clock=$clock vcpus=$vcpus mem=$mem" >"$LOGDIR/$name.env"
msg "guest done: $out"
