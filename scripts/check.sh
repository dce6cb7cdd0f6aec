#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# check.sh: the series' quality gates.
#  1. patches/ applies in order to the pristine base (git am -3);
#  2. every patch carries an Assisted-by line and no Signed-off-by
#     (tool-tags.py: a tool certifies no DCO, coding-assistants.rst);
#     scripts/checkpatch.pl --strict --no-signoff is silent on every patch, and so is
#     "b4 prep --check" (b4's checkpatch run; skipped, saying why, without
#     b4 >= 0.14), and the cover letter b4 writes (b4 send -o) carries
#     cover-letter/body unchanged (cover-carried.py);
#     no Debian patch of the base's source package touches a file the
#     series touches (check-base.sh: the series then applies to the
#     upstream release; skipped, saying why, when the deb-src index or the
#     debian tarball cannot be had);
#  3. every prefix of the series builds (build-only bisect), and "make W=1"
#     is warning-free at each step on the objects of the kernel C files the
#     series changes (fs/pipe.o, fs/splice.o; a file under tests/ is
#     included by its subject, as fs/tests/pipe_kunit.c is by fs/pipe.c);
#  4. sparse (make C=2) reports nothing in those files that the base does
#     not;
#  5. the kernel's semantic patches (coccinelle, scripts/coccicheck) report
#     nothing in the C files the series changes that they do not report in
#     the base (coccicheck.sh).
# Prints "check: N passed, N failed" and fails on any failure.
source "$(dirname "$0")/lib.sh"
STEP=check
# checkpatch runs scripts/spdxcheck.py with the first python3 on PATH: use
# Debian's, which has python3-ply and python3-git.
export PATH=/usr/bin:$PATH
pass=0 fail=0 skip=0
ok()  { pass=$((pass + 1)); msg "ok: $*"; }
skp() { skip=$((skip + 1)); msg "SKIP: $*"; }
bad() { fail=$((fail + 1)); msg "FAIL: $*"; }

if ! "$TOP/scripts/apply-series.sh" patched >&2; then
	bad "series does not apply"
	echo "check: $pass passed, $fail failed"
	exit 1
fi
ok "series applies to base"
src=$(tree_dir patched)
mapfile -t commits < <(git -C "$src" rev-list --reverse "$BASE_TAG"..HEAD)

# checkpatch on the exported files, as a maintainer would run it.
for p in "$TOP"/patches/0*.patch; do
	[ -e "$p" ] || continue
	case "$(basename "$p")" in 0000-*) continue ;; esac
	log=$LOGDIR/checkpatch-$(basename "$p" .patch).log
	if perl "$src/scripts/checkpatch.pl" --strict --no-signoff -q "$p" >"$log" 2>&1 && [ ! -s "$log" ]; then
		ok "checkpatch --strict $(basename "$p")"
	else
		cat "$log" >&2; bad "checkpatch --strict $(basename "$p") (log: $log)"
	fi
done

# Every patch is tool-assisted: an Assisted-by line and no Signed-off-by
# (coding-assistants.rst; the sender signs the emails, send-dry.sh).
pfiles=()
for p in "$TOP"/patches/[0-9][0-9][0-9][0-9]-*.patch; do
	case "$(basename "$p")" in 0000-*) ;; *) [ -e "$p" ] && pfiles+=("$p") ;; esac
done
if [ ${#pfiles[@]} -eq 0 ]; then
	bad "no patches in patches/"
else
	tags=$("$TOP/scripts/tool-tags.py" patches "${pfiles[@]}" 2>&1) || true
	while read -r flag what; do
		case "$flag" in
		PASS) ok "Assisted-by, no Signed-off-by: ${what#"$TOP"/}" ;;
		FAIL) bad "Assisted-by, no Signed-off-by: ${what#"$TOP"/}" ;;
		esac
	done <<<"$tags"
	[ "$(grep -cE '^(PASS|FAIL) ' <<<"$tags")" -eq ${#pfiles[@]} ] ||
		{ printf '%s\n' "$tags" | tail -n 5 >&2; bad "tool-tags.py reported on $(grep -cE '^(PASS|FAIL) ' <<<"$tags") of ${#pfiles[@]} patch file(s)"; }
fi

# The base: no Debian patch touches a file the series touches, so the
# series applies to the upstream release (check-base.sh; skipped, saying
# why, when the deb-src index or the debian tarball cannot be had).
log=$LOGDIR/check-base-gate.log
rc=0
"$TOP/scripts/check-base.sh" >"$log" 2>&1 || rc=$?
res=$(grep -E '^(PASS|FAIL|SKIP) ' "$log" | tail -n 1 || true)
case "$rc:${res%% *}" in
0:PASS) ok "base: ${res#PASS }" ;;
3:SKIP) skp "base: ${res#SKIP } (check-base.sh)" ;;
1:FAIL) grep '^TOUCH ' "$log" >&2 || true; bad "base: ${res#FAIL } (log: $log)" ;;
*) tail -n 5 "$log" >&2; bad "base: check-base.sh failed (log: $log)" ;;
esac

