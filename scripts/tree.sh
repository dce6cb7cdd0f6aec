#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# tree.sh: create linux/, a git repository for editing the two series: the
# base commit (tag "base", the unpacked Debian tree) and, for each series
# NAME of SERIES_NAMES, patches/NAME/ applied alone on the base with git am
# -3 on NAME's branch (pipe-bench, pipe-pool; lib.sh series_branch). The
# pool branch is checked out. An existing linux/ is left alone.
source "$(dirname "$0")/lib.sh"
STEP=tree
dest=$TOP/linux
"$TOP/scripts/prepare-tree.sh"
repo=$WORK/base-$KVER_SERIES
if [ -d "$dest/.git" ]; then
	# A linux/ made for another series (KVER_SERIES changed since) would
	# export a series against the wrong base.
	[ "$(git -C "$dest" rev-parse -q --verify "$BASE_TAG^{commit}")" = "$(git -C "$repo" rev-parse "$BASE_TAG^{commit}")" ] ||
		die "linux/ is based on $(git -C "$dest" log -1 --format=%s "$BASE_TAG" 2>/dev/null || echo "no $BASE_TAG tag"), not on $(git -C "$repo" log -1 --format=%s "$BASE_TAG") (KVER_SERIES=$KVER_SERIES): move it away and run make tree again"
	for s in $SERIES_NAMES; do
		b=$(series_branch "$s")
		if git -C "$dest" rev-parse -q --verify "refs/heads/$b" >/dev/null; then
			msg "linux/ exists: branch $b, $(git -C "$dest" rev-list --count "$BASE_TAG..refs/heads/$b") commit(s) on $BASE_TAG"
		else
			msg "linux/ exists but has no branch $b: git -C linux branch $b $BASE_TAG, then git am patches/$s/0*.patch there"
		fi
	done
	msg "remove linux/ to start over"
	exit 0
fi
msg "cloning the base into linux/"
git clone -q "$repo" "$dest"
cd "$dest"
git config user.name >/dev/null || export GIT_COMMITTER_NAME=pipepool GIT_COMMITTER_EMAIL=pipepool@localhost
for s in $SERIES_NAMES; do
	b=$(series_branch "$s")
	git checkout -q -b "$b" "$BASE_TAG"
	series_patches "$s"
	for p in "${PATCHES[@]}"; do
		git am -q -3 "$p" ||
			die "git am of ${p#"$TOP"/} onto $BASE_TAG failed on branch $b (each series applies on the base alone): resolve in linux/ (git am --continue) or git am --abort"
	done
	msg "branch $b: $(git rev-list --count "$BASE_TAG..HEAD") patch(es) of patches/$s/ on $BASE_TAG"
done
git checkout -q "$(series_branch pool)"
msg "linux/ ready on branch $(series_branch pool)"
