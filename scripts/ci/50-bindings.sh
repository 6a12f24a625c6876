#!/usr/bin/env bash
# The bindings as users get them (their unit tests run in CTest, from the
# source tree, against the build tree):
#  - Python: installed offline with pip into a fresh venv (Debian's wheels,
#    no PyPI), then its test suite run against the installed package.
#  - Go: gofmt-clean, and built through the *installed* libthumbnail.pc
#    (cmake --install into a temporary prefix), its examples run.
set -euo pipefail
cd "$(dirname "$0")/../.."
repo=$PWD
scripts/install-deps.sh >/dev/null
build=${BUILD_DIR:-build}
built_here=
if [ ! -e "$build/libthumbnail.so" ]; then
  scripts/build.sh
  built_here=1
fi
build=$(cd "$build" && pwd)
corpus=${THUMB_CORPUS_DIR:-$repo/../shared/corpus}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# After scripts/test.sh (as in .ci/run) CTest has run the bindings' own
# tests; on a fresh checkout (the CI job for bindings alone) run them here.
if [ -n "$built_here" ]; then
  echo "-- CTest: the bindings' tests against the build tree"
  (cd "$build" && ctest --output-on-failure -R '^(python|go)_binding')
fi

echo "-- Python: offline pip install into a venv"
# Build from a copy laid out as the clone (setup.py reads the version from
# ../../include/thumbnail.h): setuptools writes build/ and *.egg-info
# beside the sources.
mkdir -p "$tmp/src/bindings"
cp -r bindings/python "$tmp/src/bindings/python"
cp -r include "$tmp/src/include"
header_version=$(sed -n 's/^#define THUMB_VERSION_\(MAJOR\|MINOR\|PATCH\) \([0-9]*\)$/\2/p' \
  include/thumbnail.h | paste -sd.)
installed_version() {
  "$1/bin/python" -c 'import importlib.metadata as m; print(m.version("libthumbnail"))'
}
/usr/bin/python3 -m venv "$tmp/venv"
"$tmp/venv/bin/python" -m pip install -q --no-index \
  --find-links /usr/share/python-wheels "$tmp/src/bindings/python"
site=$("$tmp/venv/bin/python" -c 'import os, thumbnail; print(os.path.dirname(thumbnail.__file__))')
case $site in "$tmp/venv/"*) ;; *) echo "thumbnail imported from $site, not the venv" >&2; exit 1 ;; esac
[ -e "$site/py.typed" ]
v=$(installed_version "$tmp/venv")
[ "$v" = "$header_version" ] || { echo "installed $v, header $header_version" >&2; exit 1; }

echo "-- Python: an sdist carries its version without the header"
# (setuptools' chatter is shown only if the build fails)
(cd "$tmp/src/bindings/python" && "$tmp/venv/bin/python" -c \
  'from setuptools import build_meta; build_meta.build_sdist("'"$tmp"'/dist")' \
  >"$tmp/sdist.log" 2>&1) || { cat "$tmp/sdist.log" >&2; exit 1; }
/usr/bin/python3 -m venv "$tmp/venv-sdist"
(cd "$tmp" && "$tmp/venv-sdist/bin/python" -m pip install -q --no-index \
  --find-links /usr/share/python-wheels "$tmp"/dist/libthumbnail-*.tar.gz)
v=$(installed_version "$tmp/venv-sdist")
[ "$v" = "$header_version" ] || { echo "sdist installed $v, header $header_version" >&2; exit 1; }

echo "-- Python: test suites against the installed package"
for suite in thumbnail names readme many; do
  (cd "$tmp" && THUMBNAIL_LIBRARY="$build/libthumbnail.so" THUMB_CORPUS_DIR="$corpus" \
    PYTHONDONTWRITEBYTECODE=1 "$tmp/venv/bin/python" -m unittest discover \
    -s "$repo/bindings/python/tests" -p "test_$suite.py")
done

echo "-- Python: the library shipped next to the installed package"
cp "$build/libthumbnail.so.0" "$site/"
found=$(cd "$tmp" && env -u THUMBNAIL_LIBRARY "$tmp/venv/bin/python" -c \
  'import thumbnail; print(thumbnail.library_path())')
[ "$found" = "$site/libthumbnail.so.0" ] || { echo "loaded $found" >&2; exit 1; }

echo "-- Go: gofmt"
unformatted=$(gofmt -l bindings/go)
[ -z "$unformatted" ] || { echo "gofmt needed: $unformatted" >&2; exit 1; }

echo "-- Go: examples against the installed library and its libthumbnail.pc"
cmake --install "$build" --prefix "$tmp/prefix" >/dev/null
for libdir in "$tmp"/prefix/lib*/pkgconfig; do break; done
# The .pc names the prefix configured at build time; --define-prefix reads
# it from where the file now is, as for any relocated install.
mkdir "$tmp/bin"
printf '#!/bin/sh\nexec pkg-config --define-prefix "$@"\n' >"$tmp/bin/pkg-config"
chmod +x "$tmp/bin/pkg-config"
# A build cache of its own: Go's cache key of a cgo package leaves out
# what pkg-config said, so a shared cache would link with the -L of the
# build tree or of an earlier run's (deleted) prefix.
(cd bindings/go && PKG_CONFIG="$tmp/bin/pkg-config" PKG_CONFIG_PATH="$libdir" \
  LD_LIBRARY_PATH="$(dirname "$libdir")" CGO_ENABLED=1 \
  GOCACHE="$tmp/go-cache" GOPATH="$tmp/gopath" GOPROXY=off \
  GOENV=off GOTOOLCHAIN=local THUMB_CORPUS_DIR="$corpus" \
  go test -count=1 -run '^Example' ./...)

echo "-- bindings OK"
