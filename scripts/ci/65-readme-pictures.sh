#!/usr/bin/env bash
# The README's before/after pictures still show what their captions say:
# scripts/readme_pictures.py remakes them from the corpus and fails when a
# check does (a sideways "after", a fringe, a naive CMYK, a dark
# checkerboard). It writes to a scratch folder, so the committed pictures
# change only when someone reruns scripts/readme-pictures.sh and commits.
set -euo pipefail
cd "$(dirname "$0")/../.."
corpus=${THUMB_CORPUS_DIR:-$(pwd)/../shared/corpus}
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
cmake -S . -B build-pictures -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build-pictures -j2 --target thumbnail_cli >/dev/null
THUMB_SIMD=scalar /usr/bin/python3 scripts/readme_pictures.py \
  build-pictures/thumbnail "$corpus" "$scratch"
if ! diff <(cd doc/pictures && sha256sum ./*) <(cd "$scratch" && sha256sum ./*) >/dev/null; then
  echo "note: doc/pictures differs from a fresh run: rerun scripts/readme-pictures.sh and commit"
fi
echo "readme pictures: checks passed"
