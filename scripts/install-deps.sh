#!/usr/bin/env bash
# Installs the Debian packages one purpose needs; each purpose includes the
# ones before it:
#   runtime  the shared libraries libthumbnail and bin/thumbnail load
#   build    building the library and the command (scripts/sample.sh)
#   test     the whole test suite (scripts/test.sh; moto and boto3, which
#            Debian does not package, scripts/test-python.sh provides)
#   ci       every CI step, the benchmark and the docs (the default, so
#            callers without an argument get everything, as before)
# `scripts/install-deps.sh --list PURPOSE` prints the packages instead.
# Safe to run again: apt skips what is already there.
set -euo pipefail

usage() {
  echo "usage: $0 [--list] [runtime|build|test|ci]" >&2
  exit 2
}

list=false
if [ "${1:-}" = --list ]; then
  list=true
  shift
fi
[ $# -le 1 ] || usage
purpose=${1:-ci}

runtime=(
  libjpeg62-turbo libpng16-16 libwebp7 libwebpdemux2 libwebpmux3 libgif7
  liblcms2-2 zlib1g libheif1 libjxl0.7 libavif15
)
build=(
  build-essential cmake pkg-config
  libjpeg62-turbo-dev libpng-dev libwebp-dev libgif-dev
  # the PNG writer (src/codec/png_encode.c) deflates with zlib itself
  zlib1g-dev
  # colour management
  liblcms2-dev
  # HEIF/AVIF (libde265 and dav1d/aom come with libheif1) and JPEG XL input
  libheif-dev libjxl-dev
  # AVIF output (libavif with libaom)
  libavif-dev libaom-dev
)
test=(
  check
  # independent reference decoders/resizers the tests compare against;
  # heif-convert and djxl are the HEIF and JPEG XL references, avifdec
  # reads the AVIF output
  python3-pil python3-numpy libvips-tools libheif-examples libjxl-tools
  libavif-bin
  # S3 adapter and Lambda runtime (examples/) and their unit tests
  libcurl4-openssl-dev libcjson-dev libcmocka-dev libssl-dev
  # the S3 adapter's XML reader (examples/s3/aws_xml.c)
  libexpat1-dev
  # a real browser as the Lambda on-demand path's client (lambda_browser)
  chromium
  # bindings: Go toolchain, offline pip install of the Python package;
  # python3-venv also holds moto and boto3 when python3 lacks them
  golang-go python3-wheel-whl python3-pip python3-setuptools-whl python3-venv
)
ci=(
  clang git
  # `pkg-config --static libheif` names x265's -lnuma (a static consumer
  # of libthumbnail, scripts/ci/10-consumers.sh, links by that list)
  libnuma-dev
  # the benchmark's reference (tests/bench)
  libturbojpeg0-dev
  # the Lambda package and its architecture picture
  zip graphviz
  # hardening and release checks
  valgrind abigail-tools cppcheck clang-tidy clang-format doxygen
  # the NEON resize path, cross-compiled and run under emulation
  gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-user
)

case $purpose in
  runtime) packages=("${runtime[@]}") ;;
  build) packages=("${runtime[@]}" "${build[@]}") ;;
  test) packages=("${runtime[@]}" "${build[@]}" "${test[@]}") ;;
  ci) packages=("${runtime[@]}" "${build[@]}" "${test[@]}" "${ci[@]}") ;;
  *) usage ;;
esac

if $list; then
  printf '%s\n' "${packages[@]}"
  exit 0
fi

sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get -o DPkg::Lock::Timeout=300 update -q
  "${sudo_cmd[@]}" apt-get -o DPkg::Lock::Timeout=300 install -y -q --no-install-recommends "${missing[@]}"
fi
