#!/usr/bin/env bash
# A representative subset under valgrind memcheck, which sees what ASan
# cannot: reads of uninitialised memory, and every byte the uninstrumented
# codec libraries touch. Zero errors and zero definite or indirect leaks:
# the `thumbnail` command over files of every format (good, damaged and
# bombs) to every output format, and the unit tests that drive the library
# hardest through its API, in one process each (CK_FORK=no).
set -euo pipefail
cd "$(dirname "$0")/../.."
scripts/install-deps.sh >/dev/null

build=${VALGRIND_BUILD_DIR:-build-valgrind}
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
nice cmake --build "$build" -j "$(nproc)" --target thumbnail_cli \
  test_api test_exif test_geometry test_gif test_alloc_failures \
  test_codec_absent test_lambda

# 99: valgrind found an error or a leak; anything else is the program's.
vg=(valgrind --quiet --error-exitcode=99 --leak-check=full
    --errors-for-leak-kinds=definite,indirect
    --show-leak-kinds=definite,indirect --num-callers=40)
# libjpeg-turbo's SIMD routines work on whole vectors, past the end of
# rows, and valgrind reports those padding bytes as uninitialised (known
# and harmless: libjpeg-turbo issues #238, #619); its C paths are checked
# here, its SIMD ones by the ASan build (scripts/ci/20-sanitize.sh).
export JSIMD_FORCENONE=1
corpus=${THUMB_CORPUS_DIR:-../shared/corpus}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

good=(
  jpeg/testorig.jpg jpeg/spectral_selection.jpg jpeg/grayscale_mcu.jpg
  jpeg/pil_sample_cmyk.jpg orientation/Landscape_6.jpg
  png/pngsuite/basn6a08.png png/pngsuite/basi3p08.png
  png/pngsuite/basn0g16.png png/with-alpha.png
  webp/simple-vp8.webp webp/catdog-alert-13.webp webp/rotating-squares.webp
  orientation/hopper_orientation_6.webp
  gif/first_frame_transparency.gif gif/dispose_bgnd.gif gif/porsche.gif
)
bad=(
  bad/bomb/giant-image.jpg bad/bomb/65536-uint32-limit.png
  bad/bomb/decompression_bomb.gif bad/bomb/png_decompression_dos.png
  bad/jpeg/corrupt-header.jpg
  bad/jpeg/clusterfuzz-testcase-minimized-FuzzJPEGLoader-5874221639335936.jpg
  bad/png/truncated_image.png bad/png/broken_data_stream.png
  bad/gif/decompression_bomb_extents.gif
  bad/gif/hopper_zero_comment_subblocks.gif
  bad/fuzz-corpus/webp/id_000004_src_000001_op_flip4_pos_15__cov.webp
  bad/unsupported/8bit_depth.tiff
)
good_paths=("${good[@]/#/$corpus/}")
bad_paths=("${bad[@]/#/$corpus/}")

for fmt in jpeg png webp; do
  mkdir -p "$out/$fmt"
  echo "valgrind: thumbnail -> $fmt on ${#good[@]} good files"
  nice "${vg[@]}" "$build/thumbnail" -s 96 -f "$fmt" -o "$out/$fmt/" \
    "${good_paths[@]}"
  [ "$(ls "$out/$fmt" | wc -l)" -eq "${#good[@]}" ]
done

# Most are refused, a few decode (the bomb part is skipped): exit status 1.
echo "valgrind: thumbnail on ${#bad[@]} bad files"
status=0
nice "${vg[@]}" "$build/thumbnail" -s 96 -o "$out/bad/" "${bad_paths[@]}" \
  2>"$out/bad.log" || status=$?
if [ "$status" -ne 1 ]; then
  cat "$out/bad.log"
  echo "expected exit status 1 (some inputs refused), got $status"
  exit 1
fi

# HEIF and JPEG XL through libheif and libjxl, which the library loads at
# the first such file (src/codec/codec_lib.c): one small file each, as
# loading the two C++ libraries alone costs about 13 s of CPU here; and a
# damaged HEVC stream whose unset pixels came from the heap before
# src/codec/heif_hevc.c (valgrind's error, exit 99, without it).
mkdir -p "$out/loaded"
echo "valgrind: thumbnail on HEIF and JPEG XL files"
nice "${vg[@]}" "$build/thumbnail" -s 96 -o "$out/loaded/" \
  "$corpus/heif/RGBA_10__128x128.heif" "$corpus/jxl/alpha_premultiplied.jxl" \
  fuzz/regressions/fuzz_pipeline/heif-damaged-hevc-with-sao-unset-pixels.heic
[ "$(ls "$out/loaded" | wc -l)" -eq 3 ]

export CK_FORK=no
for t in test_api test_exif test_geometry test_gif test_alloc_failures \
  test_codec_absent; do
  echo "valgrind: $t"
  nice "${vg[@]}" "$build/tests/$t" >"$out/$t.log" 2>&1 || {
    cat "$out/$t.log"
    exit 1
  }
done
# The Lambda handler's upload threads and the S3 clients they keep, over
# a mock S3 (cmocka; its tests run in this process).
echo "valgrind: test_lambda"
nice "${vg[@]}" "$build/examples/lambda/test_lambda" >"$out/test_lambda.log" \
  2>&1 || {
  cat "$out/test_lambda.log"
  exit 1
}
echo "valgrind: no errors, no leaks"
