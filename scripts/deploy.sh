#!/usr/bin/env bash
# Deploys the Lambda example with AWS SAM: scripts/deploy.sh ENV ZIP
# ENV is staging or production (a stack per environment: thumbnail-ENV);
# ZIP is the function.zip from examples/lambda/package.sh. Credentials
# come from the environment (the deliver workflow uses OIDC). Bucket names
# and sizes come from examples/lambda/samconfig.toml's section for ENV.
set -euo pipefail
cd "$(dirname "$0")/.."
env=${1:?usage: deploy.sh staging|production function.zip}
zip=${2:?usage: deploy.sh staging|production function.zip}
case $env in staging | production) ;; *) echo "unknown env $env"; exit 2 ;; esac
[ -f "$zip" ] || { echo "no $zip"; exit 1; }
# cfn-lint 1.x has no `python3 -m cfnlint`: call its entry point.
python3 -c 'import sys; from cfnlint.runner import main; sys.exit(main())' \
  examples/lambda/template.yaml
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# The template's CodeUri names function.zip beside it.
cp examples/lambda/template.yaml "$work/"
cp "$zip" "$work/function.zip"
cd "$work"
sam deploy --template-file template.yaml \
  --config-file "$OLDPWD/examples/lambda/samconfig.toml" --config-env "$env" \
  --stack-name "thumbnail-$env" --resolve-s3 \
  --capabilities CAPABILITY_IAM --no-fail-on-empty-changeset \
  --no-confirm-changeset
