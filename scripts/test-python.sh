#!/usr/bin/env bash
# Prints the path of a python3 that can import moto[server] and boto3, with
# which the S3 and Lambda tests run moto_server (Debian packages neither;
# scripts/test.sh passes the path to CMake as THUMB_MOTO_PYTHON).
# python3 itself (or $PYTHON) when it has them; otherwise a venv under the
# build folder, made once, with `pip install 'moto[server]' boto3` from the
# Python package index. Fails at once, naming them, when neither works.
# Usage: scripts/test-python.sh BUILD_DIR
set -euo pipefail
[ $# -eq 1 ] || { echo "usage: $0 BUILD_DIR" >&2; exit 2; }
python=${PYTHON:-python3}
venv=$1/test-venv
has_them() { "$1" -c 'import moto.server, boto3' 2>/dev/null; }

if has_them "$python"; then
  # The interpreter itself, not a launcher such as pyenv's shim, which
  # picks a Python by the folder it is run from.
  "$python" -c 'import sys; print(sys.executable)'
  exit 0
fi
if ! has_them "$venv/bin/python3"; then
  echo "$python lacks moto[server] or boto3: installing them into $venv" >&2
  mkdir -p "$1"
  if ! { [ -x "$venv/bin/python3" ] || "$python" -m venv "$venv" >&2; } ||
    ! "$venv/bin/python3" -m pip install --quiet --disable-pip-version-check \
      'moto[server]' boto3 >&2 ||
    ! has_them "$venv/bin/python3"; then
    echo "The tests need the Python packages moto[server] and boto3:" \
      "$python lacks them and pip could not install them into $venv." \
      "Install them for $python (or PYTHON=<a python3 with them>) and" \
      "run again." >&2
    exit 1
  fi
fi
echo "$(cd "$venv/bin" && pwd)/python3"
