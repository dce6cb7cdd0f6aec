#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# test.sh: what "make test" runs. Installs what is missing, fetches the
# source, applies patches/, runs the quality gates (check.sh), builds the
# patched guest kernel and the pipe selftests, runs the selftests on this
# machine's own kernel and in the guest (and in the debug-flavor guest unless
# DEBUG=0), and ends with "N passed, N failed[, N skipped]" counted from TAP.
source "$(dirname "$0")/lib.sh"
STEP=test
arch=${ARCH:-x86_64}
variant=${VARIANT:-patched}
t0=$(date +%s)
"$TOP/scripts/install-deps.sh"

outs=()
"$TOP/scripts/apply-series.sh" "$variant"
if [ "${CHECK:-1}" = 1 ] && [ "$variant" = patched ]; then
	"$TOP/scripts/check.sh" || die "quality gates failed (see above)"
fi

kst=$("$TOP/scripts/build-selftests.sh" "$variant")

# The same tests on the build machine's kernel: harness bugs show up here
# without a guest. Only the functional tests; the bench needs a quiet machine.
if [ "$arch" = x86_64 ] && [ "${HOST:-1}" = 1 ]; then
	hout=$LOGDIR/host-$variant.out
	# Through a pipe: the runner reopens /dev/stdout for the tests' output,
	# which keeps its order only when stdout is a pipe, not a file.
	( cd "$kst" && ./run_kselftest.sh -t pipe:pipe_pool_test ) 2>&1 | cat >"$hout" || true
	grep -q '^ok\|^not ok' "$hout" && outs+=("$hout")
	msg "host kernel $(uname -r): $(python3 "$TOP/scripts/tap-count.py" "$hout" | tail -1)"
fi

job=$WORK/job-test.sh
cat >"$job" <<'EOT'
./run_kselftest.sh
EOT
flavors=(guest)
[ "${DEBUG:-1}" = 1 ] && flavors+=(debug)
[ "${KCSAN:-1}" = 1 ] && flavors+=(kcsan)
for fl in "${flavors[@]}"; do
	if [ "$fl" = guest ]; then
		img=$("$TOP/scripts/build-kernel.sh" "$variant")
	else
		img=$("$TOP/scripts/build-kernel.sh" "$variant" "$fl")
	fi
	initrd=$WORK/initramfs-test-$arch.cpio.gz
	"$TOP/scripts/make-initramfs.sh" "$initrd" "$kst" "$job"
	name=test-$arch-$fl-$variant
	"$TOP/scripts/run-guest.sh" "$img" "$initrd" "$name"
	outs+=("$LOGDIR/$name.out" "$LOGDIR/$name.console.log")
	# The series' KUnit suite ran at boot; its KTAP is on the console.
	if grep -q '^CONFIG_PIPE_KUNIT_TEST=y' "$img.config"; then
		grep -Eq '^(\[ *[0-9.]+\] )?(not )?ok [0-9]+ pipe_pool' "$LOGDIR/$name.console.log" ||
			die "KUnit suite pipe_pool did not report on the console of $name"
	fi
done

msg "done in $(( $(date +%s) - t0 ))s"
# One line per run for the cover letter's test matrix.
{
	for o in "${outs[@]}"; do
		case "$o" in *.console.log) continue ;; esac
		n=$(basename "$o" .out)
		k=$(sed -n 's/^PIPEPOOL-GUEST: kernel=\([^ ]*\).*/\1/p' "$o" | head -1)
		con=${o%.out}.console.log
		[ -f "$con" ] || con=
		c=$(python3 "$TOP/scripts/tap-count.py" "$o" $con | tail -1)
		case "$n" in
		host-*) d="build machine's own kernel $(uname -r), pipe_pool_test" ;;
		*-debug-*) d="Linux $k guest, debug.config (KASAN, PROVE_LOCKING, DEBUG_VM, DEBUG_ATOMIC_SLEEP)" ;;
		*-kcsan-*) d="Linux $k guest, kcsan.config (KCSAN, no data race reported in pipe code)" ;;
		*) d="Linux $k guest, tinyconfig + guest.config" ;;
		esac
		echo "- $arch $d: $c"
	done
} >"$WORK/test-matrix.md"
[ "$variant" = patched ] && [ "$arch" = x86_64 ] && cp "$WORK/test-matrix.md" "$TOP/results/test-matrix.md"
python3 "$TOP/scripts/tap-count.py" "${outs[@]}"
