#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# apply-series.sh VARIANT: bring the source tree of VARIANT to its commit.
#   base     Linux KVER_SERIES (the unpacked Debian tree), nothing applied
#   patched  base + the pool series + the pipe_bench series (patches/NAME/
#            in patches/NAME/series order, SERIES_NAMES order) with git am -3
#   patched-N  base + the first N pool patches + the pipe_bench series (the
#            ablation benchmark is about the kernel patches)
#   only-NAME  base + series NAME alone (pool or pipe_bench: check.sh's
#            per-patch builds of each series on its own base)
#   vXY      Linux X.Y (v72: Debian's linux-source-7.2), nothing applied: an
#            older reference for the benchmark
#   mutant-NAME  patched with mutant NAME of scripts/mutants.py applied
#            (make mutants)
#   series-v4  base + the 11 kernel patches of series v4 as this
#            repository last held them (v4_commit below): the kernel make
#            defects shows issue 30's defects on
# The variants of KVER_SERIES share one git worktree of its base repository
# ($WORK/trees/src) and one build directory per arch and flavor: going from
# one variant to the next only touches the files the patches touch, so each
# build is incremental. A variant of another series (v72) has its own
# worktree ($WORK/trees/src-7.2) and build directories (build-kernel.sh), so
# that building it never switches the series' tree to other sources.
# The stamp .pipepool-series names the variant, the hash of what was applied
# and the resulting commit.
source "$(dirname "$0")/lib.sh"
STEP=apply-series
variant=${1:?usage: apply-series.sh base|patched|patched-N|only-NAME|mutant-NAME|series-v4|vXY}
series=$(variant_series "$variant")
# Series v4 as sent for review: the commit of this repository whose
# patches/ held its 37 patches last. v5 replaced it.
v4_commit=945efa380ae9a1ec516143893638f4285963a71d
"$TOP/scripts/prepare-tree.sh" "$series"
repo=$WORK/base-$series
tree=$(tree_dir "$variant")

patches=() extra=()
case "$variant" in
base|v[0-9][0-9]*) ;;
patched|patched-[0-9]*)
	# patched-N: the first N patches of the pool series, every other
	# series whole.
	max=${variant#patched-}; [ "$max" = patched ] && max=
	for s in $SERIES_NAMES; do
		if [ "$s" = pool ]; then series_patches "$s" ${max:+"$max"}; else series_patches "$s"; fi
		patches+=("${PATCHES[@]}")
	done ;;
only-*)
	series_patches "${variant#only-}"
	patches=("${PATCHES[@]}") ;;
mutant-*)
	# The patched tree with one mutant of scripts/mutants.py (make mutants).
	python3 "$TOP/scripts/mutants.py" list | cut -f1 | grep -qx -- "${variant#mutant-}" ||
		die "no mutant ${variant#mutant-} (scripts/mutants.py list)"
	for s in $SERIES_NAMES; do
		series_patches "$s"
		patches+=("${PATCHES[@]}")
	done
	extra=("$TOP/scripts/mutants.py") ;;
series-v4)
	history_patches "$v4_commit" 11 "$WORK/history/v4"
	[ ${#PATCHES[@]} = 11 ] || die "$v4_commit:patches/series names ${#PATCHES[@]} patches, not v4's 11 kernel patches"
	patches=("${PATCHES[@]}") ;;
*)	die "unknown variant: $variant" ;;
esac

want=$variant:$( { git -C "$repo" rev-parse "$BASE_TAG"; cat "${patches[@]}" "${extra[@]}" /dev/null; } | sha256sum | cut -c1-12)
up_to_date() {
	local stamp
	stamp=$(cat "$tree/.pipepool-series" 2>/dev/null || true)
	[ -d "$tree" ] && [ "${stamp% *}" = "$want" ] &&
	[ "${stamp#* }" = "$(git -C "$tree" rev-parse HEAD 2>/dev/null)" ] &&
	[ -z "$(git -C "$tree" status --porcelain --untracked-files=no)" ]
}
if up_to_date; then
	msg "$variant tree up to date ($tree)"
	exit 0
fi
# The tree is about to change under any build that reads it (another
# script of this clone may be building a kernel from it): switch it only
# while no kernel build runs, and look again once the lock is ours.
build_lock
if up_to_date; then
	msg "$variant tree up to date ($tree)"
	exit 0
fi

# A worktree of another base repository (KVER_SERIES changed since it was
# made, or the base was unpacked anew) is made again.
common=$(git -C "$tree" rev-parse --path-format=absolute --git-common-dir 2>/dev/null || true)
if [ -e "$tree" ] && { [ -z "$common" ] ||
   [ "$(cd "$common" && pwd -P)" != "$(cd "$repo/.git" && pwd -P)" ]; }; then
	msg "$tree is not a worktree of $repo: making it again"
	rm -rf "$tree"
fi
if [ ! -d "$tree" ]; then
	mkdir -p "$(dirname "$tree")"
	git -C "$repo" worktree prune
	git -C "$repo" worktree add -q --detach "$tree" "$BASE_TAG" ||
		die "cannot create worktree $tree"
fi
cd "$tree"
git am --abort >/dev/null 2>&1 || true
git checkout -q -f --detach "$BASE_TAG"
git clean -fdxq -e /.pipepool-series
export GIT_COMMITTER_NAME=pipepool GIT_COMMITTER_EMAIL=pipepool@localhost
export GIT_COMMITTER_DATE="2000-01-01T00:00:00Z"
for p in "${patches[@]}"; do
	log=$LOGDIR/apply-$variant.log
	if ! git am -q -3 --keep-cr "$p" >"$log" 2>&1; then
		git am --abort >/dev/null 2>&1 || true
		tail -n 15 "$log" >&2
		die "patch does not apply: ${p#"$TOP"/} (log: $log)"
	fi
done
if [ "${variant#mutant-}" != "$variant" ]; then
	python3 "$TOP/scripts/mutants.py" apply "${variant#mutant-}" . ||
		die "mutant ${variant#mutant-} does not apply"
	GIT_AUTHOR_NAME=pipepool GIT_AUTHOR_EMAIL=pipepool@localhost GIT_AUTHOR_DATE=$GIT_COMMITTER_DATE \
		git commit -q -a -m "mutant ${variant#mutant-}"
fi
echo "$want $(git rev-parse HEAD)" >.pipepool-series
msg "$variant tree: $(git log --oneline "$BASE_TAG"..HEAD | wc -l) patch(es) on $BASE_TAG"
