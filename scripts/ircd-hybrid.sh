#!/usr/bin/env bash
# Makes ircd-hybrid runnable for the e2e tests without installing its Debian package, which
# conflicts with ngircd: `apt-get download` + `dpkg -x` into a cache folder, once. Prints the
# binary's path on its last line (exit 0), or why it cannot (exit 1).
#
# Called by .ci/run, and by the test harness (test/support/hybrid-server.ts) before each start:
# when everything is in place it only checks (no network, no root needed).
#
# - Cache: $SWITCHBOARD_HYBRID_CACHE, default /var/cache/switchboard/ircd-hybrid (the .deb and
#   its unpacked tree under root/).
# - The binary loads its core modules from the compiled-in /usr/lib/ircd-hybrid/modules/, so that
#   path is a symlink to the cache's copy (created here; never over a real directory).
# - Shared libraries the binary lacks (libltdl7 on a stock Debian 12) are installed with apt-get,
#   from the package's own Depends.
# A real `ircd-hybrid` package, when installed, is used as it is.
set -euo pipefail

CACHE="${SWITCHBOARD_HYBRID_CACHE:-/var/cache/switchboard/ircd-hybrid}"
MODULES=/usr/lib/ircd-hybrid
ROOT="$CACHE/root"
DEB="$CACHE/ircd-hybrid.deb"
BIN="$ROOT/usr/sbin/ircd-hybrid"

fail() { echo "ircd-hybrid: $*" >&2; exit 1; }
need_root() { [ "$(id -u)" = 0 ] || fail "$1; run once as root: bash scripts/ircd-hybrid.sh"; }

# The Debian package itself (real directory, not our link): nothing to do.
if [ -x /usr/sbin/ircd-hybrid ] && [ -d "$MODULES" ] && [ ! -L "$MODULES" ]; then
  echo /usr/sbin/ircd-hybrid
  exit 0
fi

if [ ! -x "$BIN" ]; then
  need_root "not unpacked in $CACHE yet"
  mkdir -p "$CACHE"
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  download() { (cd "$work" && apt-get -q -o APT::Sandbox::User=root download ircd-hybrid >&2); }
  download || { apt-get -q update >&2 && download; } || fail "apt-get download ircd-hybrid failed"
  deb=$(ls "$work"/ircd-hybrid_*.deb)
  dpkg-deb -x "$deb" "$work/root"
  [ -x "$work/root/usr/sbin/ircd-hybrid" ] || fail "the package has no usr/sbin/ircd-hybrid"
  rm -rf "$ROOT"
  mv "$work/root" "$ROOT"
  mv "$deb" "$DEB"
  echo "ircd-hybrid: unpacked $(dpkg-deb -f "$DEB" Version) into $ROOT" >&2
fi

if [ -L "$MODULES" ] && [ "$(readlink "$MODULES")" = "$ROOT/usr/lib/ircd-hybrid" ]; then
  :
elif [ -L "$MODULES" ] || [ ! -e "$MODULES" ]; then
  need_root "$MODULES must point to $ROOT/usr/lib/ircd-hybrid"
  ln -sfn "$ROOT/usr/lib/ircd-hybrid" "$MODULES"
else
  fail "$MODULES exists and is not the package's nor a link to $CACHE: remove it or install the ircd-hybrid package"
fi

missing=$(ldd "$BIN" | awk '/not found/ { print $1 }')
if [ -n "$missing" ]; then
  need_root "missing shared libraries: $missing"
  [ -f "$DEB" ] || fail "missing shared libraries ($missing) and no $DEB to read the dependencies from"
  libs=$(dpkg-deb -f "$DEB" Depends | tr ',' '\n' | sed 's/(.*//; s/|.*//; s/ //g' | grep '^lib' || true)
  echo "ircd-hybrid: installing $libs for $missing" >&2
  # shellcheck disable=SC2086 # one package per word
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q $libs >&2 \
    || { apt-get -q update >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q $libs >&2; } \
    || fail "apt-get install $libs failed"
  missing=$(ldd "$BIN" | awk '/not found/ { print $1 }')
  [ -z "$missing" ] || fail "still missing shared libraries: $missing"
fi

echo "$BIN"
