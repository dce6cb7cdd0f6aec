#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# install-deps.sh: install the Debian packages the harness needs.
source "$(dirname "$0")/lib.sh"
STEP=deps
# make selfcheck runs shellcheck and pyflakes3; check.sh's coccinelle gate
# runs spatch (coccinelle), and ocaml-nox for the semantic patches with
# OCaml rules (api/check_bq27xxx_data.cocci, null/badzero.cocci).
pkgs=(gcc make flex bison bc libelf-dev libssl-dev cpio xz-utils gzip git perl python3
      ccache sparse qemu-system-x86 busybox-static stress-ng python3-ply python3-git
      python3-matplotlib shellcheck pyflakes3 coccinelle ocaml-nox)
case "${ARCH:-x86_64}" in
# arm64 guests: cross compiler and static libc for the kernel and the
# selftests, qemu-system-aarch64; busybox comes from fetch-busybox.sh.
arm64) pkgs+=(gcc-aarch64-linux-gnu libc6-dev-arm64-cross binutils-aarch64-linux-gnu
              qemu-system-arm) ;;
esac
need_pkgs "${pkgs[@]}"

# b4, for "make send-dry" and the "b4 prep --check" gate of "make check".
# Bookworm's b4 0.12 has neither "b4 prep --check" nor "b4 send -o". sid's
# 0.16 imports pygit2.enums (pygit2 >= 1.14; bookworm has 1.11, sid's needs
# Python 3.14). trixie's 0.14.2 (arch: all) needs only what bookworm has:
# download it through a private apt sources file (the machine's own Debian
# mirror, suites PIPEPOOL_B4_SUITES) and install the .deb with apt-get, which
# takes its dependencies from the machine's own sources. A failure here is
# reported, not fatal: check.sh then skips its b4 gate and says why.
install_b4() {
	b4_ok >/dev/null && return 0
	[ "$(id -u)" -eq 0 ] || { msg "b4 >= 0.14 missing and not root: not installed"; return 1; }
	local uri dir log s deb
	uri=$(debian_mirror_uri)
	[ -n "$uri" ] || { msg "no Debian mirror URI in /etc/apt/sources*: b4 not installed"; return 1; }
	dir=$CACHE/apt-b4
	log=$LOGDIR/install-b4.log
	mkdir -p "$dir/lists/partial" "$dir/debs"
	: >"$dir/sources.list"
	for s in ${PIPEPOOL_B4_SUITES:-trixie}; do
		echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $uri $s main" >>"$dir/sources.list"
	done
	local APT=(-o "Dir::Etc::sourcelist=$dir/sources.list" -o "Dir::Etc::sourceparts=-"
		   -o "Dir::State::Lists=$dir/lists" -o "APT::Sandbox::User=root")
	msg "fetching b4 from ${PIPEPOOL_B4_SUITES:-trixie} ($uri)"
	rm -f "$dir"/debs/b4_*.deb
	{ apt-get "${APT[@]}" update &&
	  ( cd "$dir/debs" && apt-get "${APT[@]}" download b4 ) &&
	  deb=$(ls "$dir"/debs/b4_*.deb) &&
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$deb"; } >"$log" 2>&1 ||
		{ tail -n 10 "$log" >&2; msg "b4 install failed (log: $log)"; return 1; }
	b4_ok >/dev/null || { msg "installed b4 does not run or lacks prep --check (log: $log)"; return 1; }
	msg "b4 $(b4_ok) installed"
}
install_b4 || true
