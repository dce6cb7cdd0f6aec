#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# test.sh [all]: what "make test" runs (and, with "all", what make test-all
# runs per arch). Installs what is missing, fetches the source, applies the
# two series (patches/pipe_bench/, then patches/pool/), runs the quality
# gates (check.sh), builds the patched guest kernel and the pipe selftests,
# runs the selftests on this machine's own kernel and in the guest (and in
# the debug-flavor guest unless DEBUG=0), and ends with "N passed, N
# failed[, N skipped]" counted from TAP.
#
# Two tiers (docs/testing.md, "Tiers"):
#   make test      CHECK=quick (check.sh quick: the series apply alone and
#                  together, checkpatch, tool tags), host run, plain guest
#                  (KUnit + kselftests), debug guest with the kselftests;
#                  no soak, no KCSAN guest. What a contributor and CI run.
#   test.sh all    CHECK=full (check.sh: every gate, per-patch builds, W=1,
#                  sparse, coccinelle, b4), the debug guest with the soak,
#                  the KCSAN guest (make test-all, which adds arm64).
# CHECK=0|quick|full, DEBUG, KCSAN, SOAK, HOST override either tier.
#
# ARCH=arm64: cross-built guests on QEMU's virt machine, one with 4K and one
# with 64K pages (PAGES="4K 64K" by default; PAGES=4K or PAGES=64K for one).
# The quality gates, the host run and the debug and KCSAN guests are x86-64
# matters there (CHECK, HOST, DEBUG and KCSAN default to 0; DEBUG=1 adds an
# arm64 debug guest with 4K pages, KCSAN=1 an arm64 KCSAN guest, untested).
# Both from scripts/arch/ARCH.sh: a guest per page size of ARCH_PAGE_SIZES
# (PAGES picks among them where there are several and is ignored where there
# is one, so that make test-all PAGES=64K runs x86-64 as usual), and the
# four settings default to ARCH_TEST_FULL (KCSAN and the soak only in the
# "all" tier).
source "$(dirname "$0")/lib.sh"
STEP="test"
arch=${ARCH:-x86_64}
variant=${VARIANT:-patched}
load_arch "$arch"
pages=$ARCH_PAGE_SIZES
[ "$pages" = "${pages%% *}" ] || pages=${PAGES:-$pages}
tier=${1:-test}
case "$tier" in test|all) ;; *) die "usage: test.sh [all]" ;; esac
def=$ARCH_TEST_FULL
if [ "$tier" = all ]; then
	gates=full full=$def
else
	gates=quick full=0
fi
[ "$def" = 1 ] || gates=0
CHECK=${CHECK:-$gates} HOST=${HOST:-$def} DEBUG=${DEBUG:-$def} KCSAN=${KCSAN:-$full}
case "$CHECK" in 0|quick|full) ;; 1) CHECK=full ;; *) die "CHECK must be 0, quick or full, not '$CHECK'" ;; esac
# The soak (docs/soak.md) runs in the debug guest after the selftests, for
# SOAK_SECONDS of guest time (default 180 here, 240 in make soak), on a
# guest of the build machine's arch only: stress-ng is staged into the test
# image from this machine's packages (make-initramfs.sh). In the "all"
# tier only, unless SOAK=1.
SOAK=${SOAK:-$full}
arch_is_host || SOAK=0
soak_secs=${SOAK_SECONDS:-180}
case "$soak_secs" in ''|*[!0-9]*) die "SOAK_SECONDS must be a number of seconds, not '$soak_secs'" ;; esac
[ "$SOAK" = 0 ] || [ "$soak_secs" -ge 120 ] || die "SOAK_SECONDS must be at least 120 (see docs/soak.md)"
t0=$(date +%s)
"$TOP/scripts/install-deps.sh"
# The harness's own tests first: seconds, and a parser bug shows up here,
# not after the guests.
"$TOP/scripts/selfcheck.py" || die "make selfcheck failed (see above)"

outs=()
"$TOP/scripts/apply-series.sh" "$variant"
if [ "$CHECK" != 0 ] && [ "$variant" = patched ]; then
	[ "$arch" = x86_64 ] || [ "$CHECK" = quick ] || die "the full quality gates (check.sh) build x86-64: run them with ARCH=x86_64"
	"$TOP/scripts/check.sh" "$CHECK" || die "quality gates ($CHECK) failed (see above)"
fi

# The selftests are the series' (its selftests/pipe patches), also on the
# base kernel, whose tree has only the old pipe_bench: SELFTESTS=VARIANT
# builds them from another tree. The install directory outlives the shared source tree.
kvariant=${SELFTESTS:-patched}
if [ "$kvariant" != "$variant" ]; then
	"$TOP/scripts/apply-series.sh" "$kvariant"
	kst=$("$TOP/scripts/build-selftests.sh" "$kvariant")
	"$TOP/scripts/apply-series.sh" "$variant"
else
	kst=$("$TOP/scripts/build-selftests.sh" "$variant")
fi

# The same tests on the build machine's kernel: harness bugs show up here
# without a guest. Only the functional tests; the bench needs a quiet machine.
# Only when the selftests are built for this machine's arch.
if arch_is_host && [ "$HOST" = 1 ]; then
	hout=$LOGDIR/host-$variant.out
	# Through a pipe: the runner reopens /dev/stdout for the tests' output,
	# which keeps its order only when stdout is a pipe, not a file.
	( cd "$kst" && ./run_kselftest.sh -t pipe:pipe_buffers ) 2>&1 | cat >"$hout" || true
	grep -q '^ok\|^not ok' "$hout" && outs+=("$hout")
	msg "host kernel $(uname -r): $(python3 "$TOP/scripts/tap-count.py" "$hout" | tail -1)"
