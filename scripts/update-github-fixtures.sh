#!/usr/bin/env bash
# Regenerate tests/github/fixtures/ (OpenAPI extract, GraphQL extract, webhook examples) from the
# @octokit npm packages. The packages go into a temporary directory and are never committed.
# Usage: scripts/update-github-fixtures.sh [openapi-version] [graphql-schema-version] [webhooks-version]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
npm init -y >/dev/null
npm install --no-audit --no-fund --ignore-scripts \
  "@octokit/openapi@${1:-23.0.2}" \
  "@octokit/graphql-schema@${2:-15.26.1}" \
  "@octokit/webhooks-examples@${3:-7.6.1}" >/dev/null
python "$here/extract_github_fixtures.py" "$tmp/node_modules"
