#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# b4-prep.sh NAME REPO REV: make REV of REPO (series NAME, pool or
# pipe_bench, alone on top of tag "base") a b4-prepared branch in a scratch
# clone, $WORK/b4/linux, and print that clone's path. REPO itself is left
# alone. In the clone:
#   - NAME's branch (pipe-pool, pipe-bench) at REV, enrolled with "b4 prep
#     -e" on a branch at
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
#   - the cover letter: cover-letter/NAME/subject and cover-letter/NAME/body,
#     set with "b4 prep --edit-cover" (EDITOR copies the file in; "#" lines
#     escaped as ">#", which b4 turns back into "#"), version
#     cover-letter/NAME/version;
#   - To/Cc from scripts/get_maintainer.pl through "b4 prep --auto-to-cc",
#     and the hand-added ones of cover-letter/NAME/cc, one rule a line,
#     two fields separated by a tab: "to", "cc" or an extended regular
#     expression matched against a commit's subject, then an address
#     ("Name <user@host>", a list's bare address) or "@FILE", the
#     maintainers (M:) of FILE as get_maintainer.pl names them. "to" and
#     "cc" go to the cover letter's To and Cc (b4 mails the whole thread
#     to them); a subject rule adds a "Cc:" trailer to the matching
#     commits of the clone (b4 adds it to that patch's recipients); a
#     rule that matches no commit is an error;
#   - $WORK/b4/recipients-NAME: those rules resolved, one "WHAT<tab>ADDRESS"
#     a line (send-dry.sh checks that the emails carry them);
#   - diff.algorithm=histogram, core.abbrev=12, diff.renames=false: the same
#     diffs as "make export" (with git's default algorithm one hunk of patch
#     1 shows an untouched BUG_ON() as added, and checkpatch warns on it).
# The clone is kept between runs (one checkout of ~95k files takes minutes);
# each run resets it. The caller holds $WORK/b4/lock (b4_lock in lib.sh).
source "$(dirname "$0")/lib.sh"
STEP=b4-prep
name=${1:?usage: b4-prep.sh NAME REPO REV}
repo=${2:?usage: b4-prep.sh NAME REPO REV}
rev=${3:?usage: b4-prep.sh NAME REPO REV}
branch=$(series_branch "$name")
cdir=$TOP/cover-letter/$name
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
for b in pipe-pool pipe-bench b4-base; do
	git branch -q -D "$b" 2>/dev/null || true
	git config --remove-section "branch.$b" 2>/dev/null || true
done
git for-each-ref --format='%(refname)' refs/tags/sent/ | xargs -r -n1 git update-ref -d
git branch -q b4-base "$BASE_TAG"
git checkout -q -b "$branch" "$want"

name_id=${B4_NAME:-$(git log -1 --format=%an "$want")}
email=${B4_EMAIL:-$(git log -1 --format=%ae "$want")}
git config user.name "$name_id"
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
ppcmd+=" $(checkpatch_ignore "$name")"
git config b4.prep-perpatch-check-cmd "$ppcmd"
# b4's cover letter as b4 writes it by default, without "base-commit:".
tpl=$WORK/b4/cover-template
printf '%s\n' '${cover}' '' '---' '${shortlog}' '' '${diffstat}' '---' \
	'change-id: ${change_id}' '${prerequisites}' 'Best regards,' '-- ' '${signature}' >"$tpl"
git config b4.prep-cover-template "$tpl"

# The hand-added recipients (cover-letter/NAME/cc): the whole thread's into
# series_cc, a patch's as rules for the rewrite below.
series_to=() series_cc=() rule_re=() rule_to=()
if [ -f "$cdir/cc" ]; then
	while IFS=$'\t' read -r what who; do
		case "$what" in ''|'#'*) continue ;; esac
		[ -n "$who" ] || die "cover-letter/$name/cc: no tab-separated recipient in the rule for '$what'"
		if [ "${who#@}" != "$who" ]; then
			who=$(perl scripts/get_maintainer.pl --nogit --nogit-fallback --norolestats --nol --nor -f "${who#@}" | paste -sd '\t' -) ||
				die "cover-letter/$name/cc: get_maintainer.pl -f ${who#@} failed"
			[ -n "$who" ] || die "cover-letter/$name/cc: get_maintainer.pl names no maintainer of ${who#@}"
		fi
		while IFS= read -r -d $'\t' addr; do
			if [ "$what" = to ]; then
				series_to+=("$addr")
			elif [ "$what" = cc ]; then
				series_cc+=("$addr")
			else
				rule_re+=("$what") rule_to+=("$addr")
			fi
		done <<<"$who"$'\t'
	done <"$cdir/cc"
