# SPDX-License-Identifier: GPL-2.0
# Front door of the pipe page pool series harness. Each target is one
# script under scripts/; see README.md and docs/harness.md.

SHELL := /bin/bash
ARCH ?= x86_64
export ARCH

# Every setting the scripts read (docs/harness.md says what each does).
# A variable given on make's command line that is not listed here is an
# error, so that a typo ("make test DEBGU=0") stops the run instead of
# being ignored. A script that reads a new setting adds it here.
KNOWN_SETTINGS := \
    ARCH VARIANT PAGES SELFTESTS KVER_SERIES CHECK HOST DEBUG KCSAN KUNIT \
    REBUILD NO_CCACHE CC CROSS_COMPILE VCPUS MEM TIMEOUT ACCEL CLOCK APPEND \
    BUSYBOX SPARSE COCCI_JOBS \
    KERNELS QUICK PRESSURE CLOCKS ROUNDS DURATION JOBS QUIET_WAIT LOCKSTAT \
    TAG BENCH_ARGS PLOTS GRID_W GRID_R GRID_SIZE EXTRA_CELLS EXTRA_SIZES PP_SIZES \
    SUITE PEERS_SECONDS PERF_LOOPS HACKBENCH_LOOPS PIPELINE_MIB \
    MUTANTS STUDY_VCPUS ARCHS SOAK SOAK_SECONDS SOAK_IMAGE FRESH_KEEP FRESH_ROOT FRESH_SUITE \
    EXPORT_DIR EXPORT_SRC SEND_DIR B4_NAME B4_EMAIL SIGNOFF \
    HW_CONFIG HW_DEBIAN_FLAVOUR HW_DEBUG_INFO HW_FRAGMENTS HW_JOBS HW_KUNIT \
    HW_LOCALVERSION \
    PIPEPOOL_CACHE PIPEPOOL_SUITES PIPEPOOL_PKG_VERSION PIPEPOOL_B4_SUITES \
    PIPEPOOL_FOREIGN_SUITE WORK LOGDIR
unknown := $(filter-out $(KNOWN_SETTINGS),$(foreach v,$(.VARIABLES),$(if $(filter command line,$(origin $(v))),$(v))))
ifneq ($(unknown),)
$(error unknown setting(s) on the command line: $(unknown) ("make help" lists the known ones))
endif

.PHONY: help test test-all soak bench defects mutants tree export check selfcheck clean fetch kernel send-dry hw-package hw-kernel hw-config hw-selftests fresh-machine

help:
	@echo "make test     the contributor's and CI's tier: selfcheck, the cheap gates (both series apply alone and together,"
	@echo "              checkpatch, tool tags), host run, plain guest (KUnit + pipe kselftests), debug guest (kselftests)"
	@echo "make test ARCH=arm64   the same on cross-built arm64 guests, 4K and 64K pages (PAGES=4K|64K for one)"
	@echo "make check    every quality gate of both series: apply, checkpatch, tool tags, b4 prep --check, base,"
	@echo "              per-patch builds of each series on the base, W=1, sparse, coccinelle"
	@echo "make test-all  everything: make check's gates, host, guest, debug guest with the soak, KCSAN guest (x86-64),"
	@echo "              then the arm64 4K and 64K guests"
	@echo "make fresh-machine  make test in a minimal Debian bookworm root (debootstrap): every install step proven (needs root)"
	@echo "make soak     the pipe soak in the debug guest: stress-ng, F_SETPIPE_SZ, FIFO opens, fail_page_alloc, memcg leak check"
	@echo "              (SOAK_SECONDS of guest time, default 240; VARIANT=patched|base)"
	@echo "make bench    pipe_bench: base (7.3) vs patched vs v72 (7.2), icount and realtime clocks (QUICK=1: one round, icount, ~25 min from scratch;"
	@echo "              LOCKSTAT=1: pipe->mutex lock statistics; KERNELS, PRESSURE, CLOCKS, ROUNDS, DURATION, VCPUS, JOBS)"
	@echo "make defects  issue 30's defects on 7.3, series v4 (from this repository's history) and v5: pipe_buffers and"
	@echo "              the defects' workloads (scripts/defect-probes.c) in icount guests, a table (KERNELS, ROUNDS, JOBS)"
	@echo "make mutants  the KUnit suite on small wrong versions of the pool (scripts/mutants.py): each must fail a case (MUTANTS)"
	@echo "make tree     linux/: base commit + patches/pool/ on branch pipe-pool, + patches/pipe_bench/ on pipe-bench"
	@echo "make export   regenerate patches/pool/ and patches/pipe_bench/ from linux/'s two branches"
	@echo "make selfcheck  the harness's own tests: parsers and reports on recorded fixtures, shellcheck, pyflakes (seconds, no root)"
	@echo "make send-dry SIGNOFF=yes  b4: linux/'s two series as two threads in work/send-dry/NAME/, From: and signed off by you (git config user.name/email"
	@echo "              or B4_NAME/B4_EMAIL), who certify the DCO; To/Cc from get_maintainer.pl; nothing sent; refuses without SIGNOFF=yes"
	@echo "make hw-package  Debian packages of the kernel (bindeb-pkg, distro config HW_CONFIG) + pipe kselftest tarball for real hardware"
	@echo "                 (VARIANT=patched|base, ARCH=x86_64|arm64; hw-kernel, hw-selftests, hw-config: one part)"
	@echo "make clean    remove build/ and work/ (keeps linux/ and the download cache)"
	@echo "Settings (VAR=value on the command line; any other variable there is an error; see docs/harness.md):"
	@echo "$(KNOWN_SETTINGS)" | fold -s -w 76 | sed 's/^/  /'

test:
	@scripts/test.sh

test-all:
	@scripts/test-all.sh

soak:
	@scripts/soak.sh

fresh-machine:
	@scripts/fresh-machine.sh

bench:
	@scripts/bench.sh

defects:
	@scripts/defects.sh

mutants:
	@scripts/mutants.sh

tree:
	@scripts/tree.sh

export:
	@scripts/export.sh

check:
	@scripts/install-deps.sh && scripts/check.sh

selfcheck:
	@scripts/selfcheck.py

send-dry:
	@scripts/install-deps.sh && scripts/send-dry.sh

hw-package:
	@scripts/hw-package.sh all

hw-kernel:
	@scripts/hw-package.sh kernel

hw-config:
	@scripts/hw-package.sh config

hw-selftests:
	@scripts/hw-package.sh selftests

fetch:
	@scripts/fetch-source.sh

clean:
	rm -rf build work
