#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# b4-prep.sh REPO REV: make REV of REPO (the series on top of tag "base") a
# b4-prepared branch in a scratch clone, $WORK/b4/linux, and print that
# clone's path. REPO itself is left alone. In the clone:
#   - branch pipe-pool at REV, enrolled with "b4 prep -e" on a branch at
#     "base" (cover strategy branch-description: the commits stay REV's);
#   - the identity B4_NAME, B4_EMAIL (default: the author of REV) and
#     sendemail.smtpserver=/bin/false, so that nothing can be sent from it;
#   - with SIGNOFF=yes (send-dry.sh, once the sender has asked for it), each
#     commit of the clone's pipe-pool rewritten with the sender as its
#     author and the sender's Signed-off-by appended to its trailers (after
#     the Assisted-by line): the tool is no author and adds no sign-off
#     (coding-assistants.rst), so the human who certifies the DCO for the
#     patch sends it as its author. Tree, dates and the rest of the message
#     stay REV's. Without SIGNOFF=yes the commits stay REV's, unsigned, and
#     b4's checkpatch runs with --no-signoff;
#   - b4's cover letter template without the "base-commit:" line: the base
#     tag names Debian's unpacked tree, which no one else has (the cover
#     letter says which upstream release the series applies to);
#   - the cover letter: cover-letter/subject and cover-letter/body, set with
#     "b4 prep --edit-cover" (EDITOR copies the file in; "#" lines escaped
#     as ">#", which b4 turns back into "#");
#   - To/Cc from scripts/get_maintainer.pl through "b4 prep --auto-to-cc";
#   - diff.algorithm=histogram, core.abbrev=12, diff.renames=false: the same
#     diffs as "make export" (with git's default algorithm one hunk of patch
#     1 shows an untouched BUG_ON() as added, and checkpatch warns on it).
# The clone is kept between runs (one checkout of ~95k files takes minutes);
# each run resets it. The caller holds $WORK/b4/lock (b4_lock in lib.sh).
source "$(dirname "$0")/lib.sh"
STEP=b4-prep
repo=${1:?usage: b4-prep.sh REPO REV}
rev=${2:?usage: b4-prep.sh REPO REV}
v=$(b4_ok) || die "b4 >= 0.14 is not installed (scripts/install-deps.sh installs trixie's)"
# checkpatch runs scripts/spdxcheck.py with the first python3 on PATH: use
# Debian's, which has python3-ply and python3-git.
export PATH=/usr/bin:$PATH
base_repo=$WORK/base-$KVER_SERIES
[ -d "$base_repo/.git" ] || "$TOP/scripts/prepare-tree.sh" >&2
s=$WORK/b4/linux
log=$LOGDIR/b4-prep.log
: >"$log"
if [ ! -d "$s/.git" ] || ! git -C "$s" rev-parse -q --verify "refs/tags/$BASE_TAG" >/dev/null ||
   [ "$(git -C "$s" rev-parse "$BASE_TAG")" != "$(git -C "$base_repo" rev-parse "$BASE_TAG")" ]; then
	rm -rf "$s"
	mkdir -p "$(dirname "$s")"
	msg "scratch clone of the base for b4: $s (one full checkout)"
	git clone -q --no-checkout "$base_repo" "$s"
	git -C "$s" checkout -q --detach "$BASE_TAG"
fi
cd "$s"
git fetch -q "$repo" "$rev" || die "cannot fetch $rev from $repo"
want=$(git rev-parse FETCH_HEAD)
git merge-base --is-ancestor "$BASE_TAG" "$want" || die "$rev of $repo is not on top of tag $BASE_TAG"
[ "$(git rev-list --count "$BASE_TAG..$want")" -gt 0 ] || die "$rev of $repo has no commits on $BASE_TAG"

# Reset: no b4 state of an earlier run survives.
git checkout -q -f --detach "$want"
git clean -fdxq
for b in pipe-pool b4-base; do
	git branch -q -D "$b" 2>/dev/null || true
	git config --remove-section "branch.$b" 2>/dev/null || true
