#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# build-selftests.sh VARIANT: build tools/testing/selftests/pipe of VARIANT's
# tree, statically linked, and install it with the kselftest machinery
# (run_kselftest.sh, kselftest-list.txt), exactly what "make kselftest
# TARGETS=pipe" runs. Prints the install directory.
source "$(dirname "$0")/lib.sh"
STEP=build-selftests
variant=${1:?usage: build-selftests.sh VARIANT}
arch=${ARCH:-x86_64}
load_arch "$arch"
src=$(tree_dir "$variant")
stamp=$(cat "$src/.pipepool-series" 2>/dev/null || true)
[ "${stamp%%:*}" = "$variant" ] || die "tree $src does not hold $variant (run apply-series.sh $variant)"
karch=$ARCH_KERNEL
cross=$(arch_cross)
out=$TOP/build/selftests-$arch-$variant
inst=$out/install
log=$LOGDIR/selftests-$arch-$variant.log
rm -rf "$inst"
mkdir -p "$out/headers"
{
	make -C "$src" ARCH="$karch" O="$out/headers" CROSS_COMPILE="$cross" headers_install INSTALL_HDR_PATH="$out/headers/usr" &&
	make -C "$src/tools/testing/selftests" ARCH="$karch" CROSS_COMPILE="$cross" \
		O="$out/obj" TARGETS=pipe KHDR_INCLUDES="-isystem $out/headers/usr/include" \
		LDFLAGS=-static INSTALL_PATH="$inst" install
} >"$log" 2>&1 || { grep -E 'error|warning' "$log" | head -20 >&2; die "selftests build failed (log: $log)"; }
if grep -E 'warning:' "$log" >&2; then
	die "selftests build has warnings (log: $log)"
fi
[ -x "$inst/run_kselftest.sh" ] && [ -s "$inst/kselftest-list.txt" ] || die "no kselftest install in $inst (log: $log)"
# The guest has no libc: every test binary must be static, for the guest's arch.
for f in "$inst"/pipe/*; do
	[ -f "$f" ] && [ "$(head -c 4 "$f")" = $'\x7fELF' ] || continue
	"${cross}readelf" -lh "$f" >"$out/readelf.txt" 2>&1 || die "readelf $f failed"
	grep -q 'Requesting program interpreter' "$out/readelf.txt" && die "$f is dynamically linked"
	grep -q "Machine:.*$ARCH_READELF_MACHINE" "$out/readelf.txt" || die "$f is not an $arch binary"
done
msg "installed: $(tr '\n' ' ' <"$inst/kselftest-list.txt")"
echo "$inst"
