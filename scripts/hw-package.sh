#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# hw-package.sh [all|kernel|config|selftests]: what a tester installs on real
# x86-64 or arm64 hardware, in build/hw-packages/ARCH-VARIANT/:
#   kernel     Debian packages of VARIANT's kernel ("make bindeb-pkg"), out of
#              tree, from a distribution config merged with the fragments
#              the tests need: tools/testing/selftests/pipe/config,
#              configs/hw.config, configs/hw-nodebuginfo.config (unless
#              HW_DEBUG_INFO=1), configs/kunit.config (HW_KUNIT=1) and
#              HW_FRAGMENTS. Release: KERNELVERSION + HW_LOCALVERSION.
#   selftests  kselftest-pipe-ARCH-VARIANT.tar.gz: the pipe kselftests
#              (static) as the kselftest machinery packs them
#              ("make -C tools/testing/selftests TARGETS=pipe gen_tar"):
#              unpack anywhere, run ./run_kselftest.sh -c pipe.
#   config     only the kernel's .config (merge + olddefconfig + checks).
#   all        kernel and selftests (default).
#
# VARIANT     patched (default), base (stock KVER_SERIES, for the comparison),
#             v72 (stock 7.2, see apply-series.sh), patched-N
# ARCH        x86_64 (default) or arm64 (scripts/arch/ARCH.sh); built
#             natively on a machine of ARCH, else cross (CROSS_COMPILE,
#             default ARCH_CROSS, aarch64-linux-gnu- for arm64)
# HW_CONFIG   the base config: a config file (plain, .gz, .xz), a Debian
#             linux-image-*.deb (its /boot/config-*) or linux-config-*.deb,
#             or "debian": Debian's own config for ARCH from the
#             linux-config-SERIES package of the source's version, fetched
#             from the machine's Debian mirror. Default: the running
#             kernel's (/boot/config-$(uname -r), else /proc/config.gz)
#             when ARCH is the build machine's, "debian" otherwise.
# HW_LOCALVERSION  default -pipepool (patched), -base, -v72.
#
# Every make that builds kernel code runs under the machine-wide build lock
# (build_lock in lib.sh), with ccache as kbuild_cc sets it up.
source "$(dirname "$0")/lib.sh"
STEP=hw-package
what=${1:-all}
case "$what" in all|kernel|config|selftests) ;; *) die "usage: hw-package.sh [all|kernel|config|selftests]" ;; esac
variant=${VARIANT:-patched}
arch=${ARCH:-x86_64}
load_arch "$arch"
karch=$ARCH_KERNEL debarch=$ARCH_DEBIAN
# Native build on a machine of ARCH: no cross compiler.
cross=$(arch_cross)
case "$variant" in
patched) lv_default=-pipepool ;;
base|v[0-9][0-9]*|patched-[0-9]*) lv_default=-$variant ;;
*) die "unknown VARIANT=$variant (patched, base, v72, patched-N)" ;;
esac
lv=${HW_LOCALVERSION-$lv_default}
jobs=${HW_JOBS:-$(nproc_host)}

hwdir=$TOP/build/hw
bdir=$hwdir/$arch$(series_suffix "$variant")/obj   # bindeb-pkg writes the packages to $bdir/..
out=$TOP/build/hw-packages/$arch-$variant
mkdir -p "$bdir" "$out"

# bindeb-pkg checks the Build-Depends of scripts/package/mkdebian: the hw
# group of install-deps.sh's table (and the arch's group, arm64, when
# cross-building).
groups=(hw)
[ -n "$cross" ] && [ -n "$ARCH_DEPS_GROUP" ] && groups+=("$ARCH_DEPS_GROUP")
"$TOP/scripts/install-deps.sh" "${groups[@]}"
series=$(variant_series "$variant")

src=$(tree_dir "$variant")

