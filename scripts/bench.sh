#!/usr/bin/env bash
# The benchmark of issue 7 (tests/bench/): libthumbnail against sharp,
# Pillow and vipsthumbnail, one thread, medians of in-process runs, peak
# memory, PSNR against an exact Lanczos3, the raw resize kernel and the
# CLI's batch mode. Not part of the test suite.
#
#   scripts/bench.sh        # prints the table; writes tests/bench/results.md,
#                           # results.json and chart.svg
#
# Installs what it needs: Debian packages (scripts/install-deps.sh) and npm
# sharp into tests/bench/node_modules (git-ignored). Builds the library
# (Release) and the drivers in build-bench/. BENCH_RUNS (default 20) and
# BENCH_WARMUP (2) change the run counts; BUILD_DIR the build directory.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
build=${BUILD_DIR:-$repo/build-bench}
corpus=${THUMB_CORPUS_DIR:-$repo/../shared/corpus}

scripts/install-deps.sh

if [ ! -d "$corpus/jpeg" ]; then
  echo "bench: no corpus at $corpus (set THUMB_CORPUS_DIR)" >&2
  exit 1
fi

# sharp, pinned in tests/bench/package.json; it needs node >= 20.9 (Debian
# 12's nodejs is 18: take NodeSource's). Without node, npm or the registry
# the benchmark still runs and says that sharp was skipped and why.
node_ok=0
if command -v node >/dev/null &&
  node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a==20&&b>=9)?0:1)'; then
  node_ok=1
fi
if [ "$node_ok" = 0 ]; then
  echo "bench: node >= 20.9 not found (sharp needs it); sharp will be skipped" >&2
elif command -v npm >/dev/null; then
  if ! (cd tests/bench && node -e "require('./node_modules/sharp')" 2>/dev/null); then
    (cd tests/bench && npm install --no-audit --no-fund --no-package-lock \
      --loglevel=error) || echo "bench: npm install sharp failed; sharp will be skipped" >&2
  fi
else
  echo "bench: npm not found; sharp will be skipped" >&2
fi

cmake -S tests/bench -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" -j2 >/dev/null

/usr/bin/python3 tests/bench/bench.py "$build" "$corpus"
/usr/bin/python3 tests/bench/chart.py
echo "bench: wrote tests/bench/results.md, results.json, chart.svg" >&2
