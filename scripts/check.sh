#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# check.sh [quick|full]: the quality gates of the two series (patches/NAME/
# for each NAME of SERIES_NAMES: pipe_bench, pool; lib.sh). "quick" (what
# make test runs, about a minute) is 1-3; "full" (make check, the default,
# and make test-all) is all of them:
#  1. each series applies alone, in order, to the pristine base, and the
#     combination (pool, then pipe_bench: the harness's "patched" tree)
#     applies too (git apply --3way on a scratch index of the base
#     repository: no checkout, seconds); a failure names the series, the
#     patch and git's message; each series has at most series_max patches;
#  2. every patch carries an Assisted-by line and no Signed-off-by
#     (tool-tags.py: a tool certifies no DCO, coding-assistants.rst);
#     scripts/checkpatch.pl --strict --no-signoff is silent on every patch;
#  3. (full) "b4 prep --check" (b4's checkpatch run; skipped, saying why,
#     without b4 >= 0.14) on each series alone on the base, and its cover
#     letter as b4 writes it (b4 send -o) carries cover-letter/NAME/body
#     unchanged (cover-carried.py);
#     no Debian patch of the base's source package touches a file the
#     series touch (check-base.sh: the series then apply to the upstream
#     release; skipped, saying why, when the deb-src index or the debian
#     tarball cannot be had);
#  4. (full) each series alone on the base builds at every patch
#     (build-only bisect): a patch that touches the kernel (a file outside
#     tools/, Documentation/ and MAINTAINERS) builds bzImage, and "make W=1" is warning-free at each step on
#     the objects of the kernel C files the series changes (a file under
#     tests/ is included by its subject, as fs/tests/pipe_kunit.c is by
#     fs/pipe.c), and sparse (make C=2) reports nothing in those files
#     that the base does not; a patch that touches the selftests builds
#     them (build-selftests.sh, warnings are errors);
#  5. (full) the kernel's semantic patches (coccinelle, scripts/coccicheck)
#     report nothing in the C files a series changes that they do not
#     report in the base (coccicheck.sh).
# A series that does not apply alone fails gate 1 and gets none of 3-5
# (each says so). Prints "check: N passed, N failed" and fails on any
# failure. The source tree is left at the "patched" variant.
source "$(dirname "$0")/lib.sh"
STEP=check
mode=${1:-full}
case "$mode" in quick|full) ;; *) die "usage: check.sh [quick|full]" ;; esac
# checkpatch runs scripts/spdxcheck.py with the first python3 on PATH: use
# Debian's, which has python3-ply and python3-git.
export PATH=/usr/bin:$PATH
pass=0 fail=0 skip=0
ok()  { pass=$((pass + 1)); msg "ok: $*"; }
skp() { skip=$((skip + 1)); msg "SKIP: $*"; }
bad() { fail=$((fail + 1)); msg "FAIL: $*"; }
summary() {
	echo "check ($mode): $pass passed, $fail failed$([ "$skip" -gt 0 ] && echo ", $skip skipped")"
	[ "$fail" -eq 0 ]
}

"$TOP/scripts/prepare-tree.sh" >&2
base_repo=$WORK/base-$KVER_SERIES
tmpd=$(mktemp -d)
trap 'rm -rf "$tmpd"' EXIT

# applies LABEL PATCH...: git apply --3way of each PATCH in turn on a
# scratch index holding the base's tree (the base repository's object
# store, no work tree touched). Prints nothing and succeeds when all apply;
# else prints the patch that does not and git's message.
applies() {
	local label=$1 p out
	shift
	local idx=$tmpd/index-$label
	rm -f "$idx"
	GIT_INDEX_FILE=$idx git -C "$base_repo" read-tree "$BASE_TAG"
	for p in "$@"; do
		if ! out=$(GIT_INDEX_FILE=$idx git -C "$base_repo" apply --cached --3way "$p" 2>&1); then
			printf '%s does not apply: %s\n' "${p#"$TOP"/}" "$(grep -E 'error|conflict|patch failed' <<<"$out" | head -n 3 | tr '\n' ' ')"
			return 1
		fi
	done
}