# b4 prep --check, as a maintainer's b4 runs it (checkpatch per patch, b4's
# own options), on the same series prepared with b4 (b4-prep.sh).
if ! b4v=$(b4_ok); then
	skp "b4 prep --check: b4 >= 0.14 not installed (installed: $(b4 --version 2>/dev/null || echo none); scripts/install-deps.sh installs trixie's)"
else
	log=$LOGDIR/check-b4.log
	mails=$WORK/check-b4-mails
	rm -rf "$mails"
	# One subshell holds the scratch clone's lock from b4 prep to the check
	# and the emails (b4 send -o: nothing is sent).
	if ! ( b4_lock; b4src=$("$TOP/scripts/b4-prep.sh" "$src" HEAD) && cd "$b4src" &&
	       b4 prep -C --check </dev/null && echo "b4 send -o:" &&
	       b4 send -o "$mails" --no-sign </dev/null ) >"$log" 2>&1; then
		tail -n 20 "$log" >&2; bad "b4 $b4v prep --check or send -o did not run (log: $log)"
	else
		n=0
		while read -r flag what; do
			n=$((n + 1))
			if [ "$flag" = success ]; then
				ok "b4 $b4v prep --check: $what"
			else
				bad "b4 $b4v prep --check ($flag): $what (log: $log)"
			fi
		done < <(b4_check_results "$log")
		[ "$n" -eq "${#commits[@]}" ] || bad "b4 prep --check reported $n patch(es), the series has ${#commits[@]} (log: $log)"
		sed -n 's/\x1b\[[0-9;]*m//g; s/^  ● /  /p' "$log" >&2
		# The cover letter b4 mails is cover-letter/body unchanged (b4 moves
		# lines that look like trailers out of the last paragraph).
		if carried=$("$TOP/scripts/cover-carried.py" "$TOP/cover-letter/body" "$mails"/0000-*.eml); then
			ok "b4 $b4v send -o: the cover letter carries cover-letter/body"
		else
			printf '%s\n' "$carried" >&2
			bad "b4 $b4v send -o: the cover letter does not carry cover-letter/body (emails: $mails)"
		fi
	fi
fi