fi
# The resolved hand-added recipients, for send-dry.sh to find in the emails.
{
	[ ${#series_to[@]} -eq 0 ] || printf 'to\t%s\n' "${series_to[@]}"
	[ ${#series_cc[@]} -eq 0 ] || printf 'cc\t%s\n' "${series_cc[@]}"
	for i in "${!rule_re[@]}"; do printf '%s\t%s\n' "${rule_re[$i]}" "${rule_to[$i]}"; done
} >"$WORK/b4/recipients-$name"
for i in "${!rule_re[@]}"; do
	git log --format=%s "$BASE_TAG..$want" | grep -qE "${rule_re[$i]}" ||
		die "cover-letter/$name/cc: no commit of $rev has a subject matching '${rule_re[$i]}' (for ${rule_to[$i]})"
done

# New commits with REV's trees, dates and messages: the subject rules'
# "Cc:" trailers appended, and with SIGNOFF=yes (the sender signs each
# patch and takes its authorship) the sender's Signed-off-by last.
parent=$(git rev-parse "$BASE_TAG")
for c in $(git rev-list --reverse "$BASE_TAG..$want"); do
	msgtxt=$(git log -1 --format=%B "$c")
	subj=$(git log -1 --format=%s "$c")
	trailers=()
	for i in "${!rule_re[@]}"; do
		grep -qE "${rule_re[$i]}" <<<"$subj" && trailers+=(--trailer "Cc: ${rule_to[$i]}")
	done
	if [ ${#trailers[@]} -eq 0 ] && [ "${SIGNOFF:-}" != yes ] && [ "$(git rev-parse "$c~1")" = "$parent" ]; then
		parent=$c	# REV's own commit, unchanged
		continue
	fi
	an=$(git log -1 --format=%an "$c") ae=$(git log -1 --format=%ae "$c")
	cn=$(git log -1 --format=%cn "$c") ce=$(git log -1 --format=%ce "$c")
	if [ "${SIGNOFF:-}" = yes ]; then
		grep -qi '^Signed-off-by:' <<<"$msgtxt" &&
			die "$(git log -1 --format='%h %s' "$c") carries a Signed-off-by already (make export refuses such commits)"
		trailers+=(--trailer "Signed-off-by: $name_id <$email>")
		an=$name_id ae=$email cn=$name_id ce=$email
	fi
	parent=$(printf '%s\n' "$msgtxt" | git interpret-trailers "${trailers[@]}" |
		GIT_AUTHOR_NAME=$an GIT_AUTHOR_EMAIL=$ae GIT_AUTHOR_DATE=$(git log -1 --format=%aD "$c") \
		GIT_COMMITTER_NAME=$cn GIT_COMMITTER_EMAIL=$ce GIT_COMMITTER_DATE=$(git log -1 --format=%cD "$c") \
		git commit-tree "$(git rev-parse "$c^{tree}")" -p "$parent")
done
git reset -q --hard "$parent"
[ "${SIGNOFF:-}" = yes ] && msg "signed: $(git rev-list --count "$BASE_TAG..HEAD") commit(s) authored and signed off by $name_id <$email>"
[ ${#rule_re[@]} -gt 0 ] && msg "Cc trailers of cover-letter/$name/cc: ${rule_to[*]}"

b4 prep -e b4-base </dev/null >>"$log" 2>&1 || { tail -n 20 "$log" >&2; die "b4 prep -e failed (log: $log)"; }
reroll=$(cat "$cdir/version" 2>/dev/null || echo 1)
if [ "$reroll" -gt 1 ]; then
	b4 prep --force-revision "$reroll" </dev/null >>"$log" 2>&1 || { tail -n 20 "$log" >&2; die "b4 prep --force-revision failed (log: $log)"; }
fi
cover=$WORK/b4/cover.txt
# The whole thread's hand-added To and Cc as trailers of the cover letter, where b4
# keeps its recipients (--auto-to-cc adds get_maintainer.pl's to them).
{
	cat "$cdir/subject"; echo; sed 's/^#/>#/' "$cdir/body"
	if [ $((${#series_to[@]} + ${#series_cc[@]})) -gt 0 ]; then
		echo
		[ ${#series_to[@]} -eq 0 ] || printf 'To: %s\n' "${series_to[@]}"
		[ ${#series_cc[@]} -eq 0 ] || printf 'Cc: %s\n' "${series_cc[@]}"
	fi
} >"$cover"
# b4 0.14 takes core.editor, then EDITOR; 0.16 GIT_EDITOR first.
git config core.editor "cp $cover"
EDITOR="cp $cover" GIT_EDITOR="cp $cover" b4 prep --edit-cover </dev/null >>"$log" 2>&1 ||
	{ tail -n 20 "$log" >&2; die "b4 prep --edit-cover failed (log: $log)"; }
git config --unset core.editor
b4 prep --auto-to-cc </dev/null >>"$log" 2>&1 || { tail -n 20 "$log" >&2; die "b4 prep --auto-to-cc failed (log: $log)"; }
msg "b4 $v: $(git rev-list --count "$BASE_TAG..HEAD") patch(es) enrolled in $s (log: $log)"
echo "$s"
