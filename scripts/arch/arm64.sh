# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash disable=SC2034 # read by the scripts that load it
#
# arm64: what the harness knows about one guest architecture. Sourced by
# load_arch (scripts/lib.sh) for ARCH=arm64, never run. The file's name is
# the ARCH setting (the kernel's name of the arch, as in build/ARCH-*).
#
# Every architecture file sets the same variables and defines
# arch_channels; load_arch refuses a file that lacks one of them. Adding an
# architecture is adding one file here (copy this one or x86_64.sh), its
# guest config fragment under configs/ and, for a cross-built arch, its
# cross compiler, static libc and QEMU in scripts/install-deps.sh's table
# (docs/harness.md, "Architectures").

# ARCH= of the kernel's make; Debian's name (dpkg, .deb); uname -m (the
# build machine is of this arch when it says so).
ARCH_KERNEL=arm64
ARCH_DEBIAN=arm64
ARCH_UNAME=aarch64
# CROSS_COMPILE by default on a machine of another arch (arch_cross), and
# install-deps.sh's group of the cross tools.
ARCH_CROSS=aarch64-linux-gnu-
ARCH_DEPS_GROUP=arm64
# The guest kernel in the build directory and its make target; the
# configs/ fragment after guest-common.config.
ARCH_IMAGE=arch/arm64/boot/Image
ARCH_IMAGE_TARGET=Image
ARCH_GUEST_CONFIG=guest-arm64.config
# =y in every kernel config of the arch; "Machine:" of readelf -h and
# file(1)'s name of its binaries.
ARCH_KCONFIG=CONFIG_ARM64
ARCH_READELF_MACHINE=AArch64
ARCH_FILE_MACHINE='ARM aarch64'
# QEMU and its machine; the kernel console (virt's one PL011).
ARCH_QEMU=qemu-system-aarch64
ARCH_QEMU_MACHINE=(-M "virt,gic-version=3")
ARCH_CONSOLE=ttyAMA0
# make test: a guest per page size (the first is the kernel's default;
# PAGES picks among several), and the default of CHECK, HOST, DEBUG and
# KCSAN (the quality gates, the host run, the checker guests: x86-64 runs).
ARCH_PAGE_SIZES='4K 64K'
ARCH_TEST_FULL=0

# arch_channels CONSOLE OUT: the QEMU arguments that put the kernel console
# in the file CONSOLE and the results channel (see make-initramfs.sh) in the
# file OUT, into the array ARCH_CHAN_ARGS, and the kernel arguments that
# name them into ARCH_CHAN_APPEND. virt has one PL011: the results go to a
# virtio console (virtio-serial over virtio-mmio), hvc0 in the guest.
arch_channels() {
	ARCH_CHAN_ARGS=(-serial "file:$1" -chardev "file,id=pipepool-out,path=$2"
		-device virtio-serial-device -device "virtconsole,chardev=pipepool-out")
	ARCH_CHAN_APPEND="console=$ARCH_CONSOLE earlycon pipepool.out=hvc0"
}
