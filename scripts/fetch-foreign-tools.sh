#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# fetch-foreign-tools.sh ARCH PACKAGE...: print the path of a directory
# holding Debian's PACKAGEs of architecture ARCH (kernel name: arm64) and
# every library they need, unpacked (dpkg-deb -x) at their packaged paths,
# for a guest of another architecture than the build machine's. A file
# "versions" in it lists "package version arch" for every .deb unpacked.
#
# Like fetch-busybox.sh, the machine's apt setup is left alone (no dpkg
# --add-architecture): apt's own client resolves the dependencies and
# downloads, with a private sources file, lists, archive cache and an empty
# dpkg status under $CACHE/apt-DEBARCH, naming only the foreign
# architecture, the Debian mirror URI of the machine's apt sources and the
# machine's own release (VERSION_CODENAME of /etc/os-release;
# PIPEPOOL_FOREIGN_SUITE overrides it). Recommends are not installed.
#
# The directory ($CACHE/ARCH/tools-HASH, HASH from the package list) is
# made once and reused; remove it to fetch newer versions.
source "$(dirname "$0")/lib.sh"
STEP=fetch-foreign-tools
arch=${1:?usage: fetch-foreign-tools.sh ARCH PACKAGE...}
shift
[ $# -gt 0 ] || die "usage: fetch-foreign-tools.sh ARCH PACKAGE..."
load_arch "$arch"
darch=$ARCH_DEBIAN
! arch_is_host || die "$arch is this machine's architecture: use the installed packages"

dest=$CACHE/$arch/tools-$(printf '%s\n' "$@" | LC_ALL=C sort | sha256sum | cut -c1-12)
if [ -r "$dest/versions" ]; then
	echo "$dest"
	exit 0
fi

mkdir -p "$CACHE/$arch"
log=$LOGDIR/fetch-foreign-tools-$arch.log
foreign_apt "$darch" "$log"
# An empty dpkg status, so that apt resolves the whole dependency closure,
# and the downloads in a private archive cache; no Recommends.
mkdir -p "$apt_dir/archives/partial" "$apt_dir/state"
: >"$apt_dir/state/status"
APT+=(-o "Dir::State::status=$apt_dir/state/status" -o "Dir::Cache=$apt_dir"
      -o "Dir::Cache::archives=$apt_dir/archives" -o "APT::Install-Recommends=0")
rm -f "$apt_dir"/archives/*.deb
msg "downloading $* for $darch and what they depend on"
apt-get "${APT[@]}" -y --download-only install "${@/%/:$darch}" >>"$log" 2>&1 ||
	{ tail -n 20 "$log" >&2; die "download of $* for $darch failed (log: $log)"; }

tmp=$(mktemp -d "$CACHE/$arch/tools.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
n=0
for deb in "$apt_dir"/archives/*.deb; do
	[ -r "$deb" ] || continue
	dpkg-deb -x "$deb" "$tmp" || die "cannot unpack $deb"
	dpkg-deb -f "$deb" Package Version Architecture | awk '{ v[NR] = $2 } END { print v[1], v[2], v[3] }' >>"$tmp/versions"
	n=$((n + 1))
done
[ $n -gt 0 ] || die "no .deb downloaded (log: $log)"
for p in "$@"; do
	grep -q "^$p " "$tmp/versions" || die "$p:$darch was not downloaded (log: $log)"
done
rm -rf "$dest"
mv "$tmp" "$dest"
trap - EXIT
rm -f "$apt_dir"/archives/*.deb
msg "$n packages for $arch in $dest: $(grep -E "^($(IFS='|'; echo "$*")) " "$dest/versions" | tr '\n' ';')"
echo "$dest"
