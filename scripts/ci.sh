#!/usr/bin/env bash
# Installs everything the test suite needs on a fresh Debian machine with Node 20, then
# runs the whole suite. This is the README's test command, and what .ci/run calls.
set -euo pipefail
cd "$(dirname "$0")/.."

npm ci --no-audit --no-fund
npm test
