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
nice cmake --build "$build" -j "$(nproc)" --target test_threads thumbnail_cli \
  test_lambda

export TSAN_OPTIONS="halt_on_error=1 abort_on_error=1 second_deadlock_stack=1"
# The 434 good corpus files up to 256 KiB: every format and codec path;
# the release suite runs all 462 threaded.
export THUMB_THREADS_MAX_BYTES=${THUMB_THREADS_MAX_BYTES:-262144}
# TSan maps its shadow at fixed addresses, which high ASLR entropy can
# collide with on newer kernels; without randomisation it always fits.
nice setarch "$(uname -m)" -R "$build/tests/test_threads"

# The Lambda handler's upload threads: an object's three thumbnails
# uploaded at once, a client each, over a mock S3 (test_lambda's handler
# tests; no network).
nice setarch "$(uname -m)" -R "$build/examples/lambda/test_lambda"
echo "tsan: the Lambda handler's concurrent uploads: no data race"

# And in the real bootstrap, each upload thread with a libcurl client of
# its own (libcurl is dlopen()ed, so not instrumented; the handler, the
# S3 client and lazy_curl.c are): the Lambda fault tests, whose
# `concurrent` phase uploads three thumbnails at once. A race aborts
# bootstrap, which fails the test. Its children inherit setarch -R.
moto_python=$(scripts/test-python.sh "$build")
cmake -S . -B "$build" -DTHUMB_MOTO_PYTHON="$moto_python" >/dev/null
nice cmake --build "$build" -j "$(nproc)" --target bootstrap reference_runs
(cd "$build" && nice setarch "$(uname -m)" -R \
  ctest -R '^lambda_faults$' --output-on-failure)
echo "tsan: bootstrap under the Lambda fault tests: no data race"

# The `thumbnail` command's own threads: a batch on 2 workers (the shared
# input index, a context each, the lock around stderr and around outputs
# two inputs share: a/same.jpg and b/same.jpg), one input refused.
corpus=${THUMB_CORPUS_DIR:-../shared/corpus}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
mkdir -p "$out/a" "$out/b"
cp "$corpus/jpeg/flowers.jpeg" "$out/a/same.jpg"
cp "$corpus/png/buggie.png" "$out/b/same.jpg"
inputs=(jpeg/testorig.jpg jpeg/grayscale_mcu.jpg jpeg/pil_sample_cmyk.jpg
       orientation/Landscape_6.jpg png/pngsuite/basn6a08.png
       png/with-alpha.png webp/simple-vp8.webp webp/rotating-squares.webp
       gif/porsche.gif gif/dispose_bgnd.gif bad/png/truncated_image.png)
# batch NAME OUTPUTS OPTION...: the batch into $out/NAME, which must end
# with exit status 1 (the refused input) and OUTPUTS files.
batch() {
  local name=$1 expected=$2 status=0
  shift 2
  nice setarch "$(uname -m)" -R "$build/thumbnail" -j 2 "$@" \
    -o "$out/$name" "${inputs[@]/#/$corpus/}" "$out/a/same.jpg" \
    "$out/b/same.jpg" 2>"$out/$name.log" || status=$?
  local made
  made=$(ls "$out/$name" | wc -l)
  if [ "$status" -ne 1 ] || [ "$made" -ne "$expected" ]; then
    cat "$out/$name.log"
    echo "tsan: thumbnail -j 2 $*: expected exit status 1 and $expected" \
      "outputs, got $status and $made"
    exit 1
  fi
  echo "tsan: thumbnail -j 2 $*: no data race"
}
batch thumbs 11 -s 96 -f webp
# Three sizes in two formats: every worker makes six outputs of each
# input from one decode (thumb_run_many).
batch many 66 -s 96 -s 48x -s x32 -f webp -f png
# HEIF, AVIF and JPEG XL files first in a process, two workers at once:
# each library is loaded at the first such file (src/codec/codec_lib.c,
# under pthread_once), possibly in both workers together.
loaded=(heif/RGBA_10__128x128.heif jxl/alpha_premultiplied.jxl
        heif/grid_960x640.heic jxl/grayscale_jpeg.jxl heif/Mexico_YUV444.avif)
mkdir -p "$out/loaded"
nice setarch "$(uname -m)" -R "$build/thumbnail" -j 2 -s 96 \
  -o "$out/loaded/" "${loaded[@]/#/$corpus/}"
[ "$(ls "$out/loaded" | wc -l)" -eq "${#loaded[@]}" ]
echo "tsan: thumbnail -j 2 on HEIF, AVIF and JPEG XL files first: no data race"
