#!/usr/bin/env bash
# Installs everything the test suite needs on a fresh Debian machine with Node 20, then
# runs the whole suite. This is the README's test command, and what .ci/run calls.
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian packages the tests drive: promtool (from prometheus) checks GET /metrics, and
# Chromium runs the dashboard tests. Installed only when missing; CI runs this as root.
# Two groups: apt_missing gets --no-install-recommends (a tool the tests run needs none of
# its recommends); apt_with_recommends keeps them, for the browser (fonts, GL) to render.
# Counted with `apt-get install -s` against a minimal Debian 12 (its required packages):
#   prometheus alone: 14 packages without its recommends, 93 with them (the Prometheus
#     node exporter, smartmontools, ipmitool, nvme-cli, perl, python3-apt...); no smaller
#     Debian package has promtool
#   the apt_missing group (prometheus systemd libxml2-utils python3 curl man-db): 66, not 123
#   chromium fonts-liberation with recommends: 324 (174 without; upower, avahi, cups
#     helpers and system-config-printer come from chromium-common's recommends)
#   everything: 350 packages in these two calls, 384 in the single call before
apt_missing=()
apt_with_recommends=()
command -v promtool >/dev/null 2>&1 || apt_missing+=(prometheus)
[ -x /usr/bin/chromium ] || apt_with_recommends+=(chromium fonts-liberation)
# The service tests: systemd-analyze verifies the unit; xmllint and python3 parse the plist.
command -v systemd-analyze >/dev/null 2>&1 || apt_missing+=(systemd)
command -v xmllint >/dev/null 2>&1 || apt_missing+=(libxml2-utils)
command -v python3 >/dev/null 2>&1 || apt_missing+=(python3)
# http-aware's end-to-end tests drive the real curl against a local server.
command -v curl >/dev/null 2>&1 || apt_missing+=(curl)
command -v man >/dev/null 2>&1 || apt_missing+=(man-db) # renders the man pages; groff-base is its dependency
# The first-run test runs patienced on a pseudo-terminal made by script(1).
command -v script >/dev/null 2>&1 || apt_missing+=(bsdutils)
# The completion tests run the zsh and fish scripts in those shells (6 packages together).
command -v zsh >/dev/null 2>&1 || apt_missing+=(zsh)
command -v fish >/dev/null 2>&1 || apt_missing+=(fish)
if [ $((${#apt_missing[@]} + ${#apt_with_recommends[@]})) -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update
  if [ ${#apt_missing[@]} -gt 0 ]; then
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${apt_missing[@]}"
  fi
  if [ ${#apt_with_recommends[@]} -gt 0 ]; then
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y "${apt_with_recommends[@]}"
  fi
fi

npm ci --no-audit --no-fund
npm test