# The base config into $1 from HW_CONFIG (see the header).
fetch_debian_config() {
	local dst=$1 env_file uri adir keyring deb suite
	env_file=$("$TOP/scripts/fetch-source.sh" "$series")
	# shellcheck disable=SC1090
	. "$env_file"
	uri=$(debian_mirror_uri)
	[ -n "$uri" ] || die "no Debian mirror URI found in /etc/apt/sources*"
	keyring=/usr/share/keyrings/debian-archive-keyring.gpg
	suite=${SRC_SUITE%%/*}            # "sid/main" from apt-cache madison
	[ -n "$suite" ] && [ "$suite" != unknown ] || suite=sid
	adir=$CACHE/apt-hwconfig-$debarch
	mkdir -p "$adir/lists/partial" "$adir/debs"
	echo "deb [arch=$debarch signed-by=$keyring] $uri $suite main" >"$adir/sources.list"
	local APT=(-o "Dir::Etc::sourcelist=$adir/sources.list" -o "Dir::Etc::sourceparts=-"
		-o "Dir::State::Lists=$adir/lists" -o "APT::Sandbox::User=root"
		-o "APT::Architecture=$debarch" -o "APT::Architectures::=$debarch")
	local log=$LOGDIR/hw-debian-config-$debarch.log
	deb=$(ls "$adir/debs/linux-config-${series}_${SRC_PKG_VERSION//:/%3a}_$debarch.deb" 2>/dev/null || true)
	if [ -z "$deb" ]; then
		msg "downloading linux-config-$series $SRC_PKG_VERSION ($debarch, $suite) from $uri"
		{ apt-get "${APT[@]}" update &&
		  ( cd "$adir/debs" && apt-get "${APT[@]}" download "linux-config-$series:$debarch=$SRC_PKG_VERSION" ); } >"$log" 2>&1 ||
			{ tail -n 20 "$log" >&2; die "cannot download linux-config-$series $SRC_PKG_VERSION for $debarch (log: $log)"; }
		deb=$(ls "$adir/debs/linux-config-${series}_"*"_$debarch.deb" | head -1)
	fi
	config_from_deb "$deb" "$dst"
}

# config_from_deb DEB DST: /boot/config-* of a linux-image package, or
# config.DEBARCH_none_FLAVOUR.xz of linux-config (HW_DEBIAN_FLAVOUR, default
# the generic flavour, amd64 or arm64; also cloud-amd64, rt-amd64,
# arm64-16k, cloud-arm64, rt-arm64).
config_from_deb() {
	local deb=$1 dst=$2 member list
	list=$(dpkg-deb -c "$deb" | awk '{ print $NF }') || die "cannot read $deb"
	member=$(grep -m1 -E '^\./boot/config-' <<<"$list" || true)
	if [ -n "$member" ]; then
		dpkg-deb --fsys-tarfile "$deb" | tar -xO "$member" >"$dst"
	else
		local flavour=${HW_DEBIAN_FLAVOUR:-$debarch}
		member=$(grep -m1 -E "/config\.${debarch}_none_${flavour}\.xz$" <<<"$list" || true)
		[ -n "$member" ] || die "$deb holds neither ./boot/config-* nor config.${debarch}_none_${flavour}.xz (HW_DEBIAN_FLAVOUR)"
		dpkg-deb --fsys-tarfile "$deb" | tar -xO "$member" | xz -dc >"$dst"
	fi
	HW_CONFIG_DESC="$(basename "$deb"):${member#./}"
}

resolve_config() {
	local dst=$1 cfg=${HW_CONFIG:-}
	if [ -z "$cfg" ]; then
		if ! arch_is_host; then cfg=debian
		elif [ -r "/boot/config-$(uname -r)" ]; then cfg=/boot/config-$(uname -r)
		elif [ -r /proc/config.gz ]; then cfg=/proc/config.gz
		else die "no config of the running kernel (/boot/config-$(uname -r), /proc/config.gz): set HW_CONFIG"
		fi
	fi
	HW_CONFIG_DESC=$cfg
	case "$cfg" in
	debian)	fetch_debian_config "$dst" ;;
	*.deb)	[ -r "$cfg" ] || die "HW_CONFIG=$cfg: not readable"; config_from_deb "$cfg" "$dst" ;;
	*.gz)	gzip -dc "$cfg" >"$dst" || die "HW_CONFIG=$cfg: cannot decompress" ;;
	*.xz)	xz -dc "$cfg" >"$dst" || die "HW_CONFIG=$cfg: cannot decompress" ;;
	*)	[ -r "$cfg" ] || die "HW_CONFIG=$cfg: not readable"; cp "$cfg" "$dst" ;;
	esac
	grep -q '^CONFIG_' "$dst" || die "HW_CONFIG=$cfg: no kernel config in it"
	grep -qx "$ARCH_KCONFIG=y" "$dst" || die "HW_CONFIG=$HW_CONFIG_DESC is not an $arch config (no $ARCH_KCONFIG=y)"
}

# check_fragment FRAG STRICT: the options of FRAG are in $bdir/.config.
# STRICT=1: every =y/=m/value must be there as asked. STRICT=0 (housekeeping
# fragments): a symbol that the config does not have at all (its
# dependencies are off) is fine.
check_fragment() {
	local frag=$1 strict=$2 l sym bad=
	while IFS= read -r l; do
		sym=${l%%=*}
		case "$l" in
		*=n)	grep -q "^$sym=" "$bdir/.config" && bad+=" $l" ;;
		*)	grep -qxF "$l" "$bdir/.config" && continue
			if [ "$strict" = 0 ] && ! grep -qE "^($sym=|# $sym is not set)" "$bdir/.config"; then continue; fi
			[ "$strict" = 0 ] && [ "${l#*=}" = '""' ] && ! grep -q "^$sym=" "$bdir/.config" && continue
			bad+=" $l" ;;
		esac
	done < <(grep -E '^CONFIG_[A-Z0-9_]+=' "$frag")
	[ -z "$bad" ] || die "options of $(basename "$frag") that did not stick:$bad (log: $klog)"
}

kbuild_cc "${CC:-${cross}gcc}" >/dev/null
cc=$(kbuild_cc "${CC:-${cross}gcc}")
KMAKE=(make -C "$src" O="$bdir" ARCH="$karch" CC="$cc" LOCALVERSION="$lv" -j"$jobs")
[ -n "$cross" ] && KMAKE+=(CROSS_COMPILE="$cross")
# Cross: no linux-headers package, whose host programs would need the
# target's libssl-dev (multiarch); the image, modules and libc headers are
# what a tester installs.
arch_is_host || export DEB_BUILD_PROFILES="pkg.linux-upstream.nokernelheaders${DEB_BUILD_PROFILES:+ $DEB_BUILD_PROFILES}"
klog=$LOGDIR/hw-kernel-$arch-$variant.log
frag_names() { local f; for f in "$@"; do f=${f#"$src"/}; printf '%s ' "${f#"$TOP"/}"; done; }

# selftests_fragment: tools/testing/selftests/pipe/config as the series has
# it, also for VARIANT=base (whose tree lacks it), so that both kernels of a
# comparison get the same config: taken from patches/ with git apply.
selftests_fragment() {
	local f=tools/testing/selftests/pipe/config tmp p s
	if [ -f "$src/$f" ]; then echo "$src/$f"; return; fi
	tmp=$hwdir/series-fragment
	rm -rf "$tmp"; mkdir -p "$tmp"
	for s in $SERIES_NAMES; do
		series_patches "$s"
		for p in "${PATCHES[@]}"; do
			# Outside any repository (this clone surrounds it): no ceiling, and git
			# apply would skip paths outside the subdirectory.
			( cd "$tmp" && GIT_CEILING_DIRECTORIES=$hwdir git apply --include="$f" "$p" ) >>"$klog" 2>&1 ||
				die "cannot take $f from ${p#"$TOP"/} (log: $klog)"
		done
	done
	[ -s "$tmp/$f" ] || die "neither the $variant tree nor patches/ has $f"
	echo "$tmp/$f"
}

configure() {
	local strict=() f
	frags=()
	frags+=("$(selftests_fragment)"); strict+=(1)
	frags+=("$TOP/configs/hw.config"); strict+=(0)
	[ "${HW_DEBUG_INFO:-0}" = 1 ] || { frags+=("$TOP/configs/hw-nodebuginfo.config"); strict+=(0); }
	if [ "${HW_KUNIT:-0}" = 1 ]; then
		[ -f "$src/fs/tests/pipe_kunit.c" ] || die "HW_KUNIT=1: $variant has no pipe KUnit suite"
		frags+=("$TOP/configs/kunit.config"); strict+=(1)
	fi
	for f in ${HW_FRAGMENTS:-}; do
		[ -r "$f" ] || die "HW_FRAGMENTS: $f not readable"
		frags+=("$(readlink -f "$f")"); strict+=(1)
	done
	msg "config: $HW_CONFIG_DESC + $(frag_names "${frags[@]}")"
	: >"$klog"
	cp "$base_config" "$bdir/.config"
	( cd "$bdir" && ARCH=$karch CROSS_COMPILE=$cross "$src/scripts/kconfig/merge_config.sh" -m -O "$bdir" "$bdir/.config" "${frags[@]}" ) >>"$klog" 2>&1 ||
		die "merge_config failed (log: $klog)"
	"${KMAKE[@]}" olddefconfig >>"$klog" 2>&1 || die "olddefconfig failed (log: $klog)"
	for i in "${!frags[@]}"; do check_fragment "${frags[$i]}" "${strict[$i]}"; done
	if [ "${HW_DEBUG_INFO:-0}" != 1 ] && grep -q '^CONFIG_DEBUG_INFO=y' "$bdir/.config"; then
		die "CONFIG_DEBUG_INFO is still on (log: $klog)"
	fi
	krel=$("${KMAKE[@]}" -s kernelrelease 2>>"$klog")
	[ "$krel" = "$("${KMAKE[@]}" -s kernelversion 2>>"$klog")$lv" ] ||
		die "kernel release $krel is not KERNELVERSION$lv (CONFIG_LOCALVERSION or a localversion* file?)"
	cp "$bdir/.config" "$out/config-$krel"
	msg "configured $krel: $out/config-$krel"
}

build_kernel() {
	local t0
	# Packages of earlier builds in the drop directory would be mistaken
	# for this build's.
	rm -f "$hwdir/$arch"/*.deb "$hwdir/$arch"/*.buildinfo "$hwdir/$arch"/*.changes
	msg "make bindeb-pkg $krel ($arch, $variant, $(git -C "$src" log --oneline "$BASE_TAG"..HEAD | wc -l) patch(es), -j$jobs)"
	t0=$(date +%s)
	"${KMAKE[@]}" bindeb-pkg >>"$klog" 2>&1 ||
		{ grep -E 'error|Error' "$klog" | tail -n 20 >&2; die "make bindeb-pkg failed (log: $klog)"; }
	kernel_secs=$(( $(date +%s) - t0 ))
	local debs=("$hwdir/$arch"/*.deb) img
	[ -f "${debs[0]}" ] || die "make bindeb-pkg left no .deb in $hwdir/$arch (log: $klog)"
	rm -f "$out"/*.deb "$out"/*.buildinfo "$out"/*.changes
	mv "${debs[@]}" "$out"/ || die "cannot move the packages to $out"
	mv "$hwdir/$arch"/*.buildinfo "$hwdir/$arch"/*.changes "$out"/ 2>/dev/null || true
	img=$(find "$out" -maxdepth 1 -name "linux-image-${krel}_*_$debarch.deb" ! -name '*-dbg_*' | sort | head -n 1)
	[ -n "$img" ] || die "no linux-image-$krel package in $out"
	dpkg-deb -c "$img" >"$out/linux-image-$krel.contents" || die "cannot list $img"
	grep -q " \./boot/vmlinuz-$krel\$" "$out/linux-image-$krel.contents" ||
		die "linux-image-$krel holds no /boot/vmlinuz-$krel"
	{
		echo "kernel:     $krel ($variant, tree $(git -C "$src" rev-parse --short HEAD), ${stamp%% *})"
		echo "config:     $HW_CONFIG_DESC + $(frag_names "${frags[@]}")"
		echo "bindeb-pkg: ${kernel_secs}s on $(nproc_host) cores (-j$jobs), $(date -u +%FT%TZ)"
	} >"$out/.buildinfo-kernel"
	msg "bindeb-pkg took ${kernel_secs}s: $(cd "$out" && ls ./*.deb | tr '\n' ' ')"
}

build_selftests() {
	local sdir=$hwdir/selftests-$arch-$variant slog=$LOGDIR/hw-selftests-$arch-$variant.log t0 tarball b
	rm -rf "$sdir/install"
	mkdir -p "$sdir/headers"
	t0=$(date +%s)
	{
		make -C "$src" ARCH="$karch" O="$sdir/headers" CROSS_COMPILE="$cross" headers_install INSTALL_HDR_PATH="$sdir/headers/usr" &&
		make -C "$src/tools/testing/selftests" ARCH="$karch" CROSS_COMPILE="$cross" \
			O="$sdir/obj" TARGETS=pipe KHDR_INCLUDES="-isystem $sdir/headers/usr/include" \
			LDFLAGS=-static INSTALL_PATH="$sdir/install" FORMAT=.gz gen_tar
	} >"$slog" 2>&1 || { grep -E 'error|warning' "$slog" | head -20 >&2; die "selftests build failed (log: $slog)"; }
	tarball=$sdir/install/kselftest-packages/kselftest.tar.gz
	[ -s "$tarball" ] || die "gen_tar made no $tarball (log: $slog)"
	# Each program is a static binary for ARCH.
	local want=$ARCH_FILE_MACHINE
	for b in "$sdir/install/pipe/pipe_buffers" "$sdir/install/pipe/pipe_bench"; do
		file -b "$b" | grep -q "$want.*statically linked\|$want.*static-pie linked" ||
			die "$(basename "$b") is not a static $arch binary: $(file -b "$b")"
	done
	cp "$tarball" "$out/kselftest-pipe-$arch-$variant.tar.gz"
	msg "selftests tarball in $(( $(date +%s) - t0 ))s: $out/kselftest-pipe-$arch-$variant.tar.gz ($(tr '\n' ' ' <"$sdir/install/kselftest-list.txt"))"
}

# The base config first: fetching it needs no lock.
krel=
if [ "$what" != selftests ]; then
	base_config=$(mktemp "$hwdir/$arch/base.config.XXXXXX")
	trap 'rm -f "$base_config"' EXIT
	resolve_config "$base_config"
fi
# The lock also covers apply-series.sh: all variants share one source tree,
# which must not change under a build of this clone.
build_lock
"$TOP/scripts/apply-series.sh" "$variant" >&2
stamp=$(cat "$src/.pipepool-series")
case "$what" in
config)	configure ;;
kernel)	configure; build_kernel ;;
selftests) build_selftests ;;
all)	configure; build_kernel; build_selftests ;;
esac

if [ "$what" != config ]; then
	{
		cat "$out/.buildinfo-kernel" 2>/dev/null || true
		echo "arch:       $arch"
		echo
		( cd "$out" && sha256sum ./*.deb ./*.tar.gz 2>/dev/null | sed 's| \./| |' ) || true
	} >"$out/BUILDINFO"
fi
msg "done: $out"
echo "$out"
