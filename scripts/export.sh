#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# export.sh: regenerate patches/ from the commits of linux/ since tag "base",
# reproducibly (--zero-commit, --no-signature, fixed numbering): an
# unchanged branch exports to byte-identical files. No "base-commit:": tag
# "base" is Debian's unpacked tree, which no one else has; the cover letter
# names the upstream release the series applies to (check-base.sh). The
# cover letter's subject and text come from cover-letter/subject and
# cover-letter/body (the results tables in it are produced by
# scripts/update-docs.sh, never typed).
# EXPORT_DIR=DIR writes the files there instead of patches/ (send-dry.sh
# compares that export with what b4 writes). It refuses a commit that
# carries a Signed-off-by or lacks an Assisted-by line (tool-tags.py).
source "$(dirname "$0")/lib.sh"
STEP="export"
src=${EXPORT_SRC:-$TOP/linux}
[ -e "$src/.git" ] || die "no linux/ (run make tree)"
[ -z "$(git -C "$src" status --porcelain)" ] || die "linux/ has uncommitted changes: commit them first"
n=$(git -C "$src" rev-list --count "$BASE_TAG"..HEAD)
[ "$n" -gt 0 ] || die "no commits on top of $BASE_TAG in linux/"
# Each commit carries an Assisted-by line and no Signed-off-by: a tool
# certifies no DCO (Documentation/process/coding-assistants.rst); the
# sender signs the emails (make send-dry SIGNOFF=yes).
if ! tags=$(git -C "$src" log -z --reverse --format='%h %s%n%B' "$BASE_TAG"..HEAD | "$TOP/scripts/tool-tags.py" commits -); then
	grep '^FAIL ' <<<"$tags" | sed 's/^FAIL /  /' >&2
	die "refusing to export: every commit needs an Assisted-by line (Assisted-by: LLM [TOOL1] [TOOL2]) and no Signed-off-by (Documentation/process/coding-assistants.rst; the sender signs the emails: make send-dry SIGNOFF=yes)"
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
reroll=$(cat "$TOP/cover-letter/version" 2>/dev/null || echo 1)
vopt=()
[ "$reroll" -gt 1 ] && vopt=(-v "$reroll")
# The cover letter's From: the series' author (as b4-prep.sh's sender), not
# whoever runs the export, so that the export does not depend on the machine.
GIT_COMMITTER_NAME=$(git -C "$src" log -1 --format=%an) GIT_COMMITTER_EMAIL=$(git -C "$src" log -1 --format=%ae) \
git -C "$src" -c core.abbrev=12 -c diff.algorithm=histogram format-patch -q --zero-commit --no-signature \
	--cover-letter --numbered --no-renames "${vopt[@]}" -o "$tmp" "$BASE_TAG"..HEAD
cover=$(ls "$tmp"/*0000-cover-letter.patch)
last_date=$(git -C "$src" log -1 --format=%aD)
python3 - "$cover" "$TOP/cover-letter" "$last_date" <<'PY'
import sys, os
path, cdir, date = sys.argv[1:]
s = open(path).read()
subj = open(os.path.join(cdir, 'subject')).read().strip() if os.path.exists(os.path.join(cdir, 'subject')) else 'pipe: one per-pipe page pool'
body = open(os.path.join(cdir, 'body')).read().rstrip() + '\n' if os.path.exists(os.path.join(cdir, 'body')) else ''
s = s.replace('*** SUBJECT HERE ***', subj).replace('*** BLURB HERE ***', body.rstrip())
out = []
for line in s.split('\n'):
    if line.startswith('Date: '):
        line = 'Date: ' + date
    out.append(line)
open(path, 'w').write('\n'.join(out))
PY
out=${EXPORT_DIR:-$TOP/patches}
mkdir -p "$out"
rm -f "$out"/*.patch
for f in "$tmp"/*.patch; do
	b=$(basename "$f"); b=${b#v[0-9]*-}
	mv "$f" "$out/$b"
done
find "$out" -maxdepth 1 -name '[0-9][0-9][0-9][0-9]-*.patch' ! -name '0000-*' -printf '%f\n' | sort >"$out/series"
msg "exported $n patch(es) + cover letter to ${EXPORT_DIR:-patches/}"
