#!/usr/bin/env bash
# Lint: clang-format on every C file, cppcheck and clang-tidy (checks and
# the reasons for them in .clang-tidy) on the library and the examples.
# Tests and fuzz harnesses are held to -Wall -Wextra -Werror instead.
set -euo pipefail
cd "$(dirname "$0")/../.."
scripts/install-deps.sh

mapfile -t c_files < <(git ls-files '*.c' '*.h')
echo "clang-format: ${#c_files[@]} files"
clang-format --dry-run --Werror "${c_files[@]}"

lint_dirs=(src examples)
echo "cppcheck: ${lint_dirs[*]}"
cppcheck --quiet --error-exitcode=1 --std=c11 \
  --enable=warning,style,performance,portability \
  --suppress=missingIncludeSystem --inline-suppr \
  -Iinclude -Isrc -D__GNUC__ "${lint_dirs[@]}"

# clang-tidy needs the compile commands of a clang build.
build=build-lint
cmake -S . -B "$build" -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=Debug \
  -DTHUMB_BUILD_TESTS=OFF >/dev/null
mapfile -t tidy_files < <(git ls-files 'src/*.c' 'examples/*.c')
echo "clang-tidy: ${#tidy_files[@]} files"
run-clang-tidy -quiet -p "$build" -j "$(nproc)" "${tidy_files[@]}" \
  > "$build/clang-tidy.log" 2>&1 || {
  grep -E 'warning:|error:' "$build/clang-tidy.log" | sort -u
  echo "clang-tidy found problems (full log: $build/clang-tidy.log)"
  exit 1
}
echo "lint passed"