# 1. Each series alone on the base, then the combination.
declare -A alone=()
all=()
for name in $SERIES_NAMES; do
	series_patches "$name"
	alone[$name]=0
	n=${#PATCHES[@]}
	if [ "$n" -eq 0 ]; then
		bad "series $name: no patches (patches/$name/series)"
		continue
	fi
	if [ "$n" -le "$(series_max "$name")" ]; then
		ok "series $name: $n patch(es), at most $(series_max "$name")"
	else
		bad "series $name: $n patches, more than $(series_max "$name")"
	fi
	all+=("${PATCHES[@]}")
	if why=$(applies "$name" "${PATCHES[@]}"); then
		alone[$name]=1
		ok "series $name applies alone to $BASE_TAG ($n patch(es))"
	else
		bad "series $name does not apply alone to $BASE_TAG: $why"
	fi
done
if why=$(applies patched "${all[@]}"); then
	ok "the series apply together to $BASE_TAG ($(echo "$SERIES_NAMES" | sed 's/ /, then /g'): the patched tree)"
else
	bad "the series do not apply together to $BASE_TAG ($(echo "$SERIES_NAMES" | sed 's/ /, then /g')): $why"
fi

# Cover letters as a mail client shows them: no line over 80 columns.
for name in $SERIES_NAMES; do
	body=$TOP/cover-letter/$name/body
	if [ ! -f "$body" ]; then
		bad "cover-letter/$name/body missing (scripts/update-docs.sh writes it)"
	elif wide=$(awk 'length > 80 { print FILENAME ":" FNR ": " length " columns" }' "$body") && [ -n "$wide" ]; then
		printf '%s\n' "$wide" >&2; bad "cover letter of $name: lines over 80 columns"
	else
		ok "cover letter of $name: every line within 80 columns"
	fi
done

# 2. checkpatch on the exported files, as a maintainer would run it (the
# base's checkpatch.pl), and the tool tags.
checkpatch=$base_repo/scripts/checkpatch.pl
for name in $SERIES_NAMES; do
	# shellcheck disable=SC2207
	cpopt=($(checkpatch_ignore "$name"))
	series_patches "$name"
	if [ ${#cpopt[@]} -gt 0 ]; then
		if out=$("$TOP/scripts/maintainers-cover.py" "${PATCHES[@]}" 2>&1); then
			ok "$name: its MAINTAINERS patch covers every file the series adds ($out)"
		else
			printf '%s\n' "$out" >&2; bad "$name: files the series adds that its MAINTAINERS patch does not cover"
		fi
	fi
	for p in "${PATCHES[@]}"; do
		log=$LOGDIR/checkpatch-$name-$(basename "$p" .patch).log
		if perl "$checkpatch" --strict --no-signoff "${cpopt[@]}" -q "$p" >"$log" 2>&1 && [ ! -s "$log" ]; then
			ok "checkpatch --strict ${cpopt[*]} $name/$(basename "$p")"
		else
			cat "$log" >&2; bad "checkpatch --strict $name/$(basename "$p") (log: $log)"
		fi
	done
	# Every patch is tool-assisted: an Assisted-by line and no Signed-off-by
	# (coding-assistants.rst; the sender signs the emails, send-dry.sh).
	[ ${#PATCHES[@]} -gt 0 ] || continue
	tags=$("$TOP/scripts/tool-tags.py" patches "${PATCHES[@]}" 2>&1) || true
	while read -r flag what; do
		case "$flag" in
		PASS) ok "Assisted-by, no Signed-off-by: ${what#"$TOP"/}" ;;
		FAIL) bad "Assisted-by, no Signed-off-by: ${what#"$TOP"/}" ;;
		esac
	done <<<"$tags"
	[ "$(grep -cE '^(PASS|FAIL) ' <<<"$tags")" -eq ${#PATCHES[@]} ] ||
		{ printf '%s\n' "$tags" | tail -n 5 >&2; bad "tool-tags.py reported on $(grep -cE '^(PASS|FAIL) ' <<<"$tags") of ${#PATCHES[@]} patch file(s) of $name"; }
done

if [ "$mode" = quick ]; then
	summary
	exit
fi

# 3. The base: no Debian patch touches a file the series touch, so the
# series apply to the upstream release (check-base.sh; skipped, saying
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

# The patched kernel first: its build directory and whole config are what
# each step of the build-only bisect starts from.
if ! "$TOP/scripts/apply-series.sh" patched >&2; then
	bad "the patched tree cannot be made (apply-series.sh patched): no builds"
	summary
	exit
fi
src=$(tree_dir patched)
ARCH=x86_64 "$TOP/scripts/build-kernel.sh" patched >/dev/null
bdir=$(ARCH=x86_64 guest_build_dir patched)
build_lock
# Each step starts from the guest's whole config: a prefix of a series
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
# diag_of REGEX LOG: the diagnostics of LOG that REGEX matches, without
# line numbers (a file the series changes may have some of its own in the
# base, which a change elsewhere in the file moves): sparse's in those
# files, and W=1's.
diag_of() { { grep -E "$1" "$2" || true; } | sed -E 's/:[0-9]+:[0-9]+:/:/' | sort -u; }
w1_re='^[^ ]*:[0-9]+:[0-9]+: warning:'

for name in $SERIES_NAMES; do
	if [ "${alone[$name]}" != 1 ]; then
		bad "series $name: no b4 check, per-patch builds or coccinelle: it does not apply alone to $BASE_TAG (gate 1)"
		continue
	fi
	# The series alone on the base, in the shared source tree (under the
	# build lock, which this script holds: apply-series.sh must not wait
	# for it).
	"$TOP/scripts/apply-series.sh" "only-$name" >&2 ||
		{ bad "series $name: apply-series.sh only-$name failed"; continue; }
	head=$(git -C "$src" rev-parse HEAD)
	mapfile -t commits < <(git -C "$src" rev-list --reverse "$BASE_TAG..$head")

	# b4 prep --check, as a maintainer's b4 runs it (checkpatch per patch,
	# b4's own options), on the series prepared with b4 (b4-prep.sh).
	if ! b4v=$(b4_ok); then
		skp "$name: b4 prep --check: b4 >= 0.14 not installed (installed: $(b4 --version 2>/dev/null || echo none); scripts/install-deps.sh installs trixie's)"
	else
		log=$LOGDIR/check-b4-$name.log
		mails=$WORK/check-b4-mails/$name
		rm -rf "$mails"
		# One subshell holds the scratch clone's lock from b4 prep to the
		# check and the emails (b4 send -o: nothing is sent).
		if ! ( b4_lock; b4src=$("$TOP/scripts/b4-prep.sh" "$name" "$src" "$head") && cd "$b4src" &&
		       b4 prep -C --check </dev/null && echo "b4 send -o:" &&
		       b4 send -o "$mails" --no-sign </dev/null ) >"$log" 2>&1; then
			tail -n 20 "$log" >&2; bad "$name: b4 $b4v prep --check or send -o did not run (log: $log)"
		else
			n=0
			while read -r flag what; do
				n=$((n + 1))
				if [ "$flag" = success ]; then
					ok "$name: b4 $b4v prep --check: $what"
				else
					bad "$name: b4 $b4v prep --check ($flag): $what (log: $log)"
				fi
			done < <(b4_check_results "$log")
			[ "$n" -eq "${#commits[@]}" ] || bad "$name: b4 prep --check reported $n patch(es), the series has ${#commits[@]} (log: $log)"
			sed -n 's/\x1b\[[0-9;]*m//g; s/^  ● /  /p' "$log" >&2
			# The cover letter b4 mails is cover-letter/NAME/body unchanged
			# (b4 moves lines that look like trailers out of the last paragraph).
			if carried=$("$TOP/scripts/cover-carried.py" "$TOP/cover-letter/$name/body" "$mails"/0000-*.eml); then
				ok "$name: b4 $b4v send -o: the cover letter carries cover-letter/$name/body"
			else
				printf '%s\n' "$carried" >&2
				bad "$name: b4 $b4v send -o: the cover letter does not carry cover-letter/$name/body (emails: $mails)"
			fi
		fi
	fi

	# Build-only bisect of the series on its own base, in the shared source
	# tree and guest build directory, so each step is incremental.
	# The objects of the kernel C files the series changes (tools/ aside; a
	# file under tests/ is #included by the file it tests, not built alone).
	mapfile -t objs < <(git -C "$src" diff --name-only "$BASE_TAG..$head" -- '*.c' ':!tools/' ':!*/tests/*' | sed 's/\.c$/.o/')
	srcs_re=
	for o in "${objs[@]}"; do srcs_re+=${srcs_re:+|}${o%.o}\\.c; done
	sparse_re="^[^ ]*($srcs_re):[0-9]+:[0-9]+: (warning|error)"
	if [ ${#objs[@]} -gt 0 ]; then
		git -C "$src" checkout -q -f --detach "$BASE_TAG"
		config_full
		log=$LOGDIR/check-sparse-$name-base.log
		"${KM[@]}" C=2 "${objs[@]}" >"$log" 2>&1 || true
		base_sparse=$(diag_of "$sparse_re" "$log")
		log=$LOGDIR/check-w1-$name-base.log
		"${KM[@]}" W=1 "${objs[@]}" >"$log" 2>&1 || true
		base_w1=$(diag_of "$w1_re" "$log")
	fi
	i=0
	for c in "${commits[@]}"; do
		i=$((i + 1))
		git -C "$src" checkout -q -f --detach "$c"
		subj=$(git -C "$src" log -1 --format=%s)
		touched=$(git -C "$src" diff --name-only "$c~1" "$c")
		# The kernel is built for a patch that touches more than tools/,
		# MAINTAINERS and Documentation/.
		if grep -qvE '^(tools/|Documentation/|MAINTAINERS$)' <<<"$touched"; then
			config_full
			log=$LOGDIR/check-build-$name-$i.log
			if "${KM[@]}" bzImage >"$log" 2>&1; then
				ok "$name patch $i builds: $subj"
			else
				grep -E 'error' "$log" | head -5 >&2; bad "$name patch $i does not build: $subj (log: $log)"
				continue
			fi
			if [ ${#objs[@]} -gt 0 ]; then
				log=$LOGDIR/check-w1-$name-$i.log
				if ! "${KM[@]}" W=1 "${objs[@]}" >"$log" 2>&1; then
					tail -n 5 "$log" >&2; bad "$name patch $i: make W=1 ${objs[*]} failed (log: $log)"
				elif new=$(comm -13 <(echo "$base_w1") <(diag_of "$w1_re" "$log")) && [ -z "$new" ]; then
					ok "$name patch $i: make W=1 ${objs[*]} adds no warning"
				else
					echo "$new" | head -5 >&2; bad "$name patch $i: new W=1 warnings in ${objs[*]} (log: $log)"
				fi
				log=$LOGDIR/check-sparse-$name-$i.log
				"${KM[@]}" C=2 "${objs[@]}" >"$log" 2>&1 || true
				new=$(comm -13 <(echo "$base_sparse") <(diag_of "$sparse_re" "$log"))
				if grep -q 'not available or not up to date' "$log"; then
					skp "$name patch $i: sparse: ${sparse:-sparse} is too old for this kernel (log: $log)"
				elif [ "$(grep -cE "CHECK .*($srcs_re)\$" "$log")" -ne ${#objs[@]} ]; then
					bad "$name patch $i: sparse did not check each of ${objs[*]} (log: $log)"
				elif [ -z "$new" ]; then
					ok "$name patch $i: sparse adds nothing in ${objs[*]}"
				else
					echo "$new" >&2; bad "$name patch $i: new sparse warnings in ${objs[*]} (log: $log)"
				fi
			fi
		fi
		if grep -q '^tools/testing/selftests/' <<<"$touched"; then
			log=$LOGDIR/check-selftests-$name-$i.log
			if "$TOP/scripts/build-selftests.sh" "only-$name" >"$log" 2>&1; then
				ok "$name patch $i: the pipe selftests build without warnings: $subj"
			else
				tail -n 5 "$log" >&2; bad "$name patch $i: the pipe selftests do not build cleanly: $subj (log: $log)"
			fi
		fi
	done
	git -C "$src" checkout -q -f --detach "$head"

	# Coccinelle on what the series changes, base against its head.
	if ! command -v spatch >/dev/null; then
		bad "$name: coccinelle: spatch not installed (Debian package coccinelle)"
	else
		log=$LOGDIR/check-coccicheck-$name.log
		rc=0
		"$TOP/scripts/coccicheck.sh" "$src" "$BASE_TAG" "$head" >"$log" 2>&1 || rc=$?
		while read -r kind what; do
			case "$kind" in
			PASS) ok "$name: coccinelle: $what" ;;
			FAIL) bad "$name: coccinelle: $what (log: $log)" ;;
			SKIP) skp "$name: coccinelle: $what" ;;
			esac
		done <"$log"
		grep '^    ' "$log" >&2 || true
		if [ "$rc" -ne 0 ] && ! grep -q '^FAIL' "$log"; then
			tail -n 5 "$log" >&2; bad "$name: coccicheck.sh failed (log: $log)"
		fi
	fi
done

# Back to the patched tree and its whole config, as make test expects.
"$TOP/scripts/apply-series.sh" patched >&2 || bad "apply-series.sh patched failed after the per-series gates"
config_full
summary
