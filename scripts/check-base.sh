#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# check-base.sh: does any of Debian's patches touch a file the series
# (both series, patches/*/) touch? linux-source-$KVER_SERIES is the upstream release with the
# patches of debian/patches/series of Debian's source package "linux"
# applied (and no debian/ directory). When none of them touches a file the
# series touches, those files are the upstream release's, and so are the
# pre-image blob ids of the series' "index" lines, which is what
# "b4 am --guess-base" matches: the series applies to the upstream tag.
#
# Only the .dsc and the debian tarball of the source version that matches
# the linux-source package fetch-source.sh took are downloaded (not the
# orig tarball, ~160 MB): their URIs and SHA256 come from the deb-src index
# ("apt-get source --print-uris"), fetched through a private apt sources
# file (the machine's own mirror, the suites of fetch-source.sh:
# PIPEPOOL_SUITES), and apt's own downloader (apt-helper download-file)
# checks the hash. Both are cached in $CACHE/debian-src/.
#
# Prints the files the series touches, then each Debian patch that touches
# one of them or that none does, and last one line:
#   PASS ...  no Debian patch touches a file the series touches (exit 0)
#   FAIL ...  some do (exit 1)
#   SKIP ...  the deb-src index or the debian tarball cannot be had, and why
#             (exit 3)
# The outcome goes to $CACHE/check-base-VERSION.result too (update-docs.sh
# words the cover letter's base from it).
source "$(dirname "$0")/lib.sh"
STEP=check-base
export PATH=/usr/bin:$PATH
helper=/usr/lib/apt/apt-helper

env_file=$("$TOP/scripts/fetch-source.sh")
# shellcheck disable=SC1090
. "$env_file"
pkg=$SRC_PKG ver=$SRC_PKG_VERSION
# check-base.sh PACKAGE=VERSION: another source version (a test of the
# script on a version the mirror serves; apt takes a binary or source name).
if [ $# -gt 0 ]; then
	case "$1" in *=*) pkg=${1%%=*} ver=${1#*=} ;; *) die "usage: check-base.sh [PACKAGE=VERSION]" ;; esac
fi
result=$CACHE/check-base-$ver.result
skip() { echo "SKIP $*"; printf 'skip\n%s\n' "$*" >"$result"; exit 3; }

# The files both series touch (patches/NAME/series of every series).
patches=()
for s in $SERIES_NAMES; do
	series_patches "$s"
	patches+=("${PATCHES[@]}")
done
[ ${#patches[@]} -gt 0 ] || die "no patches in patches/*/series"

dir=$CACHE/debian-src/$pkg-$ver
mkdir -p "$dir"
if [ ! -f "$dir/debian/patches/series" ]; then
	uri=$(debian_mirror_uri)
	[ -n "$uri" ] || skip "no Debian mirror URI in /etc/apt/sources*: the deb-src index cannot be reached"
	suites=${PIPEPOOL_SUITES:-sid forky trixie-backports experimental}
	apt_dir=$CACHE/apt-src
	# shellcheck disable=SC2086 # $suites is a list of words
	private_apt "$apt_dir" deb-src "$uri" $suites
	log=$LOGDIR/check-base.log
	msg "apt update of the deb-src index of suites: $suites (mirror $uri)"
	apt-get "${APT[@]}" --error-on=any update >"$log" 2>&1 ||
		skip "the deb-src index of $uri ($suites) cannot be reached: $(grep -m1 -E '^(E|W): ' "$log" || tail -n 1 "$log")"
	# "'URI' NAME SIZE SHA256:HASH", one line per file of the source package.
	uris=$(apt-get "${APT[@]}" source --print-uris "$pkg=$ver" 2>>"$log" | grep "^'" || true)
	[ -n "$uris" ] || skip "the deb-src index of $uri ($suites) has no source of $pkg $ver (log: $log)"
	# The debian tarball is what the check needs; the .dsc is kept beside
	# it, as a record, when the mirror serves it.
	for kind in debian dsc; do
		case "$kind" in
		dsc) line=$(grep -m1 -E "^'[^']*\.dsc' " <<<"$uris" || true) ;;
		debian) line=$(grep -m1 -E "^'[^']*\.debian\.tar\.[a-z0-9]+' " <<<"$uris" || true) ;;
		esac
		[ -n "$line" ] || skip "the source of $pkg $ver has no $kind file in the deb-src index (log: $log)"
		read -r u name _ hash <<<"$line"
		u=${u//\'/}
		[ "$kind" = debian ] && tarball=$dir/$name
		[ -f "$dir/$name" ] && continue
		msg "downloading $name"
		if "$helper" -o APT::Sandbox::User=root download-file "$u" "$dir/$name.part" "$hash" >>"$log" 2>&1; then
			mv "$dir/$name.part" "$dir/$name"
		elif [ "$kind" = debian ]; then
			skip "the mirror does not serve $name, listed in the deb-src index: $(grep -m1 -oE "[0-9]{3} +[A-Z][a-z]+( [A-Z][a-z]+)*" "$log" || echo "download failed") (log: $log)"
		else
			msg "not kept: $name (the mirror does not serve it; log: $log)"
		fi
	done
	tar -xf "$tarball" -C "$dir" debian/patches || die "cannot unpack debian/patches from $tarball"
fi

rc=0
out=$("$TOP/scripts/debian-patches.py" "$dir/debian" "${patches[@]}") || rc=$?
printf '%s\n' "$out"
src=$(basename "$(ls "$dir"/*.debian.tar.* 2>/dev/null | head -1)")
case "$rc" in
0) line="PASS no Debian patch of $src touches a file the series touches"; state="none" ;;
1) n=$(grep -c '^TOUCH ' <<<"$out"); line="FAIL $n Debian patch(es) of $src touch files the series touches"; state="touch" ;;
*) die "debian-patches.py failed on $dir/debian" ;;
esac
printf '%s\n%s\n%s\n' "$state" "$src" "$out" >"$result"
echo "$line"
exit "$rc"
