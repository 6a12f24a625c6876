#!/usr/bin/env bash
# Quick start 2: install what is needed, build, run the whole test suite.
# The comparisons with libvips and Pillow are required here (and so in
# CI): a machine without them fails the configure instead of skipping
# them. moto and boto3 come from scripts/test-python.sh (python3's own,
# or a venv under the build folder); without them the suite stops here,
# naming them. Arguments go to ctest: `scripts/test.sh -L unit` runs the
# unit tests alone.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh test
moto_python=$(scripts/test-python.sh "${BUILD_DIR:-build}")
# Tests and examples on by name: scripts/sample.sh may have configured
# the same build folder without them.
scripts/build.sh -DTHUMB_BUILD_TESTS=ON -DTHUMB_BUILD_EXAMPLES=ON \
  -DTHUMB_REFERENCE_TESTS=ON -DTHUMB_MOTO_PYTHON="$moto_python"
cd "${BUILD_DIR:-build}"
ctest --output-on-failure -j "$(nproc)" "$@"
