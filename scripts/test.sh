#!/usr/bin/env bash
# Quick start 2: install what is needed, build, run the whole test suite.
# The comparisons with libvips and Pillow are required here (and so in
# CI): a machine without them fails the configure instead of skipping
# them. Arguments go to ctest: `scripts/test.sh -L unit` runs the unit
# tests alone.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh -DTHUMB_REFERENCE_TESTS=ON
cd "${BUILD_DIR:-build}"
ctest --output-on-failure -j "$(nproc)" "$@"
