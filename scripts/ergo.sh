#!/bin/sh
# Builds the Ergo IRC server (https://ergo.chat) from a source checkout with the
# vendored Go modules, offline. Used by the CHATHISTORY e2e tests (they read
# ERGO_BIN, or /work/peers/bin/ergo, and are skipped without it).
#
# Usage: scripts/ergo.sh <ergo-source-dir> [output-binary]
#   e.g. git -C <ergo-git-mirror> archive v2.11.1 | tar -x -C /tmp/ergo-src
#        scripts/ergo.sh /tmp/ergo-src /work/peers/bin/ergo
# Needs Go >= 1.19 (Debian bookworm's golang-go builds v2.11.1).
set -eu
src=${1:?usage: scripts/ergo.sh <ergo-source-dir> [output-binary]}
out=${2:-"$PWD/ergo"}
case "$out" in /*) ;; *) out="$PWD/$out" ;; esac
tmp=${TMPDIR:-/tmp}
export GOFLAGS=-mod=vendor GOPROXY=off GOTOOLCHAIN=local
export HOME="${ERGO_BUILD_HOME:-$tmp/ergo-build-home}"
export GOCACHE="$HOME/gocache" GOPATH="$HOME/gopath"
mkdir -p "$HOME" "$(dirname "$out")"
cd "$src"
go build -mod=vendor -o "$out" .
"$out" version 2>/dev/null || true
echo "built $out"
