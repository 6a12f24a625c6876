#!/usr/bin/env bash
# Quick start 1: install what is needed, build, and thumbnail the sample.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
out=build/sample-thumbnail.webp
build/thumbnail -v -s 256 examples/sample/portrait-exif6.jpg -o "$out"
echo "Wrote $(pwd)/$out"
