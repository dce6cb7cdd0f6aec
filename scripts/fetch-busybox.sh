#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# fetch-busybox.sh ARCH: print the path of a static busybox for a guest of
# ARCH (kernel name: x86_64, arm64). For the build machine's own architecture
# that is the installed busybox-static; for another one, Debian's
# busybox-static .deb of that architecture is downloaded once with apt's own
# client and unpacked (dpkg-deb -x) to $CACHE/ARCH/busybox.
#
# The machine's apt setup is left alone (no dpkg --add-architecture): a
# private sources file and lists directory under $CACHE/apt-ARCH name only
# the foreign architecture, with the Debian mirror URI the machine's apt
# sources already use and the machine's own release (VERSION_CODENAME of
# /etc/os-release; PIPEPOOL_FOREIGN_SUITE overrides it).
source "$(dirname "$0")/lib.sh"
STEP=fetch-busybox
arch=${1:-${ARCH:-x86_64}}
load_arch "$arch"
darch=$ARCH_DEBIAN
if [ "$darch" = "$(dpkg --print-architecture)" ]; then
	[ -x /bin/busybox ] || die "/bin/busybox missing (install busybox-static)"
	echo /bin/busybox
	exit 0
fi

dest=$CACHE/$arch/busybox
if [ -x "$dest" ] && [ -r "$dest.version" ]; then
	echo "$dest"
	exit 0
fi

mkdir -p "$CACHE/$arch"
log=$LOGDIR/fetch-busybox-$arch.log
foreign_apt "$darch" "$log"
mkdir -p "$apt_dir/debs"
ver=$(apt-cache "${APT[@]}" policy "busybox-static:$darch" 2>>"$log" | awk '/Candidate:/ { print $2 }')
{ [ -n "$ver" ] && [ "$ver" != "(none)" ]; } || die "busybox-static:$darch not found in $suite (log: $log)"
rm -f "$apt_dir"/debs/busybox-static_*.deb
( cd "$apt_dir/debs" && apt-get "${APT[@]}" download "busybox-static:$darch=$ver" ) >>"$log" 2>&1 ||
	{ tail -n 20 "$log" >&2; die "download of busybox-static:$darch failed (log: $log)"; }
deb=$(ls "$apt_dir"/debs/busybox-static_*_"$darch".deb 2>/dev/null | head -1)
[ -r "$deb" ] || die "downloaded .deb not found (log: $log)"
tmp=$(mktemp -d "$CACHE/unpack.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
dpkg-deb -x "$deb" "$tmp" || die "cannot unpack $deb"
[ -x "$tmp/bin/busybox" ] || die "$deb holds no bin/busybox"
cp "$tmp/bin/busybox" "$dest.tmp" && mv "$dest.tmp" "$dest"
echo "busybox-static $ver $darch ($suite)" >"$dest.version"
rm -f "$deb"
msg "busybox for $arch: $dest ($(cat "$dest.version"))"
echo "$dest"
