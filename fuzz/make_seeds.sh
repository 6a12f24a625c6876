#!/usr/bin/env bash
# Builds the seed corpus of one fuzz harness from the shared image corpus:
#   fuzz/make_seeds.sh HARNESS OUT_DIR
# Seeds are the corpus folders listed for the harness in fuzz/harnesses.tsv
# (files longer than the harness's -max_len cut to that length: a cut
# file is a truncated file, still a good seed), plus fuzz/seeds/HARNESS and
# fuzz/regressions/HARNESS. For fuzz_exif the seeds are the EXIF blocks
# cut out of the corpus images instead. The corpus is read from
# $THUMB_CORPUS_DIR, else ../shared/corpus beside the repository.
set -euo pipefail
cd "$(dirname "$0")/.."
harness=$1
out=$2
corpus=${THUMB_CORPUS_DIR:-$(cd .. && pwd)/shared/corpus}
[ -f "$corpus/MANIFEST.tsv" ] || { echo "make_seeds: no corpus at $corpus" >&2; exit 1; }
row=$(awk -F'\t' -v h="$harness" '$1 == h' fuzz/harnesses.tsv)
[ -n "$row" ] || { echo "make_seeds: unknown harness $harness" >&2; exit 1; }
dirs=$(cut -f4 <<<"$row")
max_len=$(cut -f6 <<<"$row")
mkdir -p "$out"

copy_dir() { # DIR: every file, cut to max_len, named by its corpus path
  [ -d "$1" ] || return 0
  find "$1" -type f ! -name '.*' -print0 | while IFS= read -r -d '' f; do
    name=${f#"$corpus"/}
    head -c "$max_len" "$f" >"$out/${name//\//_}"
  done
}

if [ "$dirs" != "-" ]; then
  IFS=, read -ra list <<<"$dirs"
  if [ "$harness" = fuzz_exif ]; then
    for d in "${list[@]}"; do
      [ -d "$corpus/$d" ] || { echo "make_seeds: no $corpus/$d" >&2; exit 1; }
    done
    # An EXIF block starts with "Exif\0\0" (JPEG APP1) or directly with
    # a TIFF header (PNG eXIf, WebP EXIF): cut max_len bytes from each.
    python3 - "$corpus" "$out" "$max_len" "${list[@]}" <<'PY'
import hashlib, os, sys
corpus, out, max_len, dirs = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4:]
for d in dirs:
    for root, _, files in os.walk(os.path.join(corpus, d)):
        for name in files:
            data = open(os.path.join(root, name), 'rb').read()
            for magic in (b'Exif\0\0', b'II*\0', b'MM\0*'):
                at = data.find(magic)
                if at >= 0:
                    block = data[at:at + max_len]
                    digest = hashlib.sha1(block).hexdigest()[:16]
                    open(os.path.join(out, 'exif-' + digest), 'wb').write(block)
PY
  else
    for d in "${list[@]}"; do
      [ -d "$corpus/$d" ] || { echo "make_seeds: no $corpus/$d" >&2; exit 1; }
      copy_dir "$corpus/$d"
    done
  fi
fi
for own in fuzz/seeds/"$harness" fuzz/regressions/"$harness"; do
  [ -d "$own" ] && find "$own" -type f ! -name '.*' -exec cp {} "$out/" \;
done
echo "make_seeds: $(find "$out" -type f | wc -l) seeds for $harness in $out"
