#!/usr/bin/env bash
# Removes what scripts/install.sh installed (docs/operations.md):
#
#   sudo ./scripts/uninstall.sh            # stops the service, removes programs and service file
#   sudo ./scripts/uninstall.sh --purge    # and the configuration, data, logs and the user
#   sudo patienced -uninstall-service      # the same as the first, from any installed patienced
#
# Without --purge (or PURGE=1) the configuration ($PREFIX/etc/retry), the data
# ($PREFIX/var/lib/retry), the logs ($PREFIX/var/log/retry) and the user are kept.
# PREFIX, DESTDIR, SYSTEMD_UNIT_DIR and LAUNCHD_DIR mean what they mean to install.sh.
set -euo pipefail

PREFIX=${PREFIX:-/usr/local}
DESTDIR=${DESTDIR:-}
PURGE=${PURGE:-0}
SYSTEMD_UNIT_DIR=${SYSTEMD_UNIT_DIR:-/etc/systemd/system}
LAUNCHD_DIR=${LAUNCHD_DIR:-/Library/LaunchDaemons}
for arg in "$@"; do
  case "$arg" in
    --purge) PURGE=1 ;;
    *)
      echo "uninstall.sh: unknown argument '$arg' (only --purge)" >&2
      exit 2
      ;;
  esac
done

say() { echo "uninstall.sh: $*"; }
REAL=no
if [ -z "$DESTDIR" ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "uninstall.sh: run it as root (sudo $0), or point DESTDIR= at a staged tree" >&2
    exit 1
  fi
  REAL=yes
fi
ROOT=$DESTDIR
UNIT=$SYSTEMD_UNIT_DIR/retry-daemon.service
PLIST=$LAUNCHD_DIR/com.retry.daemon.plist

# 1. Stop the service and remove its file.
if [ -f "$ROOT$UNIT" ]; then
  if [ "$REAL" = yes ] && command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
    systemctl disable --now retry-daemon.service || true
  fi
  rm -f "$ROOT$UNIT"
  if [ "$REAL" = yes ] && command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then systemctl daemon-reload; fi
  say "removed $UNIT"
fi
if [ -f "$ROOT$PLIST" ]; then
  if [ "$REAL" = yes ] && command -v launchctl >/dev/null 2>&1; then
    launchctl bootout system/com.retry.daemon 2>/dev/null || launchctl unload "$PLIST" 2>/dev/null || true
  fi
  rm -f "$ROOT$PLIST"
  say "removed $PLIST"
fi

# 2. The programs (a wrapper only if it is ours).
for program in patienced patience; do
  bin=$ROOT$PREFIX/bin/$program
  if [ -f "$bin" ] && grep -q "installed by patience's scripts/install.sh" "$bin"; then
    rm -f "$bin"
    say "removed $PREFIX/bin/$program"
  fi
done
if [ -d "$ROOT$PREFIX/lib/patience" ]; then
  rm -rf "$ROOT$PREFIX/lib/patience"
  say "removed $PREFIX/lib/patience"
fi

# >>> Shell completion and man pages that install.sh put under PREFIX/share, each only if
# it is ours (its header says it was generated from the tables behind --help).
for file in bash-completion/completions/patience bash-completion/completions/patienced \
  zsh/site-functions/_patience fish/vendor_completions.d/patience.fish \
  fish/vendor_completions.d/patienced.fish man/man1/patience.1 man/man8/patienced.8; do
  path=$ROOT$PREFIX/share/$file
  if [ -f "$path" ] && grep -q "from the tables behind --help" "$path"; then
    rm -f "$path"
    say "removed $PREFIX/share/$file"
  fi
done
# <<< Shell completion and man pages.

# 3. Configuration, data, logs and the user: only when asked.
KEPT="$PREFIX/etc/retry $PREFIX/var/lib/retry $PREFIX/var/log/retry"
if [ "$PURGE" = 1 ]; then
  for dir in $KEPT; do
    if [ -d "$ROOT$dir" ]; then
      rm -rf "$ROOT$dir"
      say "removed $dir"
    fi
  done
  if [ "$REAL" = yes ]; then
    if [ "$(uname -s)" = Darwin ]; then
      if dscl . -read /Users/_retry >/dev/null 2>&1; then dscl . -delete /Users/_retry && say "removed the user _retry"; fi
      if dscl . -read /Groups/_retry >/dev/null 2>&1; then dscl . -delete /Groups/_retry; fi
    elif id -u retry >/dev/null 2>&1; then
      userdel retry && say "removed the user retry"
      if getent group retry >/dev/null 2>&1; then groupdel retry || true; fi
    fi
  fi
else
  for dir in $KEPT; do
    if [ -d "$ROOT$dir" ]; then say "kept $dir (remove it with --purge)"; fi
  done
fi
