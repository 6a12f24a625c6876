#!/usr/bin/env bash
# Installs every Debian package the build, the tests and the sample need.
# Safe to run again: apt skips what is already there.
set -euo pipefail

packages=(
  build-essential cmake pkg-config clang git
  libjpeg62-turbo-dev libturbojpeg0-dev libpng-dev libwebp-dev libgif-dev
  # the PNG writer (src/codec/png_write.c) deflates with zlib itself
  zlib1g-dev
  check
  # independent reference decoders/resizers the tests compare against
  python3-pil python3-numpy libvips-tools
  # colour management
  liblcms2-dev
  # HEIF/AVIF (libde265 and dav1d/aom come with libheif1) and JPEG XL input;
  # heif-convert and djxl are the tests' reference decoders
  libheif-dev libjxl-dev libheif-examples libjxl-tools
  # AVIF output (libavif with libaom); avifdec is the tests' decoder
  libavif-dev libaom-dev libavif-bin
  # `pkg-config --static libheif` names x265's -lnuma (a static consumer
  # of libthumbnail, scripts/ci/10-consumers.sh, links by that list)
  libnuma-dev
  # S3 adapter and Lambda runtime (examples/), their unit tests, packaging
  libcurl4-openssl-dev libcjson-dev libcmocka-dev libssl-dev zip graphviz
  # the S3 adapter's XML reader (examples/s3/aws_xml.c)
  libexpat1-dev
  # a real browser as the Lambda on-demand path's client (lambda_browser)
  chromium
  # bindings: Go toolchain, offline pip install of the Python package
  golang-go python3-wheel-whl python3-pip
  python3-setuptools-whl python3-venv
  # hardening and release checks
  valgrind abigail-tools cppcheck clang-tidy clang-format doxygen
  # the NEON resize path, cross-compiled and run under emulation
  gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-user
)

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
