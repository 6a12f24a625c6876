#!/usr/bin/env bash
# Dependencies by purpose (scripts/install-deps.sh runtime|build|test|ci):
# the sample's set (build) holds every package the library's configure
# looks up and nothing of the tests or CI; the runtime set holds every
# library libthumbnail.so and bin/thumbnail load. Then the choice of the
# python3 with moto and boto3 (scripts/test-python.sh), each way it can
# go: python3's own; a venv under the build folder filled from a package
# index (a local one here, of stand-in wheels); no index, which fails at
# once naming them; and the CMake check that makes the tests use the
# chosen one or stops the configure naming them.
set -euo pipefail
cd "$(dirname "$0")/../.."
scripts/install-deps.sh >/dev/null
# The library and the command that scripts/test.sh (first in .ci/run) or
# scripts/ci/10-consumers.sh built.
build=${BUILD_DIR:-build}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "12-deps: $*" >&2; exit 1; }
[ -x "$build/thumbnail" ] ||
  fail "no $build/thumbnail: run scripts/test.sh or scripts/ci/10-consumers.sh first"

for purpose in runtime build test ci; do
  scripts/install-deps.sh --list "$purpose" | sort >"$work/$purpose"
done
scripts/install-deps.sh --list | sort >"$work/default"
cmp -s "$work/default" "$work/ci" || fail "the default is not the ci set"
for pair in runtime:build build:test test:ci; do
  [ -z "$(comm -23 "$work/${pair%:*}" "$work/${pair#*:}")" ] ||
    fail "${pair%:*} is not within ${pair#*:}"
done
for tool in gcc-aarch64-linux-gnu qemu-user valgrind golang-go clang-tidy \
  chromium check libcmocka-dev; do
  ! grep -qx "$tool" "$work/build" || fail "the sample's set installs $tool"
done

within() { # set file...: the packages that installed the files are in set
  # (one dpkg -S for all: each call reads the whole database). A pattern
  # per file: /lib is /usr/lib on a merged /usr, and dpkg knows one name.
  local set=$1 f line
  local patterns=()
  shift
  for f in "$@"; do patterns+=("*${f#/usr}"); done
  dpkg -S "${patterns[@]}" >"$work/owners" || fail "no package holds one of: $*"
  while IFS= read -r line; do
    grep -qx "${line%%:*}" "$work/$set" || [ "${line%%:*}" = libc6 ] ||
      fail "$line: not in the $set set"
  done <"$work/owners"
}
# Every pkg-config module the library's configure looks up (CMake keeps
# each lookup's arguments) comes from a package of the build set.
cmake -S . -B "$work/lib" -DTHUMB_BUILD_TESTS=OFF -DTHUMB_BUILD_CLI=OFF \
  -DTHUMB_BUILD_EXAMPLES=OFF >/dev/null
modules=$(sed -n 's/^__pkg_config_arguments_[A-Z0-9_]*:INTERNAL=//p' \
  "$work/lib/CMakeCache.txt" | tr ';' '\n' | grep -vxE 'REQUIRED|IMPORTED_TARGET')
[ -n "$modules" ] || fail "no pkg-config modules in the configure"
pcfiles=()
for m in $modules; do
  pcfiles+=("$(pkg-config --variable=pcfiledir "$m")/$m.pc")
done
within build "${pcfiles[@]}"
# Every library the library and the command load directly comes from a
# package of the runtime set (libc6 is on every Debian system).
libs=()
for binary in "$build/libthumbnail.so" "$build/thumbnail"; do
  while read -r lib arrow path _; do
    # "NAME => PATH (ADDRESS)", or the loader's "PATH (ADDRESS)": needed
    # since the library has thread-local data (__tls_get_addr).
    [ "$arrow" = "=>" ] || path=$lib
    case $lib in libthumbnail.so.*) ;; *) libs+=("$path") ;; esac
  done < <(ldd "$binary" | grep -Ff <(readelf -d "$binary" |
    sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'))
done
within runtime "${libs[@]}"
echo "package sets: ok ($SECONDS s)"

# python3 with moto and boto3: itself, no venv.
chosen=$(scripts/test-python.sh "$work/b1")
[ "$chosen" = "$(python3 -c 'import sys; print(sys.executable)')" ] ||
  fail "python3 has moto and boto3, yet $chosen was chosen"
[ ! -e "$work/b1/test-venv" ] || fail "a venv was made though python3 has them"
# Debian's python3 lacks them. With no package index: a failure at once,
# naming them.
if PYTHON=/usr/bin/python3 PIP_INDEX_URL=http://127.0.0.1:9/simple \
  PIP_RETRIES=0 scripts/test-python.sh "$work/b2" 2>"$work/no-index.err"; then
  fail "no moto and no index, yet a python3 was chosen"
fi
grep -q 'need the Python packages moto\[server\] and boto3' \
  "$work/no-index.err" || fail "the failure does not name moto and boto3"
! grep -q Traceback "$work/no-index.err" || fail "the failure is a traceback"
# With an index (a folder of stand-in wheels): the venv, filled from it.
mkdir "$work/wheels"
/usr/bin/python3 - "$work/wheels" <<'PY'
import base64, hashlib, sys, zipfile

def wheel(folder, name, files):
    info = "%s-0.0.dist-info" % name
    files[info + "/METADATA"] = "Metadata-Version: 2.1\nName: %s\nVersion: 0.0\n" % name
    files[info + "/WHEEL"] = ("Wheel-Version: 1.0\nGenerator: 12-deps\n"
                              "Root-Is-Purelib: true\nTag: py3-none-any\n")
    record = ["%s,sha256=%s,%d" % (path, base64.urlsafe_b64encode(
        hashlib.sha256(text.encode()).digest()).rstrip(b"=").decode(),
        len(text.encode())) for path, text in files.items()]
    files[info + "/RECORD"] = "\n".join(record + [info + "/RECORD,,"]) + "\n"
    with zipfile.ZipFile("%s/%s-0.0-py3-none-any.whl" % (folder, name), "w") as z:
        for path, text in files.items():
            z.writestr(path, text)

wheel(sys.argv[1], "moto", {"moto/__init__.py": "", "moto/server.py": ""})
wheel(sys.argv[1], "boto3", {"boto3/__init__.py": ""})
PY
chosen=$(PYTHON=/usr/bin/python3 PIP_NO_INDEX=1 PIP_FIND_LINKS="$work/wheels" \
  scripts/test-python.sh "$work/b2" 2>/dev/null)
[ "$chosen" = "$work/b2/test-venv/bin/python3" ] ||
  fail "Debian's python3 and an index, yet $chosen was chosen"
"$chosen" -c 'import moto.server, boto3' || fail "the venv lacks them"
echo "python3 choice: ok ($SECONDS s)"

# The service tests run with THUMB_MOTO_PYTHON, which must have them.
if cmake -S examples/s3 -B "$work/s3-bad" -DTHUMB_MOTO_PYTHON=/usr/bin/python3 \
  >/dev/null 2>"$work/s3-bad.err"; then
  fail "examples/s3 configured with a python3 without moto"
fi
grep -q 'cannot import moto\[server\] and' "$work/s3-bad.err" ||
  fail "the configure failure does not name moto"
cmake -S examples/s3 -B "$work/s3" -DTHUMB_MOTO_PYTHON="$chosen" >/dev/null
command=$(cd "$work/s3" && ctest -N -V -R '^s3_moto$' | grep 'Test command:')
[[ $command == *": $chosen "* ]] ||
  fail "s3_moto does not run with the chosen python3: $command"
echo "12-deps: ok ($SECONDS s)"