fi

job=$WORK/job-test.sh
cat >"$job" <<'EOT'
./run_kselftest.sh
EOT
# A guest per page size: the arch's default one (the first of
# ARCH_PAGE_SIZES) is the plain guest, another one is the flavor of that
# name (64K: configs/64k.config).
flavors=()
for pg in $pages; do
	pg=${pg^^}
	case " $ARCH_PAGE_SIZES " in
	*" $pg "*) ;;
	*)	die "PAGES must be among $ARCH_PAGE_SIZES on $arch, not $pg" ;;
	esac
	if [ "$pg" = "${ARCH_PAGE_SIZES%% *}" ]; then
		flavors+=(guest)
	else
		flavors+=("${pg,,}")
	fi
done
[ "$DEBUG" = 1 ] && flavors+=(debug)
[ "$KCSAN" = 1 ] && flavors+=(kcsan)
initrd=$WORK/initramfs-test-$arch.cpio.gz
"$TOP/scripts/make-initramfs.sh" "$initrd" "$kst" "$job"
# The debug guest's image: the selftests, then the soak.
if [ "$SOAK" = 1 ] && [ "$DEBUG" = 1 ]; then
	soak_dir=$("$TOP/scripts/soak.sh" stage "$kst" "$WORK/soak-test-stage-$arch")
	soak_job=$WORK/job-test-soak.sh
	printf '%s\n' ./run_kselftest.sh "sh /kselftest/soak/soak-guest.sh $soak_secs" >"$soak_job"
	soak_initrd=$WORK/initramfs-test-soak-$arch.cpio.gz
	"$TOP/scripts/make-initramfs.sh" "$soak_initrd" "$soak_dir" "$soak_job"
fi
for fl in "${flavors[@]}"; do
	t1=$(date +%s)
	if [ "$fl" = guest ]; then
		img=$("$TOP/scripts/build-kernel.sh" "$variant")
	else
		img=$("$TOP/scripts/build-kernel.sh" "$variant" "$fl")
	fi
	t2=$(date +%s)
	name=test-$arch-$fl-$variant
	if [ "$fl" = debug ] && [ "$SOAK" = 1 ]; then
		# Boot, the checks after the soak and its watchdog come on top.
		TIMEOUT=${TIMEOUT:-$((1800 + soak_secs + 900))} \
			"$TOP/scripts/run-guest.sh" "$img" "$soak_initrd" "$name"
	else
		"$TOP/scripts/run-guest.sh" "$img" "$initrd" "$name"
	fi
	outs+=("$LOGDIR/$name.out" "$LOGDIR/$name.console.log")
	msg "$name: kernel $((t2 - t1))s (with any wait for the build lock), guest $(( $(date +%s) - t2 ))s," \
	    "$(python3 "$TOP/scripts/tap-count.py" "$LOGDIR/$name.out" "$LOGDIR/$name.console.log" | tail -1)"
	# The series' KUnit suite ran at boot; its KTAP is on the console.
	if grep -q '^CONFIG_PIPE_KUNIT_TEST=y' "$img.config"; then
		grep -Eq '^(\[ *[0-9.]+\] )?(not )?ok [0-9]+ pipe_pool' "$LOGDIR/$name.console.log" ||
			die "KUnit suite pipe_pool did not report on the console of $name"
	fi
done

msg "done in $(( $(date +%s) - t0 ))s (tier $tier: CHECK=$CHECK HOST=$HOST DEBUG=$DEBUG SOAK=$SOAK KCSAN=$KCSAN)"
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
		# Words an LKML reader understands: what kernel, what it checks;
		# the config fragments are named in docs/testing.md.
		host-*) d="the build machine's own kernel $(uname -r), pipe_buffers alone (its memcg tests skip where cgroup2 has no memory controller)" ;;
		*-debug-*) d="Linux $k, a debug kernel (KASAN, PROVE_LOCKING, DEBUG_VM, DEBUG_ATOMIC_SLEEP)"
			[ "$SOAK" = 1 ] && d="$d, then ${soak_secs}s of stress-ng pipe stressors, F_SETPIPE_SZ and FIFO opens under fail_page_alloc" ;;
		*-kcsan-*) d="Linux $k, a KCSAN kernel (no data race reported in pipe code)" ;;
		*)	# A page-size guest: the page size is said when the arch has more than one.
			fl=${n#test-"$arch"-}; fl=${fl%-"$variant"}
			d="Linux $k, a minimal guest kernel (tinyconfig and what the tests need)"
			pg=${ARCH_PAGE_SIZES%% *}
			[ "$fl" = guest ] || pg=${fl^^}
			[ "$ARCH_PAGE_SIZES" = "${ARCH_PAGE_SIZES%% *}" ] || d="$d, $pg pages" ;;
		esac
		echo "- $arch $d: $c"
	done
} >"$WORK/test-matrix.md"
# The default ARCH's matrix is results/test-matrix.md, another arch's has
# its name (a harness convention, not an arch fact: update-docs.sh reads both).
if [ "$variant" = patched ]; then
	matrix=test-matrix-$arch.md
	[ "$arch" = x86_64 ] && matrix=test-matrix.md
	cp "$WORK/test-matrix.md" "$TOP/results/$matrix"
fi
python3 "$TOP/scripts/tap-count.py" "${outs[@]}"
