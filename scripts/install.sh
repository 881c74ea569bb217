#!/usr/bin/env bash
# Installs patience and patienced as a service (docs/operations.md):
#
#   npm ci && npm run build && sudo ./scripts/install.sh
#   sudo patienced -install-service       # the same, from an installed npm package
#
# PREFIX (default /usr/local) is where it goes; DESTDIR stages the whole tree into a
# directory instead (for packaging and tests): then no user is created, nothing is chowned
# and no service manager is touched, and root is not needed. TARGET_OS=linux|darwin
# chooses the service file (default: this system's). Running it again upgrades the
# programs and the service file, keeps daemon.json, and restarts a running service.
set -euo pipefail

PREFIX=${PREFIX:-/usr/local}
DESTDIR=${DESTDIR:-}
case "$(uname -s)" in Darwin) TARGET_OS=${TARGET_OS:-darwin} ;; *) TARGET_OS=${TARGET_OS:-linux} ;; esac
NODE=${NODE:-$(command -v node || true)}
SYSTEMD_UNIT_DIR=${SYSTEMD_UNIT_DIR:-/etc/systemd/system}
LAUNCHD_DIR=${LAUNCHD_DIR:-/Library/LaunchDaemons}
SRC=$(cd "$(dirname "$0")/.." && pwd)

die() {
  echo "install.sh: $*" >&2
  exit 1
}
say() { echo "install.sh: $*"; }

# Under systemd the socket and pid file live in the unit's RuntimeDirectory (never in a
# shared /tmp where another user can plant files); launchd has no such directory.
case "$TARGET_OS" in
  linux) SERVICE_USER=retry RUNDIR=/run/retry-daemon SOCKET=/run/retry-daemon/daemon.sock PIDFILE=/run/retry-daemon/daemon.pid ;;
  darwin) SERVICE_USER=_retry RUNDIR= SOCKET=/tmp/retry-daemon.sock PIDFILE=/tmp/retry-daemon.pid ;;
  *) die "TARGET_OS must be linux or darwin, not '$TARGET_OS'" ;;
esac
# Only a real install (as root, no DESTDIR) creates the user and talks to the service manager.
REAL=no
if [ -z "$DESTDIR" ]; then
  [ "$(id -u)" = 0 ] || die "run it as root (sudo $0), or stage into a directory with DESTDIR=/some/dir"
  REAL=yes
fi
[ -n "$NODE" ] && [ -x "$NODE" ] || die "node not found: install Node.js 20 or later system-wide, or set NODE=/path/to/node"
"$NODE" -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 20 ? 0 : 1)' ||
  die "$NODE is Node.js $("$NODE" -v); patience needs 20 or later"
[ -f "$SRC/dist/patienced.cjs" ] && [ -f "$SRC/dist/patience.cjs" ] && [ -f "$SRC/dist/patience-main.cjs" ] || die "build first: npm ci && npm run build"
# The daemon bundle keeps better-sqlite3 (a native addon) outside; these are what it loads,
# each one needing the next.
RUNTIME_MODULES="better-sqlite3 bindings file-uri-to-path"
# Where Node would load NAME from, for code in directory FROM: FROM/node_modules/NAME, else
# the same in each directory above. A checkout has them all in its node_modules; an
# installed package may have them in its own, nested (bindings inside better-sqlite3), or
# hoisted into the node_modules the package itself sits in. Printed without symlinks.
module_dir() { # NAME FROM
  local dir=$2
  while :; do
    if [ -d "$dir/node_modules/$1" ]; then
      (cd "$dir/node_modules/$1" && pwd -P)
      return 0
    fi
    [ "$dir" != / ] || return 1
    dir=$(dirname "$dir")
  done
}
MODULE_DIRS=()
from=$(cd "$SRC" && pwd -P)
for m in $RUNTIME_MODULES; do
  dir=$(module_dir "$m" "$from") || die "node_modules/$m is missing: npm ci (in a checkout), or install the package again"
  MODULE_DIRS+=("$dir")
  from=$dir
done
[ -f "${MODULE_DIRS[0]}/build/Release/better_sqlite3.node" ] ||
  die "better-sqlite3 is not built in ${MODULE_DIRS[0]}: npm ci (in a checkout), or install the package again"

ROOT=$DESTDIR
LIB=$ROOT$PREFIX/lib/patience
ETC=$PREFIX/etc/retry
DATA=$PREFIX/var/lib/retry
LOGS=$PREFIX/var/log/retry
CONFIG=$ETC/daemon.json