# Build-only bisect: each prefix of the series, in the shared source tree
# and guest build directory, so each step is incremental; the tree is put
# back to the whole series at the end.
ARCH=x86_64 "$TOP/scripts/build-kernel.sh" patched >/dev/null
build_lock
head=$(git -C "$src" rev-parse HEAD)
bdir=$(ARCH=x86_64 guest_build_dir patched)
# Each step starts from the guest's whole config: a prefix of the series
# lacks options that later patches add (CONFIG_PIPE_KUNIT_TEST), which
# olddefconfig drops and must not stay dropped for the next step.
cp "$bdir/.config" "$bdir/.config.pipepool-full"
config_full() { cp "$bdir/.config.pipepool-full" "$bdir/.config" && "${KM[@]}" olddefconfig >/dev/null 2>&1; }
# Once for its exports (a $(...) subshell keeps none), once for its answer.
kbuild_cc gcc >/dev/null
cc=$(kbuild_cc gcc)
KM=(make -C "$src" O="$bdir" ARCH=x86 CC="$cc" -j"$(nproc_host)")
# A sparse new enough for this kernel (SPARSE=/path overrides).
sparse=$("$TOP/scripts/fetch-sparse.sh") || sparse=
[ -n "$sparse" ] && KM+=(CHECK="$sparse")
# The objects of the kernel C files the series changes (tools/ aside; a
# file under tests/ is #included by the file it tests, not built alone).
mapfile -t objs < <(git -C "$src" diff --name-only "$BASE_TAG"..HEAD -- '*.c' ':!tools/' ':!*/tests/*' | sed 's/\.c$/.o/')
[ ${#objs[@]} -gt 0 ] || objs=(fs/pipe.o)
srcs_re=
for o in "${objs[@]}"; do srcs_re+=${srcs_re:+|}${o%.o}\\.c; done
# diag_of REGEX LOG: the diagnostics of LOG that REGEX matches, without
# line numbers (a file the series changes may have some of its own in the
# base, which a change elsewhere in the file moves): sparse's in those
# files, and W=1's.
diag_of() { { grep -E "$1" "$2" || true; } | sed -E 's/:[0-9]+:[0-9]+:/:/' | sort -u; }
sparse_re="^[^ ]*($srcs_re):[0-9]+:[0-9]+: (warning|error)"
w1_re='^[^ ]*:[0-9]+:[0-9]+: warning:'
git -C "$src" checkout -q -f --detach "$BASE_TAG"
config_full
log=$LOGDIR/check-sparse-base.log
"${KM[@]}" C=2 "${objs[@]}" >"$log" 2>&1 || true
base_sparse=$(diag_of "$sparse_re" "$log")
log=$LOGDIR/check-w1-base.log
"${KM[@]}" W=1 "${objs[@]}" >"$log" 2>&1 || true
base_w1=$(diag_of "$w1_re" "$log")
i=0
for c in "${commits[@]}"; do
	i=$((i + 1))
	git -C "$src" checkout -q -f --detach "$c"
	config_full
	subj=$(git -C "$src" log -1 --format=%s)
	log=$LOGDIR/check-build-$i.log
	if "${KM[@]}" bzImage >"$log" 2>&1; then
		ok "patch $i builds: $subj"
	else
		grep -E 'error' "$log" | head -5 >&2; bad "patch $i does not build: $subj (log: $log)"
		continue
	fi
	log=$LOGDIR/check-w1-$i.log
	if ! "${KM[@]}" W=1 "${objs[@]}" >"$log" 2>&1; then
		tail -n 5 "$log" >&2; bad "patch $i: make W=1 ${objs[*]} failed (log: $log)"
	elif new=$(comm -13 <(echo "$base_w1") <(diag_of "$w1_re" "$log")) && [ -z "$new" ]; then
		ok "patch $i: make W=1 ${objs[*]} adds no warning"
	else
		echo "$new" | head -5 >&2; bad "patch $i: new W=1 warnings in ${objs[*]} (log: $log)"
	fi
	log=$LOGDIR/check-sparse-$i.log
	"${KM[@]}" C=2 "${objs[@]}" >"$log" 2>&1 || true
	new=$(comm -13 <(echo "$base_sparse") <(diag_of "$sparse_re" "$log"))
	if grep -q 'not available or not up to date' "$log"; then
		skp "patch $i: sparse: ${sparse:-sparse} is too old for this kernel (log: $log)"
	elif [ "$(grep -cE "CHECK .*($srcs_re)\$" "$log")" -ne ${#objs[@]} ]; then
		bad "patch $i: sparse did not check each of ${objs[*]} (log: $log)"
	elif [ -z "$new" ]; then
		ok "patch $i: sparse adds nothing in ${objs[*]}"
	else
		echo "$new" >&2; bad "patch $i: new sparse warnings in ${objs[*]} (log: $log)"
	fi
done
git -C "$src" checkout -q -f --detach "$head"
config_full
[ ${#commits[@]} -eq 0 ] && msg "no patches in patches/series: nothing to bisect"

# Coccinelle on what the whole series changes, base against head; the tree
# is back at head afterwards.
if ! command -v spatch >/dev/null; then
	bad "coccinelle: spatch not installed (Debian package coccinelle)"
else
	log=$LOGDIR/check-coccicheck.log
	rc=0
	"$TOP/scripts/coccicheck.sh" "$src" "$BASE_TAG" "$head" >"$log" 2>&1 || rc=$?
	while read -r kind what; do
		case "$kind" in
		PASS) ok "coccinelle: $what" ;;
		FAIL) bad "coccinelle: $what (log: $log)" ;;
		SKIP) skp "coccinelle: $what" ;;
		esac
	done <"$log"
	grep '^    ' "$log" >&2 || true
	if [ "$rc" -ne 0 ] && ! grep -q '^FAIL' "$log"; then
		tail -n 5 "$log" >&2; bad "coccicheck.sh failed (log: $log)"
	fi
fi
echo "check: $pass passed, $fail failed$([ "$skip" -gt 0 ] && echo ", $skip skipped")"
[ "$fail" -eq 0 ]
