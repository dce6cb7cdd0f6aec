#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# detect-accel.sh KERNEL: print "kvm" or "tcg". KVM is used only when a short
# test boot under -accel kvm reaches user space: on machines without nested
# virtualization /dev/kvm opens and QEMU accepts -accel kvm, but the guest
# hangs right after the BIOS, so the device node proves nothing.
# ACCEL=kvm|tcg forces the answer; the probe's result is cached per kernel
# and QEMU for this work tree.
source "$(dirname "$0")/lib.sh"
STEP=detect-accel
kernel=${1:?usage: detect-accel.sh KERNEL}
arch=${ARCH:-x86_64}
case "${ACCEL:-auto}" in
kvm|tcg) echo "$ACCEL"; exit 0 ;;
auto) ;;
*) die "ACCEL must be auto, kvm or tcg" ;;
esac
hostarch=$(uname -m)
[ "$arch" = "$hostarch" ] || [ "$arch-$hostarch" = arm64-aarch64 ] || { echo tcg; exit 0; }
[ -r /dev/kvm ] && [ -w /dev/kvm ] || { echo tcg; exit 0; }
cachef=$WORK/accel-probe
[ -f "$cachef" ] && { cat "$cachef"; exit 0; }

probe=$(mktemp -d "$WORK/kvmprobe.XXXXXX")
trap 'rm -rf "$probe"' EXIT
mkdir -p "$probe/root/bin"
cp /bin/busybox "$probe/root/bin/busybox"
printf '#!/bin/busybox sh\n/bin/busybox echo PIPEPOOL-KVM-OK\n/bin/busybox poweroff -f\n' >"$probe/root/init"
chmod +x "$probe/root/init"
( cd "$probe/root" && find . | cpio -o -H newc --quiet | gzip -1 ) >"$probe/initrd"
case "$arch" in
x86_64) qemu=qemu-system-x86_64; con=ttyS0 ;;
arm64) qemu="qemu-system-aarch64 -M virt,gic-version=3"; con=ttyAMA0 ;;
esac
t0=$(date +%s)
# shellcheck disable=SC2086
(timeout -k 2 20 $qemu -accel kvm -cpu host -m 256M -smp 1 -kernel "$kernel" -initrd "$probe/initrd" \
	-append "console=$con panic=-1" -display none -monitor none -no-reboot -nodefaults \
	-serial "file:$probe/console" </dev/null >/dev/null 2>&1 && true) 2>/dev/null || true
if grep -q PIPEPOOL-KVM-OK "$probe/console" 2>/dev/null; then
	res=kvm
else
	res=tcg
fi
msg "KVM probe: $res after $(( $(date +%s) - t0 ))s"
echo "$res" | tee "$cachef"
