#!/usr/bin/env bash
# Renders architecture.dot to architecture.svg (Graphviz). With --check,
# fails instead if the committed SVG is not what the source renders to.
set -euo pipefail
cd "$(dirname "$0")"
command -v dot >/dev/null || { echo "graphviz (dot) is not installed" >&2; exit 1; }
if [ "${1:-}" = "--check" ]; then
    fresh=$(mktemp)
    trap 'rm -f "$fresh"' EXIT
    dot -Tsvg architecture.dot -o "$fresh"
    cmp -s "$fresh" architecture.svg || {
        echo "architecture.svg is stale: run examples/lambda/render-architecture.sh" >&2
        exit 1
    }
else
    dot -Tsvg architecture.dot -o architecture.svg
fi
