#!/bin/bash
# arm64 4K hybrid: 7.3 with 7.2's fs/pipe.c and pipe_fs_i.h (src as prepared), bench .config
set -e
cfg=/work/main/build/images/arm64-guest-patched-17b7894decf6-682e049c585c.img.config
wt=/work/dev/vms/src; o=/work/dev/vms/build
mkdir -p $o; cp $cfg $o/.config
export CCACHE_DIR=/root/.cache/pipepool/ccache
exec 9>/root/.cache/pipepool/build.lock; flock 9
make -s -C $wt O=$o ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu- CC="ccache aarch64-linux-gnu-gcc" olddefconfig >/dev/null
make -s -C $wt O=$o ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu- CC="ccache aarch64-linux-gnu-gcc" -j2 Image >$o.log 2>&1
cp $o/arch/arm64/boot/Image /work/dev/vms/Image-h72
echo /work/dev/vms/Image-h72
