#!/usr/bin/env bash
# Installs the library into a temporary prefix and builds an outside
# program (tests/consumer) against it the ways users do: pkg-config,
# CMake find_package(thumbnail), and libthumbnail.a through
# `pkg-config --static`; then builds it with the source tree added by
# add_subdirectory(), which must bring the library alone. Each program
# must run and make a thumbnail.
set -euo pipefail
cd "$(dirname "$0")/../.."
scripts/install-deps.sh
root=$(pwd)
build=build-consumers
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
prefix=$work/prefix
sample=examples/sample/portrait-exif6.jpg

cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DTHUMB_BUILD_TESTS=OFF \
  -DTHUMB_BUILD_EXAMPLES=OFF -DCMAKE_INSTALL_PREFIX="$prefix" >/dev/null
cmake --build "$build" -j "$(nproc)" >/dev/null
cmake --install "$build" >/dev/null
libdir=$(find "$prefix" -name libthumbnail.pc -printf '%h\n' | head -1)
export PKG_CONFIG_PATH=$libdir

check() { # name binary
  local out=$work/$1.webp
  "$2" "$root/$sample" "$out"
  [ "$(head -c 4 "$out")" = RIFF ] || { echo "$1: no WebP written"; exit 1; }
  echo "$1: ok"
}

# 1. pkg-config, shared library.
cc -std=c11 -Wall -Wextra -Werror tests/consumer/consumer.c \
  $(pkg-config --cflags --libs libthumbnail) -Wl,-rpath,"$prefix/lib" \
  -o "$work/consumer-pkgconfig"
readelf -d "$work/consumer-pkgconfig" | grep -q 'NEEDED.*libthumbnail.so.0' \
  || { echo "pkg-config build does not link libthumbnail.so.0"; exit 1; }
check pkg-config "$work/consumer-pkgconfig"

# 2. CMake package: thumbnail::thumbnail (and the static target).
cmake -S tests/consumer -B "$work/cmake" -DCMAKE_PREFIX_PATH="$prefix" \
  -DCMAKE_C_FLAGS="-Wall -Wextra -Werror" -DCMAKE_BUILD_RPATH="$prefix/lib" \
  >/dev/null
cmake --build "$work/cmake" >/dev/null
check cmake "$work/cmake/consumer"
check cmake-static "$work/cmake/consumer_static"

# 3. libthumbnail linked statically, its dependencies from
#    `pkg-config --static` (Requires.private, Libs.private). The codec
#    libraries stay shared: Debian ships no static lcms2, so a fully static
#    binary cannot be made from Debian's packages.
static_libs=$(pkg-config --static --libs libthumbnail)
cc -std=c11 -Wall -Wextra -Werror -DTHUMB_STATIC tests/consumer/consumer.c \
  $(pkg-config --cflags libthumbnail) \
  -Wl,-Bstatic -lthumbnail -Wl,-Bdynamic ${static_libs/-lthumbnail/} \
  -o "$work/consumer-static"
if readelf -d "$work/consumer-static" | grep -q 'NEEDED.*libthumbnail'; then
  echo "static build still needs libthumbnail.so"; exit 1
fi
# nm's output goes to a file first: grep -q stops at its match, and with
# pipefail the SIGPIPE nm then gets would fail the check.
nm "$work/consumer-static" >"$work/consumer-static.nm"
grep -q ' T thumb_run$' "$work/consumer-static.nm" \
  || { echo "static build does not contain thumb_run"; exit 1; }
check static "$work/consumer-static"

# 4. add_subdirectory() of the source tree, as FetchContent does: only the
#    library is built, with nothing but the codec libraries (libheif and
#    libjxl with what they require), zlib and lcms2. pkg-config sees only their modules, so a lookup of any other
#    (Check, libcurl, cJSON) fails the configure; and no target or test of
#    the tests, fuzz harnesses, bindings, CLI or service may exist.
pcdir=$work/pkgconfig
mkdir -p "$pcdir"
modules=(libjpeg libpng libwebp libwebpdemux libwebpmux libgif lcms2 zlib
         libheif libjxl)
# and the modules those two name in their .pc files (pkg-config reads
# every one named, private ones too)
modules+=($({ pkg-config --print-requires libheif libjxl
              pkg-config --print-requires-private libheif libjxl; } |
            awk '{print $1}' | sort -u))
for m in "${modules[@]}"; do
  cp -L "$(pkg-config --variable=pcfiledir "$m")/$m.pc" "$pcdir/"
done
PKG_CONFIG_LIBDIR=$pcdir PKG_CONFIG_PATH= cmake -S tests/consumer \
  -B "$work/subdir" -DTHUMB_SOURCE_DIR="$root" \
  -DCMAKE_C_FLAGS="-Wall -Wextra -Werror" >/dev/null
cmake --build "$work/subdir" -j "$(nproc)" >/dev/null
check subdirectory "$work/subdir/consumer"
check subdirectory-static "$work/subdir/consumer_static"
cmake --build "$work/subdir" --target help >"$work/subdir-targets"
extra=$(grep -E '^\.\.\. ' "$work/subdir-targets" | awk '{print $2}' |
  grep -vxE 'all|clean|depend|edit_cache|rebuild_cache|install(/.*)?|list_install_components|consumer|consumer_static|thumbnail|thumbnail_static|thumbnail_objects|.*\.(o|i|s)' ||
  true)
if [ -n "$extra" ]; then
  echo "add_subdirectory() builds more than the library:" $extra; exit 1
fi
tests=$(cd "$work/subdir" && ctest -N | sed -n 's/^Total Tests: //p')
[ "${tests:-0}" = 0 ] || { echo "add_subdirectory() defines $tests tests"; exit 1; }
echo "subdirectory: the library alone"
echo "consumers passed"
