#!/usr/bin/env bash
# Lint: clang-format on every C file, cppcheck and clang-tidy (checks and
# the reasons for them in .clang-tidy) on the library and the examples,
# workflows against scripts, and the Doxygen reference without warnings.
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
# The workflows and .ci/run must run the same checks: every script a
# workflow names exists, and every CI step is in the checks workflow.
python3 - <<'PY'
import glob, os, re, sys, yaml
bad = []
named = set()
for wf in glob.glob(".github/workflows/*.yml"):
    doc = yaml.safe_load(open(wf))
    for job in doc.get("jobs", {}).values():
        for step in job.get("steps", []):
            for script in re.findall(r"(?:scripts|examples)/[\w./-]+\.sh",
                                     step.get("run", "")):
                named.add(script)
                if not os.access(script, os.X_OK):
                    bad.append(f"{wf}: {script} missing or not executable")
checks = open(".github/workflows/checks.yml").read()
for step in sorted(glob.glob("scripts/ci/*.sh")):
    if step not in checks:
        bad.append(f"{step} runs in .ci/run but not in checks.yml")
print("\n".join(bad) or f"workflows: {len(named)} scripts, all present")
sys.exit(1 if bad else 0)
PY
# The API reference builds from the header without a warning.
scripts/docs.sh
echo "lint passed"
