#!/usr/bin/env bash
# Installs the library as a user does, into a fresh folder that is not the
# prefix it was configured with (`cmake --install build --prefix DIR`), and
# from there builds an outside program (tests/consumer) the ways users do:
# pkg-config, CMake find_package(thumbnail), and libthumbnail.a through
# `pkg-config --static`; runs each, and the installed `bin/thumbnail`, with
# no LD_LIBRARY_PATH. Then moves the installed folder elsewhere and does it
# all again: the install is relocatable; and checks what a configure with a
# multiarch library folder would install. Last, builds the source tree added
# by add_subdirectory(), which must bring the library alone. Each program
# must run and make a thumbnail.
set -euo pipefail
cd "$(dirname "$0")/../.."
scripts/install-deps.sh
root=$(pwd)
# The build scripts/test.sh made (.ci/run runs it first), configured with
# the default prefix; the library and the command alone if there is none.
build=${BUILD_DIR:-build}
[ -e "$build/CMakeCache.txt" ] ||
  scripts/build.sh -DTHUMB_BUILD_TESTS=OFF -DTHUMB_BUILD_EXAMPLES=OFF >/dev/null
cmake --build "$build" -j "$(nproc)" --target thumbnail thumbnail_static \
  thumbnail_cli >/dev/null
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
sample=examples/sample/portrait-exif6.jpg
# Nothing may find the library but the way each program was built.
unset LD_LIBRARY_PATH

configured=$(sed -n 's/^CMAKE_INSTALL_PREFIX:PATH=//p' "$build/CMakeCache.txt")
cmake --install "$build" --prefix "$work/installed" >/dev/null
[ "$configured" != "$work/installed" ] || { echo "installed at the configured prefix"; exit 1; }

check() { # name command...: the command writes a WebP of the sample to $out
  local name=$1 out=$work/$1.webp
  shift
  "$@" "$root/$sample" "$out"
  [ "$(head -c 4 "$out")" = RIFF ] || { echo "$name: no WebP written"; exit 1; }
  echo "$name: ok"
}

cli() { # the installed command, found on PATH as the README says
  thumbnail -s 64 "$1" -o "$2"
}

