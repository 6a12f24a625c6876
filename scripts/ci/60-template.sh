#!/usr/bin/env bash
# The deployment template: cfn-lint (with the SAM transform), the design
# properties cfn-lint cannot know (examples/lambda/check_template.py), and
# that the architecture diagram's SVG is rendered from its current source.
set -euo pipefail
cd "$(dirname "$0")/../.."
# cfn-lint 1.x has no `python3 -m cfnlint`; call its console entry point
# with the python3 it is installed for.
python3 -c 'import sys; from cfnlint.runner import main; sys.exit(main())' \
    examples/lambda/template.yaml
python3 examples/lambda/check_template.py examples/lambda/template.yaml
examples/lambda/render-architecture.sh --check
echo "60-template: ok"
