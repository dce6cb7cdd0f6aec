#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# vcpu-study.sh: how the ratios depend on the guest's vCPU count and clock.
# Runs bench.sh on the 64 KiB writers x readers grid without pressure
# (KERNELS, default "base patched"; ROUNDS, default 3) with VCPUS=2 and
# VCPUS=4, each in both clocks, then update-docs.sh writes results/vcpus.md.
# Under icount QEMU runs all vCPUs round-robin in one host thread; under
# realtime (multi-threaded TCG) 4 vCPUs share the host's cores.
source "$(dirname "$0")/lib.sh"
STEP=vcpu-study
for v in ${STUDY_VCPUS:-2 4}; do
	KERNELS=${KERNELS:-base patched} PRESSURE=none EXTRA_SIZES="" ROUNDS=${ROUNDS:-3} \
		CLOCKS="icount realtime" VCPUS=$v TAG=vcpus$v PLOTS=0 "$TOP/scripts/bench.sh" >/dev/null
done
"$TOP/scripts/update-docs.sh"
