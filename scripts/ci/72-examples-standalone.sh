#!/usr/bin/env bash
# The service apart from the library: installs libthumbnail (library
# only: no CLI, tests or examples) into a temporary prefix, then
# configures, builds and runs the unit tests of examples/s3 and
# examples/lambda each as a project of its own, the Lambda finding the
# library through find_package(thumbnail) in that prefix. Fails if either
# compiles with the library's source tree (include/, src/) on its include
# path.
set -euo pipefail
cd "$(dirname "$0")/../.."
scripts/install-deps.sh >/dev/null
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
prefix=$work/prefix
jobs=${THUMB_CI_JOBS:-2}

cmake -S . -B "$work/lib" -DCMAKE_BUILD_TYPE=Release -DTHUMB_BUILD_TESTS=OFF \
  -DTHUMB_BUILD_CLI=OFF -DTHUMB_BUILD_EXAMPLES=OFF \
  -DCMAKE_INSTALL_PREFIX="$prefix" >/dev/null
cmake --build "$work/lib" -j "$jobs" >/dev/null
cmake --install "$work/lib" >/dev/null

for project in s3 lambda; do
  cmake -S "examples/$project" -B "$work/$project" -DTHUMB_WERROR=ON \
    -DCMAKE_EXPORT_COMPILE_COMMANDS=ON -DCMAKE_PREFIX_PATH="$prefix" \
    >/dev/null
  # Nothing of the library's own tree may be on an include path: the
  # installed header is the only way in.
  if grep -q -e "-I$(pwd)/include\b" -e "-I$(pwd)/src\b" \
      "$work/$project/compile_commands.json"; then
    echo "72-examples-standalone: examples/$project uses the source tree" >&2
    exit 1
  fi
  cmake --build "$work/$project" -j "$jobs" >/dev/null
  (cd "$work/$project" && ctest -L unit --output-on-failure)
done
echo "72-examples-standalone: ok"
