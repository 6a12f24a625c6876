#!/usr/bin/env bash
# The whole test suite built with AddressSanitizer and UndefinedBehavior-
# Sanitizer, no recovery: the first invalid access, leak, overflow or other
# undefined behaviour fails the test that hit it. The codec libraries are
# Debian's, uninstrumented; ASan still sees every access our code makes to
# their buffers and every leak of memory they allocate.
set -euo pipefail
cd "$(dirname "$0")/../.."
scripts/install-deps.sh >/dev/null

build=${ASAN_BUILD_DIR:-build-asan}
flags="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer -g"
# RelWithDebInfo (-O2 -g): the optimiser exposes more undefined behaviour
# than -O0, and the suite runs in a few minutes rather than many.
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_C_FLAGS="$flags" \
  -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=address,undefined" \
  -DCMAKE_SHARED_LINKER_FLAGS="-fsanitize=address,undefined" >/dev/null
nice cmake --build "$build" -j "$(nproc)"

# detect_leaks: every test process must free what it allocates.
# abort_on_error: a finding kills the process with SIGABRT, which Check's
# fork mode and CTest both report as a failure.
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:strict_string_checks=1:detect_stack_use_after_return=1:check_initialization_order=1:strict_init_order=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
# Leaks inside the codec libraries themselves, not ours (fuzz/lsan.supp).
export LSAN_OPTIONS=suppressions=$PWD/fuzz/lsan.supp
# Instrumented code runs 2-3 times slower: Check's per-test timeouts,
# set for the release build, stretch with it.
export CK_TIMEOUT_MULTIPLIER=${CK_TIMEOUT_MULTIPLIER:-3}
# cli_vs_vipsthumbnail runs vipsthumbnail and our command on every good
# corpus image in three formats; under ASan it would dominate the run.
# Every file still goes through the library under ASan in test_corpus
# (the whole pipeline, every output format); here the command is checked
# on every 4th file.
export THUMB_CLI_VS_VIPS_STRIDE=${THUMB_CLI_VS_VIPS_STRIDE:-4}
cd "$build"
# The binding tests are left out here: under ASan the Go race-instrumented
# toolchain alone took over 10 minutes, and what they add over the C tests
# is Python and Go code, not library code (they run in the normal build).
# So is the Lambda soak (thousands of requests through the same code the
# fault and end-to-end tests run here under ASan): its worth is in the
# counts, which the normal build checks.
nice ctest --output-on-failure -j "$(nproc)" -E '_binding|lambda_soak'
