#!/usr/bin/env bash
# The Lambda package: builds function.zip (examples/lambda/package.sh checks
# glibc symbol versions <= 2.34 and runs the unzipped bootstrap against
# moto_server; relax_versions_check.sh shows the loader behaviour its
# libjxl and libgav1 rely on), then measures the packaged bootstrap's cold
# start and peak RSS on T1-sized images, failing if the peak RSS is over
# 16 MiB, if libcurl or OpenSSL is mapped before the first /next (what made
# starts slow), or if the median cold start is over 50 ms: 5x the 10 ms
# target, as a loaded CI machine can take 9 ms to start a do-nothing
# program (see examples/lambda/README.md, "Cold start and footprint").
set -euo pipefail
cd "$(dirname "$0")/../.."
scripts/install-deps.sh >/dev/null

build=${LAMBDA_BUILD_DIR:-build-lambda}
# What the package's libjxl and libgav1 rely on: a relaxed version
# requirement loads against an older provider (relax_versions.py).
examples/lambda/tests/relax_versions_check.sh
LAMBDA_BUILD_DIR=$build examples/lambda/package.sh "$build/function.zip"

task=$(mktemp -d)
trap 'rm -rf "$task"' EXIT
# Extracted as Lambda does, permissions kept (unzip is not installed).
python3 - "$build/function.zip" "$task" <<'PY'
import os, sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z:
    for info in z.infolist():
        path = z.extract(info, sys.argv[2])
        if info.external_attr >> 16:
            os.chmod(path, (info.external_attr >> 16) & 0o7777)
PY
python3 examples/lambda/tests/coldstart.py --bootstrap "$task/bootstrap" \
  --corpus "${THUMB_CORPUS_DIR:-../shared/corpus}" --runs 5 \
  --max-rss-mb 16 --max-ms 50
