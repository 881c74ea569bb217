#!/usr/bin/env bash
# Installs everything the test suite needs on a fresh Debian machine with Node 20, then
# runs the whole suite. This is the README's test command, and what .ci/run calls.
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian packages the tests drive: promtool (from prometheus) checks GET /metrics, and
# Chromium runs the dashboard tests. Installed only when missing; CI runs this as root.
apt_missing=()
command -v promtool >/dev/null 2>&1 || apt_missing+=(prometheus)
[ -x /usr/bin/chromium ] || apt_missing+=(chromium fonts-liberation)
# The service tests: systemd-analyze verifies the unit; xmllint and python3 parse the plist.
command -v systemd-analyze >/dev/null 2>&1 || apt_missing+=(systemd)
command -v xmllint >/dev/null 2>&1 || apt_missing+=(libxml2-utils)
command -v python3 >/dev/null 2>&1 || apt_missing+=(python3)
# http-aware's end-to-end tests drive the real curl against a local server.
command -v curl >/dev/null 2>&1 || apt_missing+=(curl)
if [ ${#apt_missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update
  # With the recommended packages: Chromium needs some of them (fonts, GL) to render.
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y "${apt_missing[@]}"
fi

npm ci --no-audit --no-fund
npm test
