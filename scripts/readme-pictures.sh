#!/usr/bin/env bash
# Makes the README's before/after pictures (orientation, alpha, CMYK,
# linear light) in doc/pictures/ from the shared corpus:
#
#   scripts/readme-pictures.sh
#
# Installs the Debian packages (scripts/install-deps.sh: Pillow and numpy
# among them), builds the `thumbnail` command into ${BUILD_DIR:-build}
# (only that target, so a half-done edit elsewhere in the tree does not
# stop it), then runs scripts/readme_pictures.py. The corpus is read from
# ${THUMB_CORPUS_DIR:-../shared/corpus}. Same inputs, same bytes: rerun it
# after a change to the pipeline and commit what differs.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
build=${BUILD_DIR:-$repo/build}
corpus=${THUMB_CORPUS_DIR:-$repo/../shared/corpus}
out=doc/pictures

scripts/install-deps.sh

if [ ! -d "$corpus/orientation" ]; then
  echo "readme-pictures: no corpus at $corpus (set THUMB_CORPUS_DIR)" >&2
  exit 1
fi

if [ ! -f "$build/CMakeCache.txt" ]; then
  cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
fi
cmake --build "$build" -j2 --target thumbnail_cli >/dev/null

# Every SIMD path gives the same pixels within 1 LSB; the scalar one keeps
# the bytes independent of the CPU.
export THUMB_SIMD=scalar
/usr/bin/python3 scripts/readme_pictures.py "$build/thumbnail" "$corpus" "$out"
ls -l "$out"
