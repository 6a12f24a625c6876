#!/usr/bin/env bash
# Records the current ABI as the baseline that scripts/ci/15-abi.sh checks
# against. Run it only for a release, or together with a SONAME bump when
# breaking the ABI on purpose (see "Versions and ABI" in the README).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/abi-dump.sh > tests/abi/libthumbnail.abi
grep -o "soname='[^']*'" tests/abi/libthumbnail.abi
