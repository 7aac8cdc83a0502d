#!/usr/bin/env bash
# Makes a fresh machine ready to run netfleet's fleet and tests: npm packages, Open vSwitch and
# its test controller, and PostgreSQL / NATS (JetStream) running on loopback. Safe to run again:
# each step only acts when something is missing. Fails with one clear line naming what to do.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf 'bootstrap: %s\n' "$*" >&2; }
die() { printf 'bootstrap: error: %s\n' "$*" >&2; exit 1; }

PG_HOST=${NETFLEET_PG_HOST:-127.0.0.1}
PG_PORT=${NETFLEET_PG_PORT:-5432}
NATS_HOST=127.0.0.1
NATS_PORT=4222

# --- Node.js -----------------------------------------------------------------------------------
node_ok=$(node -e 'const [a,b]=process.versions.node.split(".").map(Number); console.log(a>20||(a===20&&b>=19)?1:0)' 2>/dev/null || echo 0)
[ "$node_ok" = 1 ] || die "Node.js >= 20.19 is required (found: $(node --version 2>/dev/null || echo none)). Install it, then run this again."

# --- npm packages: install when node_modules is missing or older than the lock file ------------
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "installing npm packages"
  npm install --no-audit --no-fund --loglevel=error >&2 || die "npm install failed (see above). Check that the npm registry is reachable."
fi

# --- The dashboard (served by the API at /): built when dist is missing or older than its sources -
dash=services/dashboard
if [ -d $dash ] && { [ ! -f $dash/dist/index.html ] ||
     [ -n "$(find $dash/src $dash/index.html $dash/vite.config.ts $dash/package.json -newer $dash/dist/index.html -print -quit)" ]; }; then
  say "building the dashboard"
  npm run build -w @netfleet/dashboard --silent >&2 || die "building the dashboard failed (see above); run: npm run build -w @netfleet/dashboard"
fi

# --- Debian packages ---------------------------------------------------------------------------
as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    die "need root to run '$*' (not root, no sudo). Run it yourself, then run this again."; fi
}
apt_updated=0
apt_install() {
  command -v apt-get >/dev/null || die "apt-get not found: install the Debian packages '$*' by other means, then run this again."
  if [ $apt_updated = 0 ]; then say "apt-get update"; as_root apt-get update -qq >&2 || die "apt-get update failed"; apt_updated=1; fi
  say "installing Debian packages: $*"
  # The packages' init scripts would start system-wide OVS daemons we don't use: netfleet runs
  # its own sandboxes. policy-rc.d 101 tells invoke-rc.d not to start services during install.
  local policy=/usr/sbin/policy-rc.d created_policy=0
  if [ ! -e $policy ]; then as_root sh -c "printf '#!/bin/sh\nexit 101\n' > $policy && chmod +x $policy"; created_policy=1; fi
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "$@" >&2 || {
    [ $created_policy = 1 ] && as_root rm -f $policy; die "apt-get install $* failed (see above)"; }
  [ $created_policy = 1 ] && as_root rm -f $policy
  return 0
}

need=()
command -v ovs-vsctl >/dev/null && command -v ovs-vswitchd >/dev/null && command -v ovsdb-server >/dev/null || need+=(openvswitch-switch)
command -v ovs-testcontroller >/dev/null || need+=(openvswitch-testcontroller)
port_open() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }
if ! port_open "$PG_HOST" "$PG_PORT" && ! command -v pg_ctlcluster >/dev/null; then need+=(postgresql); fi
# The bus tests run nats-server instances of their own, so the program is needed even when a
# server already answers on 4222.
command -v nats-server >/dev/null || [ -x /usr/sbin/nats-server ] || need+=(nats-server)
# The outage tests stop and start a PostgreSQL of their own (initdb, pg_ctl: Debian's server
# binaries, even when the shared server runs elsewhere) and give an agent a jumping clock
# (libfaketime, package 'faketime').
case "${npm_lifecycle_event:-bootstrap}" in test|bootstrap)
  compgen -G '/usr/lib/postgresql/*/bin/pg_ctl' >/dev/null || need+=(postgresql)
  [ -e /usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1 ] || compgen -G '/usr/lib/*/faketime/libfaketime.so.1' >/dev/null || need+=(faketime) ;;
