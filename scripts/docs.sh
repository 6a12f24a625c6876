#!/usr/bin/env bash
# Builds the API reference (build-docs/html/index.html) from the public
# header with Doxygen, failing on any warning, and checks the man page.
set -euo pipefail
cd "$(dirname "$0")/.."
doxygen doc/Doxyfile
groff -ww -z -man doc/thumbnail.1
echo "API reference: build-docs/html/index.html"
