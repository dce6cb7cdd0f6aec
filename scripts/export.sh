#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# export.sh [NAME...]: regenerate patches/NAME/ from linux/'s branch of
# series NAME (lib.sh series_branch: pool from pipe-pool, pipe_bench from
# pipe-bench), for every series of SERIES_NAMES by default: each its own
# git format-patch output of the commits since tag "base", with its own
# cover letter, reproducibly (--zero-commit, --no-signature, fixed
# numbering): an unchanged branch exports to byte-identical files. No
# "base-commit:": tag "base" is Debian's unpacked tree, which no one else
# has; the cover letter names the upstream release the series applies to
# (check-base.sh). The cover letter's subject and text come from
# cover-letter/NAME/subject and cover-letter/NAME/body (the results tables
# in it are produced by scripts/update-docs.sh, never typed), its version
# from cover-letter/NAME/version.
# EXPORT_DIR=DIR writes DIR/NAME/ instead of patches/NAME/ (send-dry.sh
# compares that export with what b4 writes). It refuses a commit that
# carries a Signed-off-by or lacks an Assisted-by line (tool-tags.py).
source "$(dirname "$0")/lib.sh"
STEP="export"
src=${EXPORT_SRC:-$TOP/linux}
[ -e "$src/.git" ] || die "no linux/ (run make tree)"
[ -z "$(git -C "$src" status --porcelain)" ] || die "linux/ has uncommitted changes: commit them first"
names=("$@")
[ ${#names[@]} -gt 0 ] || read -r -a names <<<"$SERIES_NAMES"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for name in "${names[@]}"; do
	branch=$(series_branch "$name")
	cdir=$TOP/cover-letter/$name
	rev=refs/heads/$branch
	git -C "$src" rev-parse -q --verify "$rev" >/dev/null || die "no branch $branch in linux/ (series $name)"
	git -C "$src" merge-base --is-ancestor "$BASE_TAG" "$rev" || die "branch $branch of linux/ is not on top of tag $BASE_TAG"
	n=$(git -C "$src" rev-list --count "$BASE_TAG..$rev")
	[ "$n" -gt 0 ] || die "no commits on top of $BASE_TAG on branch $branch of linux/"
	[ -f "$cdir/subject" ] && [ -f "$cdir/body" ] ||
		die "no cover-letter/$name/subject or body (scripts/update-docs.sh writes body from body.in)"
	# Each commit carries an Assisted-by line and no Signed-off-by: a tool
	# certifies no DCO (Documentation/process/coding-assistants.rst); the
	# sender signs the emails (make send-dry SIGNOFF=yes).
	if ! tags=$(git -C "$src" log -z --reverse --format='%h %s%n%B' "$BASE_TAG..$rev" | "$TOP/scripts/tool-tags.py" commits -); then
		grep '^FAIL ' <<<"$tags" | sed 's/^FAIL /  /' >&2
		die "refusing to export $branch: every commit needs an Assisted-by line (Assisted-by: LLM [TOOL1] [TOOL2]) and no Signed-off-by (Documentation/process/coding-assistants.rst; the sender signs the emails: make send-dry SIGNOFF=yes)"
	fi
	rm -rf "${tmp:?}/$name"
	reroll=$(cat "$cdir/version" 2>/dev/null || echo 1)
	vopt=()
	[ "$reroll" -gt 1 ] && vopt=(-v "$reroll")
	# The cover letter's From: the series' author (as b4-prep.sh's sender), not
	# whoever runs the export, so that the export does not depend on the machine.
	GIT_COMMITTER_NAME=$(git -C "$src" log -1 --format=%an "$rev") GIT_COMMITTER_EMAIL=$(git -C "$src" log -1 --format=%ae "$rev") \
	git -C "$src" -c core.abbrev=12 -c diff.algorithm=histogram format-patch -q --zero-commit --no-signature \
		--cover-letter --numbered --no-renames "${vopt[@]}" -o "$tmp/$name" "$BASE_TAG..$rev"
	cover=$(ls "$tmp/$name"/*0000-cover-letter.patch)
	last_date=$(git -C "$src" log -1 --format=%aD "$rev")
	python3 - "$cover" "$cdir" "$last_date" <<'PY'
import sys, os
path, cdir, date = sys.argv[1:]
s = open(path).read()
subj = open(os.path.join(cdir, 'subject')).read().strip()
body = open(os.path.join(cdir, 'body')).read().rstrip() + '\n'
s = s.replace('*** SUBJECT HERE ***', subj).replace('*** BLURB HERE ***', body.rstrip())
out = []
for line in s.split('\n'):
    if line.startswith('Date: '):
        line = 'Date: ' + date
    out.append(line)
open(path, 'w').write('\n'.join(out))
PY
	out=${EXPORT_DIR:-$TOP/patches}/$name
	mkdir -p "$out"
	rm -f "$out"/*.patch
	for f in "$tmp/$name"/*.patch; do
		b=$(basename "$f"); b=${b#v[0-9]*-}
		mv "$f" "$out/$b"
	done
	find "$out" -maxdepth 1 -name '[0-9][0-9][0-9][0-9]-*.patch' ! -name '0000-*' -printf '%f\n' | sort >"$out/series"
	msg "exported $n patch(es) + cover letter of branch $branch to ${out#"$TOP"/}/"
done
