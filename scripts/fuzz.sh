#!/usr/bin/env bash
# Runs one libFuzzer harness for a number of seconds:
#
#   scripts/fuzz.sh HARNESS SECONDS [libFuzzer options...]
#   scripts/fuzz.sh list
#
# HARNESS is a name from fuzz/harnesses.tsv, with or without its fuzz_
# prefix (probe, decode_jpeg, pipeline, exif, ...). Builds the harnesses
# with clang (ASan + UBSan, the library instrumented for coverage) into
# ${FUZZ_BUILD_DIR:-build-fuzz}, makes the seed corpus from the shared
# image corpus, and fuzzes. The corpus the fuzzer grows is kept in
# BUILD/corpus/HARNESS across runs; a crash, leak, timeout or out-of-memory
# is written to BUILD/artifacts/HARNESS/ and makes the script fail.
# Reproduce one with BUILD/fuzz/HARNESS FILE; once fixed, keep the file in
# fuzz/regressions/HARNESS/ so that CTest replays it.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${FUZZ_BUILD_DIR:-build-fuzz}
# Generous for one small image under ASan; a run above it is a leak or a
# bomb the limits missed.
rss_limit_mb=2048
# Seconds for one input: the largest seed takes well under one second.
input_timeout=10

if [ "${1:-}" = list ]; then
  # Harnesses whose code under test exists (the Lambda parsers may not).
  awk -F'\t' 'NR > 1 {
      n = split($5, need, ","); ok = 1
      for (i = 1; i <= n; i++)
        if (need[i] != "-" && system("test -e " need[i]) != 0) ok = 0
      if (ok) print $1 }' fuzz/harnesses.tsv
  exit 0
fi
if [ $# -lt 2 ]; then
  echo "usage: scripts/fuzz.sh HARNESS SECONDS [libFuzzer options...]" >&2
  echo "       scripts/fuzz.sh list" >&2
  exit 2
fi
harness=$1
seconds=$2
shift 2
[ "${harness#fuzz_}" = "$harness" ] && harness=fuzz_$harness
row=$(awk -F'\t' -v h="$harness" '$1 == h' fuzz/harnesses.tsv)
[ -n "$row" ] || { echo "fuzz.sh: unknown harness $harness (try: scripts/fuzz.sh list)" >&2; exit 2; }
max_len=$(cut -f6 <<<"$row")
dict_name=$(cut -f7 <<<"$row")

if [ ! -f "$build/CMakeCache.txt" ]; then
  CC=clang cmake -S . -B "$build" -DTHUMB_FUZZ=ON -DTHUMB_BUILD_EXAMPLES=OFF \
    -DCMAKE_BUILD_TYPE=Debug -DCMAKE_C_FLAGS_DEBUG="-g -O1" >/dev/null
fi
cmake --build "$build" --target "$harness" -j 2 >/dev/null

seeds=$build/seeds/$harness
corpus=$build/corpus/$harness
artifacts=$build/artifacts/$harness
rm -rf "$seeds"
fuzz/make_seeds.sh "$harness" "$seeds"
mkdir -p "$corpus" "$artifacts"

dict=$build/dict/$dict_name.dict
mkdir -p "$build/dict"
if [ "$dict_name" = all ]; then
  cat fuzz/dict/jpeg.dict fuzz/dict/png.dict fuzz/dict/webp.dict \
    fuzz/dict/gif.dict fuzz/dict/exif.dict fuzz/dict/heif.dict \
    fuzz/dict/jxl.dict >"$dict"
else
  cp "fuzz/dict/$dict_name.dict" "$dict"
fi

# Leaks inside the codec libraries themselves (fuzz/lsan.supp).
export LSAN_OPTIONS="suppressions=$PWD/fuzz/lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
# The first folder receives new inputs; the seeds are only read.
exec "$build/fuzz/$harness" -max_total_time="$seconds" -max_len="$max_len" \
  -rss_limit_mb="$rss_limit_mb" -timeout="$input_timeout" -dict="$dict" \
  -artifact_prefix="$artifacts/" -print_final_stats=1 "$@" "$corpus" "$seeds"
