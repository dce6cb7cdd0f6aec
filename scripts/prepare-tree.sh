#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# prepare-tree.sh [SERIES]: make $WORK/base-SERIES a git repository whose one
# commit, tagged "base", is the unpacked Debian linux-source tarball.
#
# Debian's tarball carries a .gitignore whose last block ignores everything at
# the top level ("/*", "!/debian/"), so a plain "git add -A" commits nothing
# and new files stay untracked. That block is dropped (and the drop is part
# of the base commit, not of our series), everything is added with -f, and
# the commit is checked to hold every file of the tarball.
source "$(dirname "$0")/lib.sh"
STEP=prepare-tree
series=${1:-$KVER_SERIES}
env_file=$("$TOP/scripts/fetch-source.sh" "$series")
# shellcheck disable=SC1090
. "$env_file"
repo=$WORK/base-$series

if [ -d "$repo/.git" ] && git -C "$repo" rev-parse -q --verify "refs/tags/$BASE_TAG" >/dev/null &&
   [ "$(git -C "$repo" config pipepool.pkgversion)" = "$SRC_PKG_VERSION" ] &&
   ! git -C "$repo" grep -q -e "^!/debian/" "$BASE_TAG" -- .gitignore; then
	msg "base tree ready: $repo ($SRC_PKG $SRC_PKG_VERSION)"
	exit 0
fi

rm -rf "$repo" "$repo.tmp"
mkdir -p "$repo.tmp"
msg "unpacking $SRC_TARBALL"
tar -xf "$SRC_TARBALL" -C "$repo.tmp" || die "cannot unpack $SRC_TARBALL"
top=$(find "$repo.tmp" -mindepth 1 -maxdepth 1 -type d | head -1)
[ -f "$top/Makefile" ] || die "no kernel tree in $SRC_TARBALL"
nfiles=$(find "$top" -type f -o -type l | wc -l)

# Drop the Debian packaging block at the end of the top-level .gitignore.
awk '{ l[NR] = $0 } /^# Debian packaging/ && !cut { cut = NR; if (l[NR - 1] == "#") cut-- }
     END { n = cut ? cut - 1 : NR; while (n > 0 && l[n] == "") n--; for (i = 1; i <= n; i++) print l[i] }' \
	"$top/.gitignore" >"$top/.gitignore.new" && mv "$top/.gitignore.new" "$top/.gitignore"
grep -qx '/\*' "$top/.gitignore" && die "Debian block still in .gitignore"

mv "$top" "$repo"
rm -rf "$repo.tmp"
cd "$repo"
export GIT_AUTHOR_NAME="Debian linux-source" GIT_AUTHOR_EMAIL="debian-kernel@lists.debian.org"
export GIT_COMMITTER_NAME="$GIT_AUTHOR_NAME" GIT_COMMITTER_EMAIL="$GIT_AUTHOR_EMAIL"
export GIT_AUTHOR_DATE="2000-01-01T00:00:00Z" GIT_COMMITTER_DATE="2000-01-01T00:00:00Z"
git init -q -b master .
git config core.autocrlf false
git config gc.auto 0
git config pipepool.pkgversion "$SRC_PKG_VERSION"
msg "committing $nfiles files"
git add -Af . >/dev/null
git commit -q -m "Linux $(make -s kernelversion) from Debian $SRC_PKG $SRC_PKG_VERSION" \
	-m "Unpacked from $SRC_PKG $SRC_PKG_VERSION ($SRC_SUITE); the Debian packaging block of .gitignore dropped."
committed=$(git ls-files | wc -l)
[ "$committed" -eq "$nfiles" ] ||
	die "base commit holds $committed files, the tarball $nfiles (check .gitignore)"
git tag "$BASE_TAG"
msg "base tree ready: $repo, $committed files, tag $BASE_TAG"
