#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# mutants.sh: what "make mutants" runs. For each mutant of scripts/mutants.py
# (MUTANTS: some of them), builds the patched guest kernel with that one
# change to fs/pipe.c (apply-series.sh mutant-NAME; the KUnit build
# directory, so each build is incremental), boots it with nothing to run
# but the KUnit suite pipe_pool at boot, and writes results/mutants-STAMP.md:
# which cases failed on each mutant. Fails when a mutant survives. The
# tree is left at the patched variant.
#   MUTANTS  [all of mutants.py list] the mutants to run
source "$(dirname "$0")/lib.sh"
STEP=mutants
"$TOP/scripts/install-deps.sh"
names=${MUTANTS:-$(python3 "$TOP/scripts/mutants.py" list | cut -f1)}
[ "${KUNIT:-1}" = 1 ] || die "make mutants runs the KUnit suite: not with KUNIT=0"
stamp=$(date -u +%Y%m%dT%H%M%SZ)
dir=$TOP/results/mutants-$stamp
mkdir -p "$dir" "$WORK/mutants-empty"
# An image without selftests (make-initramfs.sh wants a kselftest install).
printf '#!/bin/sh\nexit 0\n' >"$WORK/mutants-empty/run_kselftest.sh"
chmod +x "$WORK/mutants-empty/run_kselftest.sh"
job=$WORK/job-mutants.sh
echo 'echo "# nothing but the KUnit suite at boot"' >"$job"
initrd=$WORK/initramfs-mutants.cpio.gz
"$TOP/scripts/make-initramfs.sh" "$initrd" "$WORK/mutants-empty" "$job"
t0=$(date +%s)
cons=()
for n in $names; do
	"$TOP/scripts/apply-series.sh" "mutant-$n"
	img=$("$TOP/scripts/build-kernel.sh" "mutant-$n")
	# A mutant may also warn or oops: what counts is the suite's verdict.
	TIMEOUT=${TIMEOUT:-900} "$TOP/scripts/run-guest.sh" "$img" "$initrd" "mutant-$n" ||
		msg "mutant $n: the guest run failed too (see $LOGDIR/mutant-$n.console.log)"
	cp "$LOGDIR/mutant-$n.console.log" "$dir/mutant-$n.console.log"
	cons+=("$dir/mutant-$n.console.log")
done
"$TOP/scripts/apply-series.sh" patched
rc=0
python3 "$TOP/scripts/mutants.py" report "${cons[@]}" >"$dir.md" || rc=$?
cat "$dir.md"
msg "done in $(( $(date +%s) - t0 ))s: $dir.md"
[ $rc = 0 ] || die "a mutant survived or a guest gave no result (see $dir.md)"
