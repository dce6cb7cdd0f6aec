#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# build-kernel.sh VARIANT [FLAVOR...]: build a guest kernel for ARCH (default
# x86_64) from the tree of VARIANT (see apply-series.sh), configured as
# tinyconfig + configs/guest-common.config + the arch's fragment
# (ARCH_GUEST_CONFIG of scripts/arch/ARCH.sh: guest.config on x86_64,
# guest-arm64.config on arm64) + the pipe selftests' config fragment +
# configs/FLAVOR.config for each FLAVOR, + configs/kunit.config when the
# tree has the series' KUnit suite and KUNIT is not 0. Prints the image path.
#
# The build directory is build/ARCH-FLAVORS, shared by the variants of
# KVER_SERIES, which Kbuild's dependency tracking keeps incremental and
# correct; a variant of another series (v72) has its own,
# build/ARCH-FLAVORS-X.Y. The image is
# copied to build/images/, named after the arch, flavors, variant and the
# hashes of the fragments and of the applied series, so a kernel is never
# mistaken for another.
source "$(dirname "$0")/lib.sh"
STEP=build-kernel
variant=${1:?usage: build-kernel.sh VARIANT [FLAVOR...]}
shift
flavors=("$@")
arch=${ARCH:-x86_64}
load_arch "$arch"
src=$(tree_dir "$variant")
stamp=$(cat "$src/.pipepool-series" 2>/dev/null || true)
[ "${stamp%%:*}" = "$variant" ] || die "tree $src does not hold $variant (run apply-series.sh $variant)"

# The series' KUnit suite, when the tree has it (KUNIT=0: leave it out).
kunit=0
kunit_enabled "$variant" && kunit=1

bdir=$(guest_build_dir "$variant" "${flavors[@]}")
# The flavors' part of its name, for the image and the log.
fname=$(basename "$bdir")
fname=${fname#"$arch"-}
fname=${fname%"$(series_suffix "$variant")"}
mkdir -p "$bdir"

karch=$ARCH_KERNEL image=$ARCH_IMAGE target=$ARCH_IMAGE_TARGET
cross=$(arch_cross)

frags=("$TOP/configs/guest-common.config" "$TOP/configs/$ARCH_GUEST_CONFIG")
[ -f "${frags[1]}" ] || die "no configs/$ARCH_GUEST_CONFIG (ARCH_GUEST_CONFIG of scripts/arch/$arch.sh)"
[ "$kunit" = 1 ] && frags+=("$TOP/configs/kunit.config")
for f in "${flavors[@]}"; do
	[ -f "$TOP/configs/$f.config" ] || die "no such flavor: configs/$f.config"
	frags+=("$TOP/configs/$f.config")
done

# Once for its exports (a $(...) subshell keeps none), once for its answer.
kbuild_cc "${CC:-${cross}gcc}" >/dev/null
cc=$(kbuild_cc "${CC:-${cross}gcc}")
KMAKE=(make -C "$src" O="$bdir" ARCH="$karch" CC="$cc" -j"$(nproc_host)")
[ -n "$cross" ] && KMAKE+=(CROSS_COMPILE="$cross")

cfgkey=$(hash_files "${frags[@]}")
# An image of this variant, series and configuration exists: the build would
# change nothing, so neither wait for the machine's build lock nor run make
# (REBUILD=1 forces it).
sstamp=${stamp% *}
img=$TOP/build/images/$arch-$fname-$variant-${sstamp#*:}-$cfgkey.img
if [ -z "${REBUILD:-}" ] && [ -s "$img" ] && [ -s "$img.config" ] && [ -f "$bdir/.config" ] &&
   [ "$(cat "$bdir/.pipepool-config" 2>/dev/null)" = "$cfgkey" ]; then
	msg "up to date: $img"
	echo "$img"
	exit 0
fi
build_lock
# The tree may have been switched while this script waited for the lock
# (apply-series.sh switches it only under the lock, so not while we hold it).
[ "$(cat "$src/.pipepool-series" 2>/dev/null || true)" = "$stamp" ] ||
	die "tree $src changed to $(cut -d: -f1 "$src/.pipepool-series" 2>/dev/null) while waiting for the build lock (run apply-series.sh $variant)"
log=$LOGDIR/build-$arch-$fname$(series_suffix "$variant").log
: >"$log"
if [ "$(cat "$bdir/.pipepool-config" 2>/dev/null)" != "$cfgkey" ] || [ ! -f "$bdir/.config" ]; then
	msg "configuring $arch-$fname-$variant"
	rm -f "$bdir/.pipepool-config"
	"${KMAKE[@]}" tinyconfig >>"$log" 2>&1 || die "tinyconfig failed (log: $log)"
	( cd "$bdir" && ARCH=$karch CROSS_COMPILE=$cross "$src/scripts/kconfig/merge_config.sh" -m -O "$bdir" "$bdir/.config" "${frags[@]}" ) >>"$log" 2>&1 ||
		die "merge_config failed (log: $log)"
	"${KMAKE[@]}" olddefconfig >>"$log" 2>&1 || die "olddefconfig failed (log: $log)"
	# Every option a fragment asks for must have stuck; a later fragment
	# overrides an earlier one, as in merge_config.sh.
	# Symbols this tree does not define (renamed between releases, such as
	# 7.2's PROC_SYSCTL, 7.3's SYSCTL) are skipped.
	unstuck=$(cat "${frags[@]}" | grep -E '^CONFIG_[A-Z0-9_]+=' |
		awk -F= '{ last[$1] = $0 } END { for (k in last) print last[k] }' | sort | while IFS= read -r l; do
		sym=${l%%=*}; sym=${sym#CONFIG_}
		git -C "$src" grep -qE "^[[:space:]]*(menu)?config[[:space:]]+$sym\$" -- '*Kconfig*' || continue
		case "$l" in
		*=n) grep -q "^${l%=n}=" "$bdir/.config" && echo "$l" ;;
		*) grep -qxF "$l" "$bdir/.config" || echo "$l" ;;
		esac; done)
	if [ -n "$unstuck" ]; then
		echo "options that did not stick:" >>"$log"; echo "$unstuck" >>"$log"
		die "config options did not stick: $(echo "$unstuck" | tr '\n' ' ')(log: $log)"
	fi
	echo "$cfgkey" >"$bdir/.pipepool-config"
fi

msg "building $arch-$fname-$variant ($(git -C "$src" log --oneline "$BASE_TAG"..HEAD | wc -l) patch(es))"
t0=$(date +%s)
"${KMAKE[@]}" "$target" >>"$log" 2>&1 || { grep -E 'error|Error' "$log" | head -n 20 >&2; die "kernel build failed (log: $log)"; }
# The selftests' own config fragment must be covered by the guest's.
st=$src/tools/testing/selftests/pipe/config
if [ -f "$st" ]; then
	for l in $(grep -E '^CONFIG_[A-Z0-9_]+=' "$st"); do
		grep -qxF "$l" "$bdir/.config" || die "$l (tools/testing/selftests/pipe/config) is not in the guest config: add it to configs/guest-common.config"
	done
fi
mkdir -p "$TOP/build/images"
stamp=${stamp% *}
img=$TOP/build/images/$arch-$fname-$variant-${stamp#*:}-$cfgkey.img
cp "$bdir/$image" "$img"
cp "$bdir/.config" "$img.config"
msg "built in $(( $(date +%s) - t0 ))s: $img"
echo "$img"