esac
# Debian's Chromium, for the dashboard's browser tests and bench (playwright-core drives it; no
# browser is ever downloaded). Only for npm test / npm run bench / npm run bootstrap, not the fleet.
case "${npm_lifecycle_event:-bootstrap}" in test|bench|bootstrap) [ -x /usr/bin/chromium ] || need+=(chromium) ;; esac
# The unit tests check deploy/systemd with systemd-analyze (Debian's package 'systemd' has it) and
# npm run package needs dpkg-deb (package 'dpkg', always there on Debian).
case "${npm_lifecycle_event:-bootstrap}" in test|bootstrap|package) command -v systemd-analyze >/dev/null || need+=(systemd) ;; esac
# The fault suite (test/faults) cuts agents off in network namespaces (iproute2) and jumps one
# agent's clock (faketime).
case "${npm_lifecycle_event:-bootstrap}" in test|test:faults|bootstrap) command -v ip >/dev/null || need+=(iproute2); command -v faketime >/dev/null || need+=(faketime) ;; esac
# libvirt and qemu, for the libvirt tests and `npm run fleet -- --libvirt` (NETFLEET_LIBVIRT=1): each
# host runs a sandboxed libvirtd of its own (shared/ovs-sandbox libvirt-sandbox); the system-wide libvirtd is
# never started (policy-rc.d above) and its default network never touched.
case "${npm_lifecycle_event:-bootstrap}:${NETFLEET_LIBVIRT:-}" in test:*|test:faults:*|bootstrap:*|bench:*|*:1)
  command -v libvirtd >/dev/null || need+=(libvirt-daemon-system)
  command -v virsh >/dev/null || need+=(libvirt-clients)
  command -v qemu-system-x86_64 >/dev/null || need+=(qemu-system-x86) ;;
esac
[ ${#need[@]} = 0 ] || apt_install "${need[@]}"

# --- PostgreSQL ----------------------------------------------------------------------------------
wait_port() { # host port seconds
  local deadline=$((SECONDS + $3)); until port_open "$1" "$2"; do
    [ $SECONDS -lt $deadline ] || return 1; sleep 0.2; done
}
if ! port_open "$PG_HOST" "$PG_PORT"; then
  version=$(ls /etc/postgresql 2>/dev/null | sort -V | tail -1)
  [ -n "$version" ] || die "PostgreSQL is installed but has no cluster in /etc/postgresql; create one (pg_createcluster) or set NETFLEET_PG_URL."
  say "starting PostgreSQL $version"
  as_root pg_ctlcluster --skip-systemctl-redirect "$version" main start >&2 || die "could not start PostgreSQL $version (pg_ctlcluster failed, see above)"
  wait_port "$PG_HOST" "$PG_PORT" 30 || die "PostgreSQL did not accept connections on $PG_HOST:$PG_PORT within 30 s"
fi
if [ -z "${NETFLEET_PG_URL:-}" ] && command -v psql >/dev/null; then
  # Tests and the dev fleet connect as the 'postgres' user over loopback. A stock Debian cluster
  # asks for a password there; this machine kind uses trust. Say so rather than hang.
  psql "postgres://postgres@$PG_HOST:$PG_PORT/postgres" -w -qAtc 'select 1' >/dev/null 2>&1 ||
    die "cannot connect to PostgreSQL as postgres@$PG_HOST:$PG_PORT without a password. Allow trust auth for loopback in pg_hba.conf, or set NETFLEET_PG_URL to a URL of a role that may CREATE DATABASE."
fi

# --- NATS with JetStream ---------------------------------------------------------------------------
if ! port_open $NATS_HOST $NATS_PORT; then
  say "starting nats-server with JetStream on $NATS_HOST:$NATS_PORT"
  store=/var/lib/nats-server
  as_root mkdir -p $store
  if command -v start-stop-daemon >/dev/null; then
    as_root start-stop-daemon --start --oknodo --background --exec "$(command -v nats-server)" -- \
      -a $NATS_HOST -p $NATS_PORT -js -sd $store -l /var/log/nats-server.log >&2
  else
    nohup nats-server -a $NATS_HOST -p $NATS_PORT -js -sd $store >/tmp/nats-server.log 2>&1 &
  fi
  wait_port $NATS_HOST $NATS_PORT 30 || die "nats-server did not accept connections on $NATS_HOST:$NATS_PORT within 30 s"
fi

say "ready"
