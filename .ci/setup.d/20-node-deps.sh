#!/usr/bin/env bash
# npm packages of the Node.js end-to-end test (server: NodeEndToEndTest), pinned by package-lock.json.
# Runs `npm ci` when node and npm are installed; without them the test fails in CI (CI=true) and is skipped
# with a loud message elsewhere.
set -euo pipefail
dir="$(dirname "$0")/../../server/src/test/node"
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "node/npm not found: server's NodeEndToEndTest cannot run (install Debian's nodejs and npm)" >&2
  exit 0
fi
cd "$dir"
npm ci --no-audit --no-fund --loglevel=error
