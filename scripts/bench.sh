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
# The Lambda row (issue 17) compares today's bootstrap with one built from
# a worktree of db7d2da^, or LAMBDA_BEFORE_BOOTSTRAP if set; it needs a
# python3 with moto[server] and boto3 (scripts/test-python.sh).
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

# sharp, pinned in tests/bench/package.json, needs node >= 20.9. Debian
# 12's nodejs is 18: where no such node is on the PATH, npm (from Debian if
# need be) installs the `node` package, Node 20 from the npm registry, into
# tests/bench/.node (git-ignored). A peer that cannot be installed stops
# the benchmark: a table without it would hide the failure.
node_ok() {
  command -v node >/dev/null &&
    node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a==20&&b>=9)?0:1)'
}
if ! node_ok; then
  if ! command -v npm >/dev/null; then
    sudo_cmd=()
    if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi
    "${sudo_cmd[@]}" apt-get -o DPkg::Lock::Timeout=300 install -y -q npm
  fi
  npm install --prefix tests/bench/.node --no-audit --no-fund \
    --no-package-lock --loglevel=error node@20
  export PATH=$repo/tests/bench/.node/node_modules/.bin:$PATH
  node_ok || { echo "bench: could not install node >= 20.9" >&2; exit 1; }
fi
if ! (cd tests/bench && node -e "require('./node_modules/sharp')" 2>/dev/null); then
  (cd tests/bench && npm install --no-audit --no-fund --no-package-lock \
    --loglevel=error)
fi

# djpeg (the first-image comparison) is not a build dependency.
if ! command -v djpeg >/dev/null; then
  sudo_cmd=()
  if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi
  "${sudo_cmd[@]}" apt-get -o DPkg::Lock::Timeout=300 install -y -q \
    libjpeg-turbo-progs
fi

cmake -S tests/bench -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" -j2 >/dev/null

/usr/bin/python3 tests/bench/bench.py "$build" "$corpus"
/usr/bin/python3 tests/bench/chart.py
/usr/bin/python3 tests/bench/bench_many.py "$build" "$corpus"

# Issue 17's Lambda invocation: today's bootstrap (every size from one GET
# and one decode) against the last one that made each size with its own
# thumb_run, db7d2da^ (commit db7d2da made the change).
before_commit=db7d2da^
cmake -S . -B "$build/lambda-after" -DCMAKE_BUILD_TYPE=Release \
  -DTHUMB_BUILD_TESTS=OFF -DTHUMB_BUILD_EXAMPLES=ON >/dev/null
cmake --build "$build/lambda-after" --target bootstrap -j2 >/dev/null
before=${LAMBDA_BEFORE_BOOTSTRAP:-}
if [ -z "$before" ]; then
  # A fresh worktree and build each time: the build folder would not
  # accept another source folder, and the commit never changes anyway.
  tmp=$(mktemp -d)
  trap 'git worktree remove --force "$tmp/tree" 2>/dev/null || true; rm -rf "$tmp"' EXIT
  git worktree add --detach "$tmp/tree" "$before_commit" >/dev/null || {
    echo "bench: cannot check out $before_commit (a shallow clone?); set" \
      "LAMBDA_BEFORE_BOOTSTRAP to a bootstrap built from it" >&2
    exit 1
  }
  rm -rf "$build/lambda-before"
  cmake -S "$tmp/tree" -B "$build/lambda-before" -DCMAKE_BUILD_TYPE=Release \
    -DTHUMB_BUILD_TESTS=OFF -DTHUMB_BUILD_CLI=OFF \
    -DTHUMB_BUILD_EXAMPLES=ON >/dev/null
  cmake --build "$build/lambda-before" --target bootstrap -j2 >/dev/null
  git worktree remove --force "$tmp/tree"
  before=$build/lambda-before/examples/lambda/bootstrap
fi
moto_python=$(scripts/test-python.sh "$build")
"$moto_python" tests/bench/lambda_many_bench.py --runs "${BENCH_RUNS:-20}" \
  --before "$before" --after "$build/lambda-after/examples/lambda/bootstrap" \
  "$corpus"
echo "bench: wrote tests/bench/results.md, results.json, chart.svg," \
  "results_many.md, results_lambda_many.md" >&2
