#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# fetch-source.sh [SERIES]: download Debian's linux-source-SERIES binary
# package (default: KVER_SERIES, see lib.sh) and leave its tarball in the
# cache. Prints the path
# of an env file holding SRC_TARBALL, SRC_PKG_VERSION and SRC_SUITE.
#
# The machine's apt setup is left alone: a private sources file and lists
# directory under the cache point at the suites that carry the package,
# using the Debian mirror URI the machine is already configured with.
# The newest version any of those suites carries is taken (dpkg's version
# order over "apt-cache madison"), not apt's candidate: pin priorities would
# pass over a newer version in experimental (priority 1).
# PIPEPOOL_SUITES overrides the suites looked up; PIPEPOOL_PKG_VERSION pins a
# package version.
source "$(dirname "$0")/lib.sh"
STEP=fetch
series=${1:-$KVER_SERIES}
pkg=linux-source-$series
suites=${PIPEPOOL_SUITES:-sid forky trixie-backports experimental}
env_out=$CACHE/$pkg.env

if [ -r "$env_out" ]; then
	# shellcheck disable=SC1090
	. "$env_out"
	if [ -r "${SRC_TARBALL:-}" ] &&
	   { [ -z "${PIPEPOOL_PKG_VERSION:-}" ] || [ "$PIPEPOOL_PKG_VERSION" = "$SRC_PKG_VERSION" ]; }; then
		msg "cached: $pkg $SRC_PKG_VERSION"
		echo "$env_out"
		exit 0
	fi
fi

uri=$(debian_mirror_uri)
[ -n "$uri" ] || die "no Debian mirror URI found in /etc/apt/sources*"
apt_dir=$CACHE/apt
mkdir -p "$apt_dir/debs"
# shellcheck disable=SC2086 # $suites is a list of words
private_apt "$apt_dir" deb "$uri" $suites
log=$LOGDIR/fetch-$series.log
msg "apt update of suites: $suites (mirror $uri)"
apt-get "${APT[@]}" update >"$log" 2>&1 || { tail -n 20 "$log" >&2; die "apt-get update failed (log: $log)"; }

# Every version of the package in every suite: "pkg | version | uri suite/comp arch".
madison=$(apt-cache "${APT[@]}" madison "$pkg" 2>>"$log" || true)
newest=
while IFS='|' read -r _ v _; do
	v=${v// /}
	[ -n "$v" ] || continue
	if [ -z "$newest" ] || dpkg --compare-versions "$v" gt "$newest"; then
		newest=$v
	fi
done <<<"$madison"
ver=${PIPEPOOL_PKG_VERSION:-$newest}
[ -n "$ver" ] || die "package $pkg not found in suites: $suites (log: $log)"
suite=$(awk -v v="$ver" -F'|' '{ gsub(/ /, "", $2) } $2 == v { split($3, a, " "); print a[2]; exit }' <<<"$madison")
[ -n "$suite" ] || die "$pkg $ver is in none of the suites: $suites (log: $log)"
msg "$pkg: newest of $(awk -F'|' '{ gsub(/ /, "", $2); print $2 }' <<<"$madison" | sort -uV | tr '\n' ' ')is $newest"
msg "downloading $pkg $ver ($suite)"
( cd "$apt_dir/debs" && apt-get "${APT[@]}" download "$pkg=$ver" ) >>"$log" 2>&1 ||
	{ tail -n 20 "$log" >&2; die "download of $pkg=$ver failed (log: $log)"; }
deb=$(ls -t "$apt_dir/debs/${pkg}_${ver//:/%3a}"_*.deb 2>/dev/null | head -1)
[ -r "$deb" ] || die "downloaded .deb not found (log: $log)"

tmp=$(mktemp -d "$CACHE/unpack.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
dpkg-deb -x "$deb" "$tmp" || die "cannot unpack $deb"
tarball=$(find "$tmp/usr/src" -maxdepth 1 -name "linux-source-$series.tar.*" | head -1)
[ -n "$tarball" ] || die "$deb holds no linux-source-$series tarball"
dest=$CACHE/linux-source-${series}_${ver}.tar.${tarball##*.tar.}
mv "$tarball" "$dest"
cat >"$env_out" <<EOT
SRC_TARBALL=$dest
SRC_PKG=$pkg
SRC_PKG_VERSION=$ver
SRC_SUITE=${suite:-unknown}
EOT
rm -f "$deb"
msg "source: $dest"
echo "$env_out"
