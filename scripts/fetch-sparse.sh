#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# fetch-sparse.sh: print the path of a sparse that this kernel accepts.
#
# Linux 7.2's scripts/checker-valid.sh needs a sparse that knows
# __typeof_unqual__ (0.6.5); Debian bookworm ships 0.6.4, and sid's 0.6.5
# needs glibc 2.38. When the installed sparse is too old, take sid's sparse
# and libc6 binary packages through the private apt setup of
# fetch-source.sh, unpack both under the cache and run sparse with that
# libc's own dynamic loader: nothing is installed on the machine.
# SPARSE=/path overrides all of this.
source "$(dirname "$0")/lib.sh"
STEP=fetch-sparse

# checker-valid.sh's own test, run from the source tree.
sparse_ok() {
	local src
	src=$(tree_dir patched)
	[ -x "$src/scripts/checker-valid.sh" ] || return 0
	# It prints 1 when the checker is usable, and exits 0 either way.
	[ "$("$src/scripts/checker-valid.sh" "$1" 2>/dev/null)" = 1 ]
}

if [ -n "${SPARSE:-}" ]; then
	echo "$SPARSE"; exit 0
fi
if command -v sparse >/dev/null && sparse_ok sparse; then
	command -v sparse; exit 0
fi

apt_dir=$CACHE/apt
[ -r "$apt_dir/sources.list" ] || "$TOP/scripts/fetch-source.sh" >/dev/null
APT=(-o "Dir::Etc::sourcelist=$apt_dir/sources.list" -o "Dir::Etc::sourceparts=-"
     -o "Dir::State::Lists=$apt_dir/lists" -o "APT::Sandbox::User=root")
log=$LOGDIR/fetch-sparse.log
: >"$log"
ver=$(apt-cache "${APT[@]}" policy sparse 2>>"$log" | awk '/Candidate:/ { print $2 }')
libc=$(apt-cache "${APT[@]}" policy libc6 2>>"$log" | awk '/Candidate:/ { print $2 }')
[ -n "$ver" ] && [ "$ver" != "(none)" ] || die "no sparse in the private apt suites (log: $log)"
root=$CACHE/sparse-$ver
wrapper=$root/sparse
if [ ! -x "$wrapper" ]; then
	msg "fetching sparse $ver with libc6 $libc"
	tmp=$(mktemp -d "$CACHE/sparse.XXXXXX")
	trap 'rm -rf "$tmp"' EXIT
	( cd "$tmp" && apt-get "${APT[@]}" download "sparse=$ver" "libc6=$libc" ) >>"$log" 2>&1 ||
		{ tail -n 20 "$log" >&2; die "download of sparse/libc6 failed (log: $log)"; }
	mkdir -p "$tmp/root"
	for d in "$tmp"/*.deb; do dpkg-deb -x "$d" "$tmp/root"; done
	rm -rf "$root"
	mv "$tmp/root" "$root"
	cat >"$wrapper" <<EOT
#!/bin/sh
# sparse $ver with libc6 $libc from Debian, unpacked by fetch-sparse.sh
exec "$root/usr/lib64/ld-linux-x86-64.so.2" --library-path "$root/usr/lib/x86_64-linux-gnu" "$root/usr/bin/sparse" "\$@"
EOT
	chmod +x "$wrapper"
fi
sparse_ok "$wrapper" || die "sparse $ver from $root fails checker-valid.sh too"
msg "sparse $ver (Debian), run with its own libc: $wrapper"
echo "$wrapper"
