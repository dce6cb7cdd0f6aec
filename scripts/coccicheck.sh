#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# coccicheck.sh SRC BASE HEAD: the kernel's own semantic patches on what the
# series changes, as a gate. For every C file of the kernel that HEAD
# changes against BASE (git diff --name-only, *.c outside tools/, scripts/
# and Documentation/), run each semantic patch of SRC/scripts/coccinelle
# that has a report mode, through the kernel's scripts/coccicheck in its
# one-file mode (C=1, COCCI=one .cocci at a time, MODE=report), once with
# SRC checked out at BASE and once at HEAD; SRC is left at HEAD.
#
# Reports are compared without line and column numbers ("fs/pipe.c:12:5-9:
# msg" and "... on line 34" become "fs/pipe.c: msg" and "... on line N"),
# counting repeats: a report HEAD has more often than BASE is new.
# Prints one line per file, "PASS FILE: ..." or "FAIL FILE: ..." followed by
# its new reports, and "SKIP COCCI: reason" for a semantic patch that does
# not run on either tree (spatch too old for it, or OCaml rules without
# ocaml-nox); exits 1 on a new report or on a semantic patch that runs on
# BASE and fails on HEAD.
#
# spatch is started once per semantic patch and file: COCCI_JOBS (default:
# host cores) run at once. BASE's reports are cached in the download cache,
# keyed by BASE's commit, the file, the semantic patches and spatch's
# version, so a second run only checks HEAD. The caller must own SRC's
# checkout (check.sh holds the build lock). Includes: SRC's include/ and
# arch/x86/include (no generated headers: spatch does not need them, and
# both trees are read alike).
source "$(dirname "$0")/lib.sh"
STEP=coccicheck
src=${1:?usage: coccicheck.sh SRC BASE HEAD}
base=$(git -C "$src" rev-parse --verify "${2:?}^{commit}")
head=$(git -C "$src" rev-parse --verify "${3:?}^{commit}")
jobs=${COCCI_JOBS:-$(nproc_host)}
command -v spatch >/dev/null || die "spatch not found (Debian package coccinelle)"
spv=$(spatch --version | head -n 1)

mapfile -t files < <(git -C "$src" diff --name-only --diff-filter=AMR "$base" "$head" -- '*.c' \
	':!tools/' ':!scripts/' ':!Documentation/' ':!samples/')
if [ ${#files[@]} -eq 0 ]; then
	echo "PASS (no C file of the kernel changed)"
	exit 0
fi
# The semantic patches with a report mode, as scripts/coccicheck chooses them.
mapfile -t coccis < <(cd "$src" && find scripts/coccinelle -name '*.cocci' -exec grep -l 'virtual[[:space:]]\+report' {} + | sort)
[ ${#coccis[@]} -gt 0 ] || die "no semantic patch with a report mode in $src/scripts/coccinelle"
ckey=$(cd "$src" && cat "${coccis[@]}" scripts/coccicheck | sha256sum | cut -c1-12)

# normalize: the report lines of FILE, without positions.
normalize() {
	local f=$1
	grep -F "$f:" | grep -E "^(\./)?$f:[0-9]" |
		sed -E "s#^(\./)?$f:[0-9]+(:[0-9]+(-[0-9]+)?)?:#$f:#; s/line [0-9]+/line N/g" | sort || true
}

# run_tree DIR: every semantic patch on every file of SRC's checkout, one
# output file per (semantic patch, file) in DIR, "rc=N" on its last line.
run_tree() {
	local dir=$1 c f i=0 out
	mkdir -p "$dir"
	for f in "${files[@]}"; do
		for c in "${coccis[@]}"; do
			i=$((i + 1))
			out=$dir/$(echo "$f" | tr / _)--$(basename "$c" .cocci).log
			(
				cd "$src" &&
				srctree=. srcroot=. MODE=report C=1 COCCI=./$c DEBUG_FILE=/dev/null V=0 SPFLAGS='' \
				LINUXINCLUDE="-Iarch/x86/include -Iarch/x86/include/uapi -Iinclude -Iinclude/uapi" \
				bash scripts/coccicheck "$f" >"$out" 2>&1
				echo "rc=$?" >>"$out"
			) &
			if [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; then
				wait -n || true
			fi
		done
	done
	wait
}

checkout() { git -C "$src" checkout -q -f --detach "$1"; }
tmp=$(mktemp -d "$WORK/coccicheck.XXXXXX")
trap 'checkout "$head"; rm -rf "$tmp"' EXIT
t0=$(date +%s)
bdir=$CACHE/coccicheck/$(echo "$base $ckey $spv ${files[*]}" | sha256sum | cut -c1-16)
if [ -d "$bdir" ]; then
	msg "base reports from the cache ($bdir)"
else
	msg "base: ${#coccis[@]} semantic patches x ${#files[@]} file(s), $jobs at a time"
	checkout "$base"
	run_tree "$tmp/base"
	mkdir -p "$(dirname "$bdir")"
	mv "$tmp/base" "$bdir"
fi
t1=$(date +%s)
msg "head: ${#coccis[@]} semantic patches x ${#files[@]} file(s), $jobs at a time"
checkout "$head"
run_tree "$tmp/head"
t2=$(date +%s)
msg "$spv: base $((t1 - t0))s, head $((t2 - t1))s"

fail=0
declare -A skipped=()
for f in "${files[@]}"; do
	new=() broken=()
	for c in "${coccis[@]}"; do
		log=$(echo "$f" | tr / _)--$(basename "$c" .cocci).log
		brc=$(tail -n 1 "$bdir/$log"); hrc=$(tail -n 1 "$tmp/head/$log")
		if [ "$hrc" != rc=0 ] || grep -q '^Skipping coccinelle SmPL patch' "$tmp/head/$log"; then
			if [ "$brc" != rc=0 ] || grep -q '^Skipping coccinelle SmPL patch' "$bdir/$log"; then
				why=$(grep -m1 -E 'Skipping|requires|OCaml|rror' "$tmp/head/$log" || tail -n 2 "$tmp/head/$log" | head -n 1)
				skipped[$c]=$why
			else
				broken+=("$c (runs on base, fails here: $tmp/head/$log)")
			fi
			continue
		fi
		mapfile -t d < <(comm -13 <(normalize "$f" <"$bdir/$log") <(normalize "$f" <"$tmp/head/$log"))
		for l in "${d[@]}"; do
			[ -n "$l" ] && new+=("$l ($c)")
		done
	done
	if [ ${#new[@]} -eq 0 ] && [ ${#broken[@]} -eq 0 ]; then
		echo "PASS $f: no report that base does not have (${#coccis[@]} semantic patches)"
	else
		fail=1
		echo "FAIL $f: ${#new[@]} new report(s), ${#broken[@]} semantic patch(es) failing"
		printf '    %s\n' "${new[@]}" "${broken[@]}" | grep -v '^    $'
		# Keep the logs of a failure.
		trap 'checkout "$head"' EXIT
		msg "logs: $tmp/head (base: $bdir)"
	fi
done
for c in "${!skipped[@]}"; do
	echo "SKIP $c: ${skipped[$c]}"
done
exit $fail
