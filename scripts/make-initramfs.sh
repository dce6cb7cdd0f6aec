#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make-initramfs.sh OUT KSELFTEST_DIR JOB_SCRIPT: write a gzip'ed cpio
# initramfs holding busybox (Debian busybox-static), stress-ng (x86-64;
# with STAGE_PERF=1 also perf and hackbench, and on arm64 all three, from
# Debian's arm64 packages: fetch-foreign-tools.sh) with their shared
# libraries, the
# installed kselftests under /kselftest and JOB_SCRIPT as /job.sh. /init
# mounts the pseudo filesystems, runs the job with its output on the
# results channel and powers the guest off. The kernel console stays on
# the first serial port.
# The results channel is the device named by "pipepool.out=DEV" on the
# kernel command line (run-guest.sh sets it: ttyS1, the second serial port,
# on x86-64; hvc0, a virtio console, on arm64's virt machine, which has one
# PL011), ttyS1 without it. The image is the same for every machine of an
# arch; only busybox, stress-ng and perf depend on the arch. EXTRA_BINS:
# static programs of the guest's arch to add to /usr/bin (build_helper).
source "$(dirname "$0")/lib.sh"
STEP=initramfs
out=${1:?usage: make-initramfs.sh OUT KSELFTEST_DIR JOB_SCRIPT}
kst=${2:?}
job=${3:?}
arch=${ARCH:-x86_64}
load_arch "$arch"
[ -x "$kst/run_kselftest.sh" ] || die "no kselftest install at $kst"

root=$(mktemp -d "$WORK/initramfs.XXXXXX")
trap 'rm -rf "$root"' EXIT
mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,proc,sys,dev,tmp,run,etc,lib,root}

bb=${BUSYBOX:-$("$TOP/scripts/fetch-busybox.sh" "$arch")}
[ -x "$bb" ] || die "busybox not found: $bb"
cp "$bb" "$root/bin/busybox"

# stage_bin PATH: a host binary and its shared libraries, at the same paths
# (same-arch guests only).
stage_bin() {
	cp "$1" "$root/usr/bin/$(basename "$1")"
	ldd "$1" | awk '/=>/ { print $3 } /^\t\/.*ld-linux/ { print $1 }' | while read -r l; do
		[ -f "$l" ] || continue
		mkdir -p "$root$(dirname "$l")"
		cp -L "$l" "$root$l"
	done
	# The dynamic loader is looked up by its canonical path.
	[ -e "$root/lib64" ] || ln -s lib "$root/lib64"
	mkdir -p "$root/lib64"
	cp -L /lib64/ld-linux-x86-64.so.2 "$root/lib64/" 2>/dev/null || true
}

