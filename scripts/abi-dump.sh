#!/usr/bin/env bash
# Writes the ABI description (libabigail XML) of the library built from
# the tree at $1 (default: this repo) to stdout. Only types declared in
# include/ count: the context is opaque, so its internals may change freely.
set -euo pipefail
src=$(cd "${1:-$(dirname "$0")/..}" && pwd)
build=${ABI_BUILD_DIR:-$src/build-abi}
cmake -S "$src" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DTHUMB_BUILD_TESTS=OFF -DTHUMB_BUILD_EXAMPLES=OFF -DTHUMB_BUILD_CLI=OFF \
  >/dev/null
cmake --build "$build" -j "$(nproc)" >/dev/null
abidw --headers-dir "$src/include" --drop-private-types --no-corpus-path \
  "$build/libthumbnail.so"