render() { # template -> stdout
  sed -e "s|@PREFIX@|$PREFIX|g" -e "s|@CONFIG@|$CONFIG|g" -e "s|@SOCKET@|$SOCKET|g" -e "s|@PIDFILE@|$PIDFILE|g" -e "s|@USER@|$SERVICE_USER|g" -e "s|@NODE@|$NODE|g" -e "s|@PROGRAM@|${2:-}|g" "$SRC/scripts/service/$1"
}

# 1. The programs: a new tree beside the old one, then swapped in, so a running daemon
#    keeps the files it has open and an interrupted install leaves the old one whole.
mkdir -p "$ROOT$PREFIX/lib" "$ROOT$PREFIX/bin"
STAGE=$(mktemp -d "$ROOT$PREFIX/lib/.patience.XXXXXX")
trap 'rm -rf "$STAGE"' EXIT
mkdir -p "$STAGE/node_modules"
# All of dist/: the bundles, their source maps, and the dashboard's files (dist/web/), which
# the daemon serves from beside its bundle.
cp -R "$SRC/dist" "$STAGE/dist"
# The installer itself, so that the installed patienced can -uninstall-service (and
# -install-service again) without the package or checkout it came from.
mkdir -p "$STAGE/scripts"
cp "$SRC/scripts/install.sh" "$SRC/scripts/uninstall.sh" "$STAGE/scripts/"
cp -R "$SRC/scripts/service" "$STAGE/scripts/service"
i=0
for m in $RUNTIME_MODULES; do
  dir=${MODULE_DIRS[$i]}
  i=$((i + 1))
  if [ "$m" = better-sqlite3 ]; then
    # Only what runs: not the SQLite sources nor the build's intermediate files.
    mkdir -p "$STAGE/node_modules/$m/build/Release"
    cp -R "$dir/package.json" "$dir/lib" "$STAGE/node_modules/$m/"
    if [ -f "$dir/LICENSE" ]; then cp "$dir/LICENSE" "$STAGE/node_modules/$m/"; fi
    cp "$dir/build/Release/better_sqlite3.node" "$STAGE/node_modules/$m/build/Release/"
  else
    cp -R "$dir" "$STAGE/node_modules/$m"
  fi
done
VERSION=$("$NODE" -p 'require(process.argv[1]).version' "$SRC/package.json")
printf '{\n  "name": "patience",\n  "version": "%s",\n  "private": true\n}\n' "$VERSION" >"$STAGE/package.json"
chmod -R u=rwX,go=rX "$STAGE"
if [ -d "$LIB" ]; then
  mv "$LIB" "$LIB.old.$$"
  mv "$STAGE" "$LIB"
  rm -rf "$LIB.old.$$"
else
  mv "$STAGE" "$LIB"
fi
trap - EXIT
for program in patienced patience; do
  render wrapper.sh.in "$program" >"$ROOT$PREFIX/bin/$program.new"
  chmod 0755 "$ROOT$PREFIX/bin/$program.new"
  mv "$ROOT$PREFIX/bin/$program.new" "$ROOT$PREFIX/bin/$program"
done
say "installed patience $VERSION in $PREFIX/lib/patience, with $PREFIX/bin/patienced and $PREFIX/bin/patience (node: $NODE)"

# >>> Shell completion and man pages: written into dist/ by the build (scripts/build.mjs),
# copied where each shell and man(1) look under PREFIX. bash-completion loads a file by the
# command's name, so the one bash script goes in under both names; zsh's _patience serves both.
SHARE=$ROOT$PREFIX/share
if [ -d "$SRC/dist/completion" ] && [ -f "$SRC/dist/man/patience.1" ]; then
  put() { # source target: replaced whole, mode 0644
    mkdir -p "$(dirname "$2")"
    cp "$1" "$2.new"
    chmod 0644 "$2.new"
    mv "$2.new" "$2"
  }
  for program in patience patienced; do
    put "$SRC/dist/completion/patience.bash" "$SHARE/bash-completion/completions/$program"
    put "$SRC/dist/completion/$program.fish" "$SHARE/fish/vendor_completions.d/$program.fish"
  done
  put "$SRC/dist/completion/_patience" "$SHARE/zsh/site-functions/_patience"
  put "$SRC/dist/man/patience.1" "$SHARE/man/man1/patience.1"
  put "$SRC/dist/man/patienced.8" "$SHARE/man/man8/patienced.8"
  say "installed bash, zsh and fish completion and the man pages patience(1) and patienced(8) in $PREFIX/share"
