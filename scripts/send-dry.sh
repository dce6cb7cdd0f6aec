#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# send-dry.sh: what "make send-dry" runs, for each series NAME of
# SERIES_NAMES (pipe_bench, pool), one thread each: the series on linux/'s
# branch of NAME (pipe-bench, pipe-pool), prepared with b4 in a scratch
# clone (b4-prep.sh: its cover letter, To/Cc from get_maintainer.pl and
# the hand-added ones of cover-letter/NAME/cc), checked with "b4 prep
# --check" and written with "b4 send -o" (implies --dry-run) to
# $SEND_DIR/NAME/ (default work/send-dry/NAME/). Nothing is sent. Then it
# proves that what it wrote is the series:
#   1. "git am" of the written emails onto tag "base" of the pristine base
#      repository (a scratch worktree, $WORK/b4/am) gives the tree of
#      linux/'s branch: "git diff --stat" between the two is empty;
#   2. the emails match "make export" (git format-patch, into a temporary
#      directory): the same cover-letter subject, the cover-letter/NAME/body
#      text unchanged in both cover letters (cover-carried.py), the same
#      patches (git patch-id --stable); and the hand-added recipients are
#      there: the whole thread's in the cover letter's To or Cc, a patch's
#      in that patch's Cc.
#   3. every email is From: the sender and signed off by the sender alone,
#      after the Assisted-by line (tool-tags.py signed), and
#      scripts/checkpatch.pl --strict (the base tree's, without
#      --no-signoff) prints nothing on any patch email.
# cover-letter/*/body is regenerated from results/ first (update-docs.sh).
#
# The commits carry Assisted-by and no Signed-off-by (a tool certifies no
# DCO: Documentation/process/coding-assistants.rst). The emails are signed
# only when the sender asks for it with SIGNOFF=yes: each patch is then
# From: the sender and carries the sender's Signed-off-by, the identity of
# B4_NAME and B4_EMAIL, else of "git config user.name" and "user.email"
# (docs/sending.md says what the sender certifies). Without SIGNOFF=yes it
# refuses.
source "$(dirname "$0")/lib.sh"
STEP=send-dry
dco="Documentation/process/submitting-patches.rst, section \"Sign your work - the Developer's Certificate of Origin\""
if [ "${SIGNOFF:-}" != yes ]; then
	die "refusing to write emails without a sign-off. The commits carry Assisted-by and no Signed-off-by: a tool cannot certify the Developer's Certificate of Origin, only the human who sends the series can (Documentation/process/coding-assistants.rst). Read the DCO in linux/$dco and docs/sending.md; if you can certify it for every patch, run \"make send-dry SIGNOFF=yes\": the emails are then From: you and signed off by you, as git config user.name/user.email (or B4_NAME/B4_EMAIL) say."
fi
sender_name=${B4_NAME:-$(git -C "$TOP" config user.name || true)}
sender_email=${B4_EMAIL:-$(git -C "$TOP" config user.email || true)}
[ -n "$sender_name" ] && [ -n "$sender_email" ] ||
	die "SIGNOFF=yes needs the sender's identity: git config user.name and user.email, or B4_NAME and B4_EMAIL"
case "$sender_email" in
*noreply*|*no-reply*) die "SIGNOFF=yes: $sender_name <$sender_email> is a no-reply address, not a person a maintainer can reach; sign with your own identity (B4_NAME, B4_EMAIL or git config user.name/user.email): $dco" ;;
esac
sender="$sender_name <$sender_email>"
export B4_NAME=$sender_name B4_EMAIL=$sender_email SIGNOFF=yes
msg "signing as $sender (SIGNOFF=yes: the sender certifies the DCO, $dco)"
export PATH=/usr/bin:$PATH
src=$TOP/linux
[ -d "$src/.git" ] || die "no linux/ (run make tree)"
[ -z "$(git -C "$src" status --porcelain)" ] || die "linux/ has uncommitted changes: commit them first"
for name in $SERIES_NAMES; do
	branch=$(series_branch "$name")
	git -C "$src" rev-parse -q --verify "refs/heads/$branch" >/dev/null || die "no branch $branch in linux/ (series $name)"
done
v=$(b4_ok) || die "b4 >= 0.14 is not installed (scripts/install-deps.sh installs trixie's)"

"$TOP/scripts/update-docs.sh"
b4_lock
exp=$(mktemp -d)
trap 'rm -rf "$exp"' EXIT
EXPORT_DIR=$exp "$TOP/scripts/export.sh" 2>/dev/null
fail=0
rm -rf "${SEND_DIR:-$WORK/send-dry}"

