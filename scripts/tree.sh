#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# tree.sh: create linux/, a git repository for editing the series: the base
# commit (tag "base", the unpacked Debian tree) and patches/ applied with
# git am -3 on branch pipe-pool. An existing linux/ is left alone.
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
	msg "linux/ exists: $(git -C "$dest" log --oneline "$BASE_TAG"..HEAD | wc -l) commit(s) on $BASE_TAG; remove it to start over"
	exit 0
fi
msg "cloning the base into linux/"
git clone -q "$repo" "$dest"
cd "$dest"
git checkout -q -b pipe-pool "$BASE_TAG"
git config user.name >/dev/null || export GIT_COMMITTER_NAME=pipepool GIT_COMMITTER_EMAIL=pipepool@localhost
if [ -f "$TOP/patches/series" ]; then
	while read -r p; do
		case "$p" in ''|'#'*) continue ;; esac
		git am -q -3 "$TOP/patches/$p" || die "git am of $p failed: resolve in linux/ (git am --continue) or git am --abort"
	done <"$TOP/patches/series"
fi
msg "linux/ ready on branch pipe-pool: $(git log --oneline "$BASE_TAG"..HEAD | wc -l) patch(es) on $BASE_TAG"