consume() ( # prefix tag: the README's Install section, from that prefix
  prefix=$1
  tag=$2
  # The installed text files name no folder of the configure or the build.
  if grep -rlF -e "$root" -e "$configured" "$prefix" --include='*.pc' \
    --include='*.cmake'; then
    echo "$tag: the files above name a configure-time folder"; exit 1
  fi
  # What the README says to set, and nothing else.
  pcdir=$(find "$prefix" -name libthumbnail.pc -printf '%h\n' -quit)
  export PATH=$prefix/bin:$PATH PKG_CONFIG_PATH=$pcdir \
    CMAKE_PREFIX_PATH=$prefix

  # The command finds its library through its RUNPATH, in this prefix.
  [ "$(command -v thumbnail)" = "$prefix/bin/thumbnail" ] ||
    { echo "$tag: thumbnail on PATH is not $prefix/bin/thumbnail"; exit 1; }
  thumbnail --version
  case $(ldd "$prefix/bin/thumbnail") in
    *"libthumbnail.so.0 => $prefix/"*) ;;
    *) echo "$tag: bin/thumbnail does not load the library of $prefix"; exit 1 ;;
  esac
  check "$tag-cli" cli

  # 1. pkg-config, shared library; the program's own RUNPATH names the
  #    library's folder, as the README says.
  cc -std=c11 -Wall -Wextra -Werror tests/consumer/consumer.c \
    $(pkg-config --cflags --libs libthumbnail) \
    -Wl,-rpath,"$(pkg-config --variable=libdir libthumbnail)" \
    -o "$work/$tag-pkgconfig"
  readelf -d "$work/$tag-pkgconfig" | grep -q 'NEEDED.*libthumbnail.so.0' \
    || { echo "$tag: pkg-config build does not link libthumbnail.so.0"; exit 1; }
  check "$tag-pkg-config" "$work/$tag-pkgconfig"

  # 2. CMake package: thumbnail::thumbnail (and the static target).
  cmake -S tests/consumer -B "$work/$tag-cmake" \
    -DCMAKE_C_FLAGS="-Wall -Wextra -Werror" >/dev/null
  cmake --build "$work/$tag-cmake" >/dev/null
  check "$tag-cmake" "$work/$tag-cmake/consumer"
  check "$tag-cmake-static" "$work/$tag-cmake/consumer_static"

  # 3. libthumbnail linked statically, its dependencies from
  #    `pkg-config --static` (Requires.private, Libs.private). The codec
  #    libraries stay shared: Debian ships no static lcms2, so a fully
  #    static binary cannot be made from Debian's packages.
  #    The README's command.
  cc -std=c11 -Wall -Wextra -Werror -DTHUMB_STATIC tests/consumer/consumer.c \
    $(pkg-config --cflags libthumbnail) \
    -Wl,-Bstatic -lthumbnail -Wl,-Bdynamic \
    $(pkg-config --static --libs libthumbnail | sed 's/-lthumbnail//') \
    -o "$work/$tag-static"
  if readelf -d "$work/$tag-static" | grep -q 'NEEDED.*libthumbnail'; then
    echo "$tag: static build still needs libthumbnail.so"; exit 1
  fi
  # nm's output goes to a file first: grep -q stops at its match, and with
  # pipefail the SIGPIPE nm then gets would fail the check.
  nm "$work/$tag-static" >"$work/$tag-static.nm"
  grep -q ' T thumb_run$' "$work/$tag-static.nm" \
    || { echo "$tag: static build does not contain thumb_run"; exit 1; }
  check "$tag-static" "$work/$tag-static"
)

consume "$work/installed" installed
# The same prefix moved: nothing in it may name where it was installed.
mkdir "$work/elsewhere"
mv "$work/installed" "$work/elsewhere/moved"
consume "$work/elsewhere/moved" moved

# A deeper library folder (Debian's multiarch lib/x86_64-linux-gnu; lib64
# is as deep as lib): the configure alone shows what the install writes.
cmake -S . -B "$work/multiarch" -DTHUMB_BUILD_TESTS=OFF \
  -DTHUMB_BUILD_EXAMPLES=OFF -DCMAKE_INSTALL_LIBDIR=lib/x86_64-linux-gnu \
  >/dev/null
grep -qF 'NEW_RPATH "\$ORIGIN/../lib/x86_64-linux-gnu"' \
  "$work/multiarch/cmake_install.cmake" ||
  { echo "multiarch: bin/thumbnail's RUNPATH is not \$ORIGIN/../lib/x86_64-linux-gnu"; exit 1; }
[ "$(head -1 "$work/multiarch/libthumbnail.pc")" = 'prefix=${pcfiledir}/../../..' ] ||
  { echo "multiarch: libthumbnail.pc does not climb to the prefix"; exit 1; }
echo "multiarch: ok"

# 4. add_subdirectory() of the source tree, as FetchContent does: only the
#    library is built, with nothing but the codec libraries (libheif,
#    libjxl and libavif with what they require), zlib and lcms2.
#    pkg-config sees only their modules, so a lookup of any other
#    (Check, libcurl, cJSON) fails the configure; and no target or test of
#    the tests, fuzz harnesses, bindings, CLI or service may exist.
pcdir=$work/pkgconfig
mkdir -p "$pcdir"
modules=(libjpeg libpng libwebp libwebpdemux libwebpmux libgif lcms2 zlib
         libheif libjxl libavif)
# and the modules those three name in their .pc files (pkg-config reads
# every one named, private ones too)
modules+=($({ pkg-config --print-requires libheif libjxl libavif
              pkg-config --print-requires-private libheif libjxl libavif; } |
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
