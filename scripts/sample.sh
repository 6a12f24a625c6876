#!/usr/bin/env bash
# Quick start 1: install what is needed, build, and thumbnail the sample.
# Only the library and the command: their packages alone
# (`scripts/install-deps.sh build`), no tests, bindings or service.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh build
scripts/build.sh -DTHUMB_BUILD_TESTS=OFF -DTHUMB_BUILD_EXAMPLES=OFF
out=${BUILD_DIR:-build}/sample-thumbnail.webp
"${BUILD_DIR:-build}"/thumbnail -v -s 256 examples/sample/portrait-exif6.jpg -o "$out"
echo "Wrote $(realpath "$out")"
