# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash disable=SC2034 # read by the scripts that load it
#
# x86_64: what the harness knows about one guest architecture. Sourced by
# load_arch (scripts/lib.sh) for ARCH=x86_64, never run. The file's name is
# the ARCH setting (the kernel's name of the arch, as in build/ARCH-*).
#
# Every architecture file sets the same variables and defines
# arch_channels; load_arch refuses a file that lacks one of them. Adding an
# architecture is adding one file here (copy this one or arm64.sh), its
# guest config fragment under configs/ and, for a cross-built arch, its
# cross compiler, static libc and QEMU in scripts/install-deps.sh's table
# (docs/harness.md, "Architectures").

# ARCH= of the kernel's make; Debian's name (dpkg, .deb); uname -m (the
# build machine is of this arch when it says so).
ARCH_KERNEL=x86
ARCH_DEBIAN=amd64
ARCH_UNAME=x86_64
# CROSS_COMPILE by default on a machine of another arch (arch_cross), and
# install-deps.sh's group of the cross tools (none lists x86-64's).
ARCH_CROSS=x86_64-linux-gnu-
ARCH_DEPS_GROUP=
# The guest kernel in the build directory and its make target; the
# configs/ fragment after guest-common.config.
ARCH_IMAGE=arch/x86/boot/bzImage
ARCH_IMAGE_TARGET=bzImage
ARCH_GUEST_CONFIG=guest.config
# =y in every kernel config of the arch; "Machine:" of readelf -h and
# file(1)'s name of its binaries.
ARCH_KCONFIG=CONFIG_X86_64
ARCH_READELF_MACHINE=X86-64
ARCH_FILE_MACHINE=x86-64
# QEMU and its machine; the kernel console (the first 16550).
ARCH_QEMU=qemu-system-x86_64
ARCH_QEMU_MACHINE=(-M q35)
ARCH_CONSOLE=ttyS0
# make test: a guest per page size (the first is the kernel's default;
# PAGES picks among several), and the default of CHECK, HOST, DEBUG and
# KCSAN (the quality gates, the host run, the checker guests).
ARCH_PAGE_SIZES=4K
ARCH_TEST_FULL=1

# arch_channels CONSOLE OUT: the QEMU arguments that put the kernel console
# in the file CONSOLE and the results channel (see make-initramfs.sh) in the
# file OUT, into the array ARCH_CHAN_ARGS, and the kernel arguments that
# name them into ARCH_CHAN_APPEND. Here: the second 16550, ttyS1.
arch_channels() {
	ARCH_CHAN_ARGS=(-serial "file:$1" -serial "file:$2")
	ARCH_CHAN_APPEND="console=$ARCH_CONSOLE,115200"
	ARCH_CHAN_APPEND+=" earlyprintk=serial,$ARCH_CONSOLE pipepool.out=ttyS1"
}
