#!/usr/bin/env bash
# CI: builds every libFuzzer harness with clang (ASan + UBSan) and fuzzes
# each for a bounded time from its seeds; any crash, leak, timeout or
# out-of-memory fails the step. The seeds and fuzz/regressions/ are also
# replayed by CTest in the normal build (tests fuzz_*_replay).
set -euo pipefail
cd "$(dirname "$0")/../.."
# Nine harnesses at this many seconds each stay under five minutes.
seconds_each=${FUZZ_SECONDS_EACH:-30}
export FUZZ_BUILD_DIR=${FUZZ_BUILD_DIR:-build-fuzz}

# A fresh tree: the fuzz build must see the sources as committed.
rm -rf "$FUZZ_BUILD_DIR"
CC=clang cmake -S . -B "$FUZZ_BUILD_DIR" -DTHUMB_FUZZ=ON \
  -DTHUMB_BUILD_EXAMPLES=OFF -DCMAKE_BUILD_TYPE=Debug \
  -DCMAKE_C_FLAGS_DEBUG="-g -O1" >/dev/null
cmake --build "$FUZZ_BUILD_DIR" --target fuzz_all -j 2 >/dev/null

failed=()
for harness in $(scripts/fuzz.sh list); do
  log=$FUZZ_BUILD_DIR/$harness.log
  if scripts/fuzz.sh "$harness" "$seconds_each" >"$log" 2>&1; then
    echo "fuzz: $harness ok: $(grep -E '^#[0-9]+.*(DONE|cov:)' "$log" | tail -1)"
  else
    echo "fuzz: $harness FAILED; its log:" >&2
    tail -n 60 "$log" >&2
    failed+=("$harness")
  fi
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz: failed: ${failed[*]} (inputs in $FUZZ_BUILD_DIR/artifacts/)" >&2
  exit 1
fi
echo "fuzz: every harness ran ${seconds_each} s without a finding"
