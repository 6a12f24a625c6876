#!/usr/bin/env bash
# tests/test_threads under ThreadSanitizer: four threads, a context each,
# thumbnail the corpus at once; any data race between them (a shared
# static, a lazily filled table) stops the run (halt_on_error).
set -euo pipefail
cd "$(dirname "$0")/../.."
scripts/install-deps.sh >/dev/null

build=${TSAN_BUILD_DIR:-build-tsan}
# clang's TSan runtime; -O1 keeps the instrumented run fast enough.
CC=clang cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_C_FLAGS="-fsanitize=thread -fno-omit-frame-pointer -O1 -g" \
  -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=thread" \
  -DCMAKE_SHARED_LINKER_FLAGS="-fsanitize=thread" >/dev/null
nice cmake --build "$build" -j "$(nproc)" --target test_threads

export TSAN_OPTIONS="halt_on_error=1 abort_on_error=1 second_deadlock_stack=1"
# The 434 good corpus files up to 256 KiB: every format and codec path;
# the release suite runs all 462 threaded.
export THUMB_THREADS_MAX_BYTES=${THUMB_THREADS_MAX_BYTES:-262144}
# TSan maps its shadow at fixed addresses, which high ASLR entropy can
# collide with on newer kernels; without randomisation it always fits.
nice setarch "$(uname -m)" -R "$build/tests/test_threads"
