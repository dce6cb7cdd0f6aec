# SPDX-License-Identifier: GPL-2.0
# Front door of the pipe page pool series harness. Each target is one
# script under scripts/; see README.md.

SHELL := /bin/bash
ARCH ?= x86_64
export ARCH

.PHONY: help test test-all bench tree export check clean fetch kernel send-dry hw-package hw-kernel hw-config hw-selftests fresh-machine

help:
	@echo "make test     build Linux $(or $(KVER_SERIES),7.3) + patches/, run the pipe kselftests in a guest, run the quality gates"
	@echo "make test ARCH=arm64   the same on cross-built arm64 guests, 4K and 64K pages (PAGES=4K|64K for one)"
	@echo "make test-all  make test on x86-64, then on arm64 (4K and 64K pages)"
	@echo "make bench    pipe_bench: base vs patched vs v72 (Linux 7.2), icount and realtime clocks (QUICK=1: one round, icount, < 15 min;"
	@echo "              LOCKSTAT=1: pipe->mutex lock statistics; KERNELS, PRESSURE, CLOCKS, ROUNDS, DURATION, VCPUS, JOBS)"
	@echo "make tree     linux/: base commit + patches/ on branch pipe-pool, for editing"
	@echo "make export   regenerate patches/ from linux/"
	@echo "make check    patches apply, checkpatch --strict, b4 prep --check, per-patch build, W=1, sparse"
	@echo "make send-dry b4: linux/'s series as emails in work/send-dry/ (To/Cc from get_maintainer.pl), nothing sent; git am check"
	@echo "make hw-package  Debian packages of the kernel (bindeb-pkg, distro config HW_CONFIG) + pipe kselftest tarball for real hardware"
	@echo "                 (VARIANT=patched|base, ARCH=x86_64|arm64; hw-kernel, hw-selftests, hw-config: one part)"
	@echo "make clean    remove build/ and work/ (keeps linux/ and the download cache)"

test:
	@scripts/test.sh

test-all:
	@scripts/test-all.sh

fresh-machine:
	@scripts/fresh-machine.sh

bench:
	@scripts/bench.sh

tree:
	@scripts/tree.sh

export:
	@scripts/export.sh

check:
	@scripts/install-deps.sh && scripts/check.sh

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
