#!/usr/bin/env bash
# First CI step: the system packages every later step needs, and the test
# corpus at ../shared/corpus. Usage: 00-setup.sh [CORPUS_CHECKOUT]
#
# Locally and in .ci/run the corpus is already beside the clone. On GitHub
# Actions (a bare debian:12 container) the workflow checks the corpus out
# inside the workspace and this links it into place, and installs the
# Python tools that this project's machines ship with (moto, boto3,
# cfn-lint), which Debian does not package.
set -euo pipefail
cd "$(dirname "$0")/../.."
scripts/install-deps.sh

if [ -n "${1:-}" ]; then
  mkdir -p ../shared
  ln -sfn "$(cd "$1" && pwd)" ../shared/corpus
fi
if [ ! -f ../shared/corpus/MANIFEST.tsv ]; then
  echo "no test corpus at ../shared/corpus (MANIFEST.tsv missing)"
  exit 1
fi

if [ "${GITHUB_ACTIONS:-}" = true ]; then
  python3 -m pip install --break-system-packages --quiet \
    'moto[server]' boto3 cfn-lint
fi
python3 -c 'import moto, boto3, cfnlint' || {
  echo "python3 lacks moto, boto3 or cfn-lint"
  exit 1
}
echo "setup done: corpus has $(($(wc -l < ../shared/corpus/MANIFEST.tsv) - 1)) files"