# in_root DIR PATH: PATH as found in the unpacked packages under DIR, its
# symbolic links followed inside DIR (an absolute link target names a path
# of the guest, not of this machine).
in_root() {
	local d=$1 p=$2 t i
	for ((i = 0; i < 40; i++)); do
		[ -L "$d$p" ] || { echo "$d$p"; return 0; }
		t=$(readlink "$d$p")
		case "$t" in /*) p=$t ;; *) p=$(dirname "$p")/$t ;; esac
	done
	return 1
}

# stage_foreign DIR PROGRAM: /usr/bin/PROGRAM of the packages unpacked in
# DIR (another arch than this machine's, so no ldd), its program
# interpreter and every library of its DT_NEEDED closure, found in the
# multiarch and plain library directories of DIR, at their guest paths.
stage_foreign() {
	local d=$1 f lib p dir found todo=() seen=" "
	f=$(in_root "$d" "/usr/bin/$2") && [ -f "$f" ] || die "$2 is not in $d/usr/bin"
	cp "$f" "$root/usr/bin/$2"
	p=$(readelf -l "$f" | sed -n 's/.*Requesting program interpreter: \(.*\)]/\1/p')
	[ -n "$p" ] || die "$2: no program interpreter (not a dynamic program of $arch?)"
	mkdir -p "$root$(dirname "$p")"
	cp "$(in_root "$d" "$p")" "$root$p" || die "$2: interpreter $p not in $d"
	todo=("$f")
	while [ ${#todo[@]} -gt 0 ]; do
		f=${todo[0]}
		todo=("${todo[@]:1}")
		for lib in $(readelf -d "$f" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
			case "$seen" in *" $lib "*) continue ;; esac
			seen+="$lib "
			found=
			for dir in /lib/*-linux-gnu /usr/lib/*-linux-gnu /lib /usr/lib; do
				for p in "$d"$dir/"$lib"; do
					[ -e "$p" ] || continue
					found=${p#"$d"}
					break 2
				done
			done
			[ -n "$found" ] || die "$2: $lib not found in $d"
			p=$(in_root "$d" "$found") || die "$2: $found: link loop"
			mkdir -p "$root$(dirname "$found")"
			cp "$p" "$root$found"
			todo+=("$p")
		done
	done
}

# stress-ng and its libraries (for a guest of this machine's arch, from its
# own packages; for another arch only with STAGE_PERF=1: without it
# pipe_bench's --memory-pressure=stress-ng skips there, saying stress-ng is
# not in PATH), and with STAGE_PERF=1 perf and hackbench (Debian's
# linux-perf and rt-tests; make bench SUITE=peers). For another arch the
# three come from Debian's packages of that arch and this machine's
# release. TOOLS_VERSIONS names a file that receives their versions.
if arch_is_host; then
	command -v stress-ng >/dev/null && stage_bin "$(command -v stress-ng)"
	if [ "${STAGE_PERF:-0}" = 1 ]; then
		command -v perf >/dev/null || die "STAGE_PERF=1: perf not installed (Debian package linux-perf)"
		stage_bin "$(command -v perf)"
		command -v hackbench >/dev/null || die "STAGE_PERF=1: hackbench not installed (Debian package rt-tests)"
		stage_bin "$(command -v hackbench)"
		[ -z "${TOOLS_VERSIONS:-}" ] ||
			dpkg-query -W -f '${Package} ${Version} ${Architecture}\n' linux-perf rt-tests stress-ng >"$TOOLS_VERSIONS"
	fi
elif [ "${STAGE_PERF:-0}" = 1 ]; then
	tools=$("$TOP/scripts/fetch-foreign-tools.sh" "$arch" linux-perf rt-tests stress-ng) ||
		die "could not fetch the $arch peer tools"
	for b in perf hackbench stress-ng; do
		stage_foreign "$tools" "$b"
	done
	[ -z "${TOOLS_VERSIONS:-}" ] ||
		grep -E '^(linux-perf|rt-tests|stress-ng) ' "$tools/versions" >"$TOOLS_VERSIONS"
fi

for b in ${EXTRA_BINS:-}; do
	[ -x "$b" ] || die "EXTRA_BINS: $b is not an executable"
	cp "$b" "$root/usr/bin/"
done

cp -a "$kst" "$root/kselftest"
cp "$job" "$root/job.sh"

# kselftest's runner calls /usr/bin/timeout --foreground; busybox's timeout
# has no --foreground, so drop it.
cat >"$root/usr/bin/timeout" <<'EOT'
#!/bin/sh
[ "$1" = "--foreground" ] && shift
exec /bin/busybox timeout "$@"
EOT
chmod +x "$root/usr/bin/timeout"

cat >"$root/init" <<'EOT'
#!/bin/busybox sh
/bin/busybox --install -s /bin
export PATH=/bin:/sbin:/usr/bin:/usr/sbin HOME=/root
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
ln -sf /proc/self/fd /dev/fd
ln -sf /proc/self/fd/0 /dev/stdin
ln -sf /proc/self/fd/1 /dev/stdout
ln -sf /proc/self/fd/2 /dev/stderr
mount -t tmpfs tmpfs /tmp
mkdir -p /sys/fs/cgroup /dev/shm
mount -t tmpfs tmpfs /dev/shm
mount -t cgroup2 cgroup2 /sys/fs/cgroup 2>/dev/null
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
hostname pipepool-guest
res=/dev/ttyS1
for a in $(cat /proc/cmdline); do
	case "$a" in pipepool.out=*) res=/dev/${a#pipepool.out=} ;; esac
done
# A virtio console's port shows up a little after its device probes.
i=0
while [ ! -c "$res" ] && [ $i -lt 20 ]; do sleep 1; i=$((i + 1)); done
[ -c "$res" ] || { echo "PIPEPOOL-NO-RESULTS-CHANNEL: $res" >/dev/console; res=/dev/console; }
{
	echo "PIPEPOOL-GUEST: kernel=$(uname -r) arch=$(uname -m) nproc=$(nproc) mem_kb=$(awk '/MemTotal/ { print $2 }' /proc/meminfo)"
	cd /kselftest && sh /job.sh
	echo "PIPEPOOL-EXIT: rc=$?"
} >"$res" 2>&1
sync
echo "PIPEPOOL-POWEROFF" >/dev/console
poweroff -f
reboot -f
EOT
chmod +x "$root/init"
( cd "$root" && find . | LC_ALL=C sort | cpio -o -H newc --quiet | gzip -1 ) >"$out.tmp" ||
	die "cpio failed"
mv "$out.tmp" "$out"
msg "initramfs: $out ($(du -h "$out" | cut -f1))"
