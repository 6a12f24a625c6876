#!/usr/bin/env bash
# Build matrix: gcc and clang, Debug and Release, warnings as errors, and
# the whole test suite in each (scripts/test.sh ran gcc Release without
# -Werror, as users build; here it is built again with it).
# Usage: 11-matrix.sh [CC TYPE]   (one cell; default all four)
set -euo pipefail
cd "$(dirname "$0")/../.."
scripts/install-deps.sh
compilers=(${1:-gcc clang})
types=(${2:-Debug Release})
for cc in "${compilers[@]}"; do
  for type in "${types[@]}"; do
    build=build-$cc-${type,,}
    echo "==== $cc $type"
    CC=$cc cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=$type -DTHUMB_WERROR=ON \
      -DTHUMB_REFERENCE_TESTS=ON >/dev/null
    cmake --build "$build" -j "$(nproc)"
    if [ $# -eq 0 ] && [ "$cc $type" = "gcc Release" ]; then
      continue # its tests just ran in scripts/test.sh, same flags but -Werror
    fi
    # Every C test runs in every cell. The binding and moto end-to-end
    # tests exercise the same C code through Go, Python and a local S3;
    # they run in scripts/test.sh's build (the moto ones under ASan too); here
    # they would add minutes (Go's race toolchain, moto start-up) per cell.
    # In Debug cells the comparisons with libvips and Pillow (label
    # `reference`) are left out too: they measure output quality, which is
    # the optimised builds' business, and spend most of their time in the
    # peer. So are the corpus-wide sweeps (label `slow`): test_run_many
    # alone took 231 s of a Debug cell's 277, and it runs in test.sh's
    # build, the clang Release cell and under ASan.
    exclude="_binding|s3_moto|lambda_e2e|lambda_reconcile|lambda_faults|lambda_sqs_faults|lambda_memory|lambda_soak|lambda_browser"
    labels=()
    [ "$type" = Debug ] && labels=(-LE "reference|slow")
    (cd "$build" && ctest --output-on-failure -j "$(nproc)" \
      -E "${MATRIX_EXCLUDE:-$exclude}" "${labels[@]}")
  done
done
echo "matrix passed"
