#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# detect-accel.sh KERNEL: print "kvm" or "tcg". KVM is used only when a short
# test boot under -accel kvm reaches user space: on machines without nested
# virtualization /dev/kvm opens and QEMU accepts -accel kvm, but the guest
# hangs right after the BIOS, so the device node proves nothing.
# ACCEL=kvm|tcg forces the answer. The probe boots the QEMU machine of the
# guests (ARCH_QEMU_MACHINE of scripts/arch/ARCH.sh). Its result is cached
# in this work tree, keyed by everything the probe depends on: the guest
# kernel image (its content), the QEMU binary and version, the probe's QEMU
# arguments (machine, console) and the host's kernel release: a new image,
# an upgraded QEMU, another machine or a host reboot into another kernel
# probes again.
source "$(dirname "$0")/lib.sh"
STEP=detect-accel
kernel=${1:?usage: detect-accel.sh KERNEL}
arch=${ARCH:-x86_64}
load_arch "$arch"
case "${ACCEL:-auto}" in
kvm|tcg) echo "$ACCEL"; exit 0 ;;
auto) ;;
*) die "ACCEL must be auto, kvm or tcg" ;;
esac
arch_is_host || { echo tcg; exit 0; }
if [ ! -r /dev/kvm ] || [ ! -w /dev/kvm ]; then
	echo tcg
	exit 0
fi
qbin=$(command -v "$ARCH_QEMU") || die "$ARCH_QEMU not found"
# The probe's QEMU arguments, all but its files: in the cache key.
qargs=("${ARCH_QEMU_MACHINE[@]}" -accel kvm -cpu host -m 256M -smp 1
       -display none -monitor none -no-reboot -nodefaults)
append="console=$ARCH_CONSOLE panic=-1"
key=$({ sha256sum <"$kernel"; echo "$qbin"; "$qbin" --version | head -n 1; uname -r
	printf '%s\n' "${qargs[@]}" "$append"; } | sha256sum | cut -c1-16)
cachef=$WORK/accel-probe-$arch-$key
[ -f "$cachef" ] && { cat "$cachef"; exit 0; }

probe=$(mktemp -d "$WORK/kvmprobe.XXXXXX")
trap 'rm -rf "$probe"' EXIT
mkdir -p "$probe/root/bin"
cp /bin/busybox "$probe/root/bin/busybox"
printf '#!/bin/busybox sh\n/bin/busybox echo PIPEPOOL-KVM-OK\n/bin/busybox poweroff -f\n' >"$probe/root/init"
chmod +x "$probe/root/init"
( cd "$probe/root" && find . | cpio -o -H newc --quiet | gzip -1 ) >"$probe/initrd"
t0=$(date +%s)
(timeout -k 2 20 "$qbin" "${qargs[@]}" -kernel "$kernel" -initrd "$probe/initrd" \
	-append "$append" -serial "file:$probe/console" </dev/null >/dev/null 2>&1 && true) 2>/dev/null || true
if grep -q PIPEPOOL-KVM-OK "$probe/console" 2>/dev/null; then
	res=kvm
else
	res=tcg
fi
msg "KVM probe: $res after $(( $(date +%s) - t0 ))s"
echo "$res" | tee "$cachef"