else
  say "warning: no shell completion nor man pages in dist/ (built by an older version?): run npm run build and install again"
fi
# <<< Shell completion and man pages.

# 2. The service user (real installs only).
if [ "$REAL" = yes ]; then
  if [ "$TARGET_OS" = linux ]; then
    if ! id -u "$SERVICE_USER" >/dev/null 2>&1; then
      useradd --system --user-group --home-dir "$DATA" --no-create-home --shell "$(command -v nologin || echo /bin/false)" \
        --comment "patienced metrics daemon" "$SERVICE_USER"
      say "created the system user $SERVICE_USER"
    fi
  elif ! dscl . -read "/Users/$SERVICE_USER" >/dev/null 2>&1; then
    # The first ID below 500 (system range) free for both a user and a group.
    used=$( (dscl . -list /Users UniqueID; dscl . -list /Groups PrimaryGroupID) | awk '{print $2}')
    id=300
    while echo "$used" | grep -qx "$id"; do id=$((id + 1)); done
    [ "$id" -lt 500 ] || die "no free system user ID below 500 for $SERVICE_USER"
    dscl . -create "/Groups/$SERVICE_USER" PrimaryGroupID "$id"
    dscl . -create "/Groups/$SERVICE_USER" RealName "patienced metrics daemon"
    dscl . -create "/Users/$SERVICE_USER" UniqueID "$id"
    dscl . -create "/Users/$SERVICE_USER" PrimaryGroupID "$id"
    dscl . -create "/Users/$SERVICE_USER" UserShell /usr/bin/false
    dscl . -create "/Users/$SERVICE_USER" NFSHomeDirectory /var/empty
    dscl . -create "/Users/$SERVICE_USER" RealName "patienced metrics daemon"
    dscl . -create "/Users/$SERVICE_USER" IsHidden 1
    say "created the system user $SERVICE_USER (uid $id)"
  fi
fi

# 3. Directories, and a default configuration that is never overwritten.
mkdir -p "$ROOT$ETC" "$ROOT$DATA" "$ROOT$LOGS"
chmod 0755 "$ROOT$ETC" "$ROOT$LOGS"
chmod 0750 "$ROOT$DATA"
if [ "$REAL" = yes ]; then
  chown "$SERVICE_USER:$SERVICE_USER" "$ROOT$DATA" "$ROOT$LOGS"
fi
if [ -e "$ROOT$CONFIG" ]; then
  say "kept the existing $CONFIG"
  if [ -n "$RUNDIR" ] && grep -q '"/tmp/retry-daemon\.\(sock\|pid\)"' "$ROOT$CONFIG"; then
    say "note: the service now keeps its socket and pid file in $RUNDIR; set \"socket_path\": \"$SOCKET\" and \"pid_file\": \"$PIDFILE\" in $CONFIG so that 'patienced -status' and '-stop' find it"
  fi
else
  render daemon.json.in >"$ROOT$CONFIG"
  chmod 0644 "$ROOT$CONFIG"
  say "wrote $CONFIG"
fi

# 4. The service file; a running service is restarted onto the new programs.
if [ "$TARGET_OS" = linux ]; then
  UNIT=$SYSTEMD_UNIT_DIR/retry-daemon.service
  mkdir -p "$ROOT$SYSTEMD_UNIT_DIR"
  render retry-daemon.service.in >"$ROOT$UNIT"
  chmod 0644 "$ROOT$UNIT"
  say "wrote $UNIT"
  if [ "$REAL" = yes ] && command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
    systemctl daemon-reload
    systemctl try-restart retry-daemon.service
    say "next: systemctl enable --now retry-daemon   (status: systemctl status retry-daemon; logs: journalctl -u retry-daemon -f)"
  fi
else
  PLIST=$LAUNCHD_DIR/com.retry.daemon.plist
  mkdir -p "$ROOT$LAUNCHD_DIR"
  render com.retry.daemon.plist.in >"$ROOT$PLIST"
  chmod 0644 "$ROOT$PLIST"
  say "wrote $PLIST"
  if [ "$REAL" = yes ]; then
    chown root:wheel "$PLIST"
    if launchctl list com.retry.daemon >/dev/null 2>&1; then
      launchctl kickstart -k system/com.retry.daemon
      say "restarted com.retry.daemon"
    else
      say "next: launchctl load $PLIST   (logs: tail -f $LOGS/daemon.log)"
    fi
  fi
fi
