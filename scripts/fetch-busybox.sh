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

uri=$(debian_mirror_uri)
[ -n "$uri" ] || die "no Debian mirror URI found in /etc/apt/sources*"
suite=${PIPEPOOL_FOREIGN_SUITE:-$(. /etc/os-release 2>/dev/null && echo "${VERSION_CODENAME:-}")}
[ -n "$suite" ] || suite=sid
apt_dir=$CACHE/apt-$darch
mkdir -p "$apt_dir/lists/partial" "$apt_dir/debs" "$CACHE/$arch"
keyring=/usr/share/keyrings/debian-archive-keyring.gpg
echo "deb [arch=$darch signed-by=$keyring] $uri $suite main" >"$apt_dir/sources.list"
APT=(-o "Dir::Etc::sourcelist=$apt_dir/sources.list" -o "Dir::Etc::sourceparts=-"
     -o "Dir::State::Lists=$apt_dir/lists" -o "APT::Sandbox::User=root"
     -o "APT::Architecture=$darch" -o "APT::Architectures::=$darch")
log=$LOGDIR/fetch-busybox-$arch.log
msg "apt update of $suite for $darch (mirror $uri)"
apt-get "${APT[@]}" update >"$log" 2>&1 || { tail -n 20 "$log" >&2; die "apt-get update failed (log: $log)"; }
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