# send_one NAME: one series' thread; sets fail=1 on a failed check.
send_one() {
local name=$1 branch s log out nres ncommits m stat cpfail out_cp carried
local mails=() patches=()
branch=$(series_branch "$name")
out=${SEND_DIR:-$WORK/send-dry}/$name
msg "series $name (branch $branch)"
s=$("$TOP/scripts/b4-prep.sh" "$name" "$src" "$branch")
log=$LOGDIR/send-dry-$name.log
cd "$s"

msg "b4 prep --check (checkpatch per patch)"
b4 prep -C --check </dev/null >"$LOGDIR/b4-check-$name.log" 2>&1 || { cat "$LOGDIR/b4-check-$name.log" >&2; msg "FAIL: b4 prep --check failed to run"; fail=1; return; }
b4_check_results "$LOGDIR/b4-check-$name.log" | sed 's/^/[send-dry]   /' >&2
sed -n 's/\x1b\[[0-9;]*m//g; s/^  ● /[send-dry]     /p; s/^\(Success: .*\)/[send-dry]   \1/p' "$LOGDIR/b4-check-$name.log" >&2

mkdir -p "$out"
nres=$(b4_check_results "$LOGDIR/b4-check-$name.log" | grep -c '^success ' || true)
ncommits=$(git rev-list --count "$BASE_TAG..HEAD")
[ "$nres" -eq "$ncommits" ] || { msg "FAIL: b4 prep --check: $nres of $ncommits patch(es) clean (log: $LOGDIR/b4-check-$name.log)"; fail=1; }
b4 send -o "$out" --no-sign </dev/null >"$log" 2>&1 || { tail -n 20 "$log" >&2; msg "FAIL: b4 send -o failed (log: $log)"; fail=1; return; }
mapfile -t mails < <(ls "$out"/*.eml 2>/dev/null | sort)
[ ${#mails[@]} -gt 0 ] || { msg "FAIL: b4 wrote no messages to $out (log: $log)"; fail=1; return; }
msg "b4 $v wrote ${#mails[@]} message(s) to $out (nothing sent)"

# 1. git am onto the pristine base, in a scratch worktree of the base repo.
base_repo=$WORK/base-$KVER_SERIES
am=$WORK/b4/am
if ! git -C "$am" rev-parse -q --verify HEAD >/dev/null 2>&1 ||
   [ "$(git -C "$am" rev-parse --git-common-dir 2>/dev/null)" != "$(git -C "$base_repo" rev-parse --path-format=absolute --git-common-dir)" ]; then
	rm -rf "$am"
	git -C "$base_repo" worktree prune
	msg "scratch worktree of $base_repo for git am: $am (one full checkout)"
	git -C "$base_repo" worktree add -q --detach "$am" "$BASE_TAG"
fi
cd "$am"
git am --abort >/dev/null 2>&1 || true
git checkout -q -f --detach "$BASE_TAG"
git clean -fdxq
patches=()
for m in "${mails[@]}"; do
	grep -q '^diff --git ' "$m" && patches+=("$m")
done
export GIT_COMMITTER_NAME=pipepool GIT_COMMITTER_EMAIL=pipepool@localhost
if git am -q "${patches[@]}" >"$LOGDIR/send-dry-am-$name.log" 2>&1; then
	git fetch -q "$src" "refs/heads/$branch"
	stat=$(git diff --stat HEAD FETCH_HEAD)
	if [ -z "$stat" ] && [ "$(git rev-parse "HEAD^{tree}")" = "$(git rev-parse "FETCH_HEAD^{tree}")" ]; then
		msg "ok: git am of ${#patches[@]} email(s) onto $BASE_TAG ($base_repo) gives linux/'s $branch tree (git diff --stat empty, tree $(git rev-parse --short "HEAD^{tree}"))"
	else
		echo "$stat" >&2; msg "FAIL: git am of the emails differs from linux/'s $branch"; fail=1
	fi
else
	tail -n 15 "$LOGDIR/send-dry-am-$name.log" >&2; git am --abort >/dev/null 2>&1 || true
	msg "FAIL: the emails do not apply to $BASE_TAG (log: $LOGDIR/send-dry-am-$name.log)"; fail=1
fi

# 2. The same series as "make export", and the hand-added recipients.
python3 - "$exp/$name" "$WORK/b4/recipients-$name" "${mails[@]}" <<'PY' || fail=1
import email, email.policy, glob, os, subprocess, sys
exp, recipients, mails = sys.argv[1], sys.argv[2], sys.argv[3:]
def subject(path):
    with open(path, 'rb') as f:
        m = email.message_from_binary_file(f, policy=email.policy.default)
    return ' '.join(str(m['Subject']).split())
def patch_id(path):
    out = subprocess.run(['git', 'patch-id', '--stable'], stdin=open(path, 'rb'),
                         capture_output=True, text=True).stdout.split()
    return out[0] if out else None
files = sorted(glob.glob(os.path.join(exp, '*.patch')))
ok = True
def check(cond, what):
    global ok
    print('[send-dry] %s: %s' % ('ok' if cond else 'FAIL', what), file=sys.stderr)
    ok = ok and cond
check(len(files) == len(mails), '%d emails, %d files from make export' % (len(mails), len(files)))
bs, es = subject(mails[0]), subject(files[0])
check(bs == es, 'cover-letter subject, b4 and export: %s' % bs)
b_ids = [patch_id(m) for m in mails[1:]]
e_ids = [patch_id(f) for f in files[1:]]
check(None not in b_ids and b_ids == e_ids, '%d patch(es): same git patch-id --stable in b4 and export' % len(b_ids))
for m, f in zip(mails[1:], files[1:]):
    check(subject(m) == subject(f), 'subject: %s' % subject(m))
def header(path, name):
    with open(path, 'rb') as f:
        m = email.message_from_binary_file(f, policy=email.policy.default)
    return ' '.join(str(m[name] or '').split()).lower()
def addr(a):
    return (a.rsplit('<', 1)[-1].rstrip('>') if '<' in a else a).strip().lower()
for line in open(recipients):
    what, who = line.rstrip('\n').split('\t', 1)
    if what in ('to', 'cc'):
        hits = [m for m in mails if addr(who) in header(m, what)]
        check(len(hits) == len(mails) or addr(who) in header(mails[0], what),
              'the thread %s %s (cover letter: %s)' % (what.capitalize() + ':', who, 'yes' if addr(who) in header(mails[0], what) else 'no'))
    else:
        import re
        match = [m for m in mails[1:] if re.search(what, subject(m))]
        check(bool(match) and all(addr(who) in header(m, 'Cc') for m in match),
              'Cc: %s on the %d patch(es) whose subject matches /%s/' % (who, len(match), what))
sys.exit(0 if ok else 1)
PY
# 3. Signed by the sender alone, and checkpatch (with its sign-off checks)
# silent on each patch.
if "$TOP/scripts/tool-tags.py" signed --sender "$sender" "${mails[@]}" >"$LOGDIR/send-dry-tags-$name.log" 2>&1; then
	msg "ok: ${#mails[@]} email(s) From: $sender, each patch with its Assisted-by line and one Signed-off-by, the sender's, last"
else
	grep -v '^PASS ' "$LOGDIR/send-dry-tags-$name.log" | sed 's/^/[send-dry] /' >&2 || true
	msg "FAIL: the emails are not signed by the sender alone (log: $LOGDIR/send-dry-tags-$name.log)"; fail=1
fi
cpfail=0
for m in "${patches[@]}"; do
	# shellcheck disable=SC2046
	out_cp=$(perl "$src/scripts/checkpatch.pl" --strict $(checkpatch_ignore "$name") -q "$m" 2>&1) || true
	if [ -n "$out_cp" ]; then
		printf '%s\n' "$out_cp" | sed 's/^/[send-dry]   /' >&2
		msg "FAIL: checkpatch --strict on $(basename "$m")"; cpfail=1
	fi
done
[ "$cpfail" -eq 0 ] && msg "ok: checkpatch --strict (sign-off checks included) silent on ${#patches[@]} patch email(s)"
[ "$cpfail" -eq 0 ] || fail=1
carried=$("$TOP/scripts/cover-carried.py" "$TOP/cover-letter/$name/body" "${mails[0]}" "$exp/$name"/0000-*.patch) || fail=1
printf '%s\n' "$carried" | sed 's/^/[send-dry] /' >&2

# The recipients, as b4 wrote them.
python3 - "${mails[0]}" <<'PY' >&2
import email, email.policy, sys
m = email.message_from_binary_file(open(sys.argv[1], 'rb'), policy=email.policy.default)
for h in ('From', 'To', 'Cc'):
    print('[send-dry] %s: %s' % (h, ' '.join(str(m[h] or '').split())))
PY
msg "series $name: ${#mails[@]} message(s) in $out, nothing sent"
}

for name in $SERIES_NAMES; do
	send_one "$name"
done
[ "$fail" -eq 0 ] || die "send-dry checks failed"
msg "done: one thread per series in ${SEND_DIR:-$WORK/send-dry}/{${SERIES_NAMES// /,}}, nothing sent (docs/sending.md)"