done
git for-each-ref --format='%(refname)' refs/tags/sent/ | xargs -r -n1 git update-ref -d
git branch -q b4-base "$BASE_TAG"
git checkout -q -b pipe-pool "$want"

name=${B4_NAME:-$(git log -1 --format=%an "$want")}
email=${B4_EMAIL:-$(git log -1 --format=%ae "$want")}
git config user.name "$name"
git config user.email "$email"
git config sendemail.smtpserver /bin/false
git config b4.prep-cover-strategy branch-description
git config diff.algorithm histogram
git config diff.renames false
git config core.abbrev 12
# b4 prep --check's checkpatch: b4's own default command, and --no-signoff
# while the commits carry no sign-off (the tool adds none).
ppcmd="$s/scripts/checkpatch.pl -q --terse --no-summary --mailback --showfile"
[ "${SIGNOFF:-}" = yes ] || ppcmd+=" --no-signoff"
git config b4.prep-perpatch-check-cmd "$ppcmd"
# b4's cover letter as b4 writes it by default, without "base-commit:".
tpl=$WORK/b4/cover-template
printf '%s\n' '${cover}' '' '---' '${shortlog}' '' '${diffstat}' '---' \
	'change-id: ${change_id}' '${prerequisites}' 'Best regards,' '-- ' '${signature}' >"$tpl"
git config b4.prep-cover-template "$tpl"

if [ "${SIGNOFF:-}" = yes ]; then
	# The sender signs each patch and takes its authorship: new commits
	# with REV's trees, dates and messages, the sender's Signed-off-by
	# appended to the trailers.
	parent=$(git rev-parse "$BASE_TAG")
	for c in $(git rev-list --reverse "$BASE_TAG..$want"); do
		grep -qi '^Signed-off-by:' <<<"$(git log -1 --format=%B "$c")" &&
			die "$(git log -1 --format='%h %s' "$c") carries a Signed-off-by already (make export refuses such commits)"
		parent=$(git log -1 --format=%B "$c" |
			git interpret-trailers --trailer "Signed-off-by: $name <$email>" |
			GIT_AUTHOR_NAME=$name GIT_AUTHOR_EMAIL=$email GIT_AUTHOR_DATE=$(git log -1 --format=%aD "$c") \
			GIT_COMMITTER_NAME=$name GIT_COMMITTER_EMAIL=$email GIT_COMMITTER_DATE=$(git log -1 --format=%cD "$c") \
			git commit-tree "$(git rev-parse "$c^{tree}")" -p "$parent")
	done
	git reset -q --hard "$parent"
	msg "signed: $(git rev-list --count "$BASE_TAG..HEAD") commit(s) authored and signed off by $name <$email>"
fi

b4 prep -e b4-base </dev/null >>"$log" 2>&1 || { tail -n 20 "$log" >&2; die "b4 prep -e failed (log: $log)"; }
reroll=$(cat "$TOP/cover-letter/version" 2>/dev/null || echo 1)
if [ "$reroll" -gt 1 ]; then
	b4 prep --force-revision "$reroll" </dev/null >>"$log" 2>&1 || { tail -n 20 "$log" >&2; die "b4 prep --force-revision failed (log: $log)"; }
fi
cover=$WORK/b4/cover.txt
{ cat "$TOP/cover-letter/subject"; echo; sed 's/^#/>#/' "$TOP/cover-letter/body"; } >"$cover"
# b4 0.14 takes core.editor, then EDITOR; 0.16 GIT_EDITOR first.
git config core.editor "cp $cover"
EDITOR="cp $cover" GIT_EDITOR="cp $cover" b4 prep --edit-cover </dev/null >>"$log" 2>&1 ||
	{ tail -n 20 "$log" >&2; die "b4 prep --edit-cover failed (log: $log)"; }
git config --unset core.editor
b4 prep --auto-to-cc </dev/null >>"$log" 2>&1 || { tail -n 20 "$log" >&2; die "b4 prep --auto-to-cc failed (log: $log)"; }
msg "b4 $v: $(git rev-list --count "$BASE_TAG..HEAD") patch(es) enrolled in $s (log: $log)"
echo "$s"
