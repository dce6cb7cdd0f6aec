#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# install-deps.sh: install the Debian packages the harness needs.
source "$(dirname "$0")/lib.sh"
STEP=deps
pkgs=(gcc make flex bison bc libelf-dev libssl-dev cpio xz-utils gzip git perl python3
      ccache sparse qemu-system-x86 busybox-static stress-ng python3-ply python3-git)
case "${ARCH:-x86_64}" in
arm64) pkgs+=(gcc-aarch64-linux-gnu qemu-system-arm) ;;
esac
[ "${PLOTS:-0}" = 1 ] && pkgs+=(python3-matplotlib)
need_pkgs "${pkgs[@]}"
