#!/usr/bin/env bash
# Run a real Medusa v2 server locally for orderbridge's Medusa connector tests.
#
# Usage:
#   scripts/medusa/run.sh [start]   install (if needed), fresh DB, migrate, admin user,
#                                   start server in background, seed, write seed.json
#   scripts/medusa/run.sh stop      stop the server started by this script
#   scripts/medusa/run.sh status    print whether the server is running
#
# Environment (defaults in brackets):
#   MEDUSA_WORK_DIR        work dir for node_modules, logs, pid, seed.json [/tmp/orderbridge-medusa]
#   MEDUSA_DB              database name, DROPPED and recreated on start [orderbridge_medusa]
#   MEDUSA_PG              PostgreSQL URL without database [postgres://postgres@127.0.0.1:5432]
#   MEDUSA_PORT            HTTP port [9000]
#   MEDUSA_ADMIN_EMAIL     admin user [admin@orderbridge.test]
#   MEDUSA_ADMIN_PASSWORD  admin password [orderbridge-admin]
#   MEDUSA_START_TIMEOUT   seconds to wait for /health [180]
#
# Needs: node >= 20.19 with npm, psql, curl. Nothing is written to the git tree:
# the project files (package.json, package-lock.json, medusa-config.ts,
# tsconfig.json, seed.mjs) are copied to MEDUSA_WORK_DIR and `npm ci` runs there.
# The install is skipped when node_modules was installed from the same
# package-lock.json (sha256 stamp in node_modules/.orderbridge-lock.sha256).
#
# Files in MEDUSA_WORK_DIR: server.log, server.pid, seed.json (see FACTS.md for
# its shape), install.log, migrate.log.
set -euo pipefail

SRC_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
WORK="${MEDUSA_WORK_DIR:-/tmp/orderbridge-medusa}"
DB="${MEDUSA_DB:-orderbridge_medusa}"
PG="${MEDUSA_PG:-postgres://postgres@127.0.0.1:5432}"
PG="${PG%/}"
PORT="${MEDUSA_PORT:-9000}"
ADMIN_EMAIL="${MEDUSA_ADMIN_EMAIL:-admin@orderbridge.test}"
ADMIN_PASSWORD="${MEDUSA_ADMIN_PASSWORD:-orderbridge-admin}"
START_TIMEOUT="${MEDUSA_START_TIMEOUT:-180}"
BASE_URL="http://127.0.0.1:${PORT}"
PID_FILE="$WORK/server.pid"
LOG_FILE="$WORK/server.log"
STAMP="$WORK/node_modules/.orderbridge-lock.sha256"

log() { printf '[medusa] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

is_running() {
  [[ -f "$PID_FILE" ]] && kill -0 "$(cat "$PID_FILE")" 2>/dev/null
}

stop_server() {
  if ! [[ -f "$PID_FILE" ]]; then
    log "not running (no $PID_FILE)"
    return 0
  fi
  local pid
  pid="$(cat "$PID_FILE")"
  if kill -0 "$pid" 2>/dev/null; then
    log "stopping server pid $pid"
    # The server was started with setsid, so its pid is also its process group.
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 30); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.5
    done
    if kill -0 "$pid" 2>/dev/null; then
      log "server did not stop after 15 s, sending KILL"
      kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
    fi
  else
    log "stale pid file (pid $pid not running)"
  fi
  rm -f "$PID_FILE"
}

install_packages() {
  mkdir -p "$WORK"
  local f
  for f in package.json package-lock.json medusa-config.ts tsconfig.json seed.mjs; do
    cp "$SRC_DIR/$f" "$WORK/$f"
  done
  local want
  want="$(sha256sum "$WORK/package-lock.json" | cut -d' ' -f1)"
  if [[ -f "$STAMP" && "$(cat "$STAMP")" == "$want" ]]; then
    log "node_modules up to date for this package-lock.json, skipping npm ci"
    return 0
  fi
  log "npm ci in $WORK (takes ~2 min, log: $WORK/install.log)"
  local t0=$SECONDS
  (cd "$WORK" && npm ci --no-audit --no-fund >"$WORK/install.log" 2>&1) \
    || { tail -n 30 "$WORK/install.log" >&2; die "npm ci failed"; }
  echo "$want" >"$STAMP"
  log "npm ci done in $((SECONDS - t0)) s"
}

reset_database() {
  [[ "$DB" =~ ^[A-Za-z0-9_]+$ ]] || die "MEDUSA_DB must match [A-Za-z0-9_]+"
  log "recreating database $DB on $PG"
  psql "$PG/postgres" -v ON_ERROR_STOP=1 -q \
    -c "DROP DATABASE IF EXISTS \"$DB\" WITH (FORCE)" \
    -c "CREATE DATABASE \"$DB\"" >/dev/null
}

start() {
  command -v psql >/dev/null || die "psql not found"
  command -v curl >/dev/null || die "curl not found"
  command -v node >/dev/null || die "node not found"

  stop_server
  if curl -sf -o /dev/null "$BASE_URL/health"; then
    die "something else already answers on $BASE_URL (set MEDUSA_PORT)"
  fi

  install_packages
  reset_database

  export DATABASE_URL="$PG/$DB"
  export MEDUSA_DISABLE_TELEMETRY=true
  export NODE_ENV="${NODE_ENV:-production}"
  export PORT
  local medusa="$WORK/node_modules/.bin/medusa"

  log "running migrations (log: $WORK/migrate.log)"
  local t0=$SECONDS
  (cd "$WORK" && "$medusa" db:migrate >"$WORK/migrate.log" 2>&1) \
    || { tail -n 30 "$WORK/migrate.log" >&2; die "db:migrate failed"; }
  log "migrations done in $((SECONDS - t0)) s"

  log "creating admin user $ADMIN_EMAIL"
  (cd "$WORK" && "$medusa" user -e "$ADMIN_EMAIL" -p "$ADMIN_PASSWORD" >>"$WORK/migrate.log" 2>&1) \
    || { tail -n 30 "$WORK/migrate.log" >&2; die "creating admin user failed"; }

  log "starting server on port $PORT (log: $LOG_FILE)"
  t0=$SECONDS
  # exec: the background subshell becomes setsid, which (not being a group
  # leader) becomes the node process itself, so $! is the server's pid and
  # its own process group. All fds are redirected so callers piping our
  # output do not wait for the server.
  (cd "$WORK" && exec setsid "$medusa" start --port "$PORT") >"$LOG_FILE" 2>&1 </dev/null &
  local pid=$!
  echo "$pid" >"$PID_FILE"
  local deadline=$((SECONDS + START_TIMEOUT))
  until curl -sf -o /dev/null "$BASE_URL/health"; do
    if ! kill -0 "$pid" 2>/dev/null; then
      tail -n 40 "$LOG_FILE" >&2
      rm -f "$PID_FILE"
      die "server exited during start-up"
    fi
    if ((SECONDS > deadline)); then
      tail -n 40 "$LOG_FILE" >&2
      stop_server
      die "server not healthy after $START_TIMEOUT s"
    fi
    sleep 1
  done
  log "server healthy (pid $pid) after $((SECONDS - t0)) s"

  log "seeding through the Admin API"
  MEDUSA_URL="$BASE_URL" MEDUSA_ADMIN_EMAIL="$ADMIN_EMAIL" MEDUSA_ADMIN_PASSWORD="$ADMIN_PASSWORD" \
    MEDUSA_SEED_OUT="$WORK/seed.json" node "$WORK/seed.mjs" >"$WORK/seed.log" 2>&1 \
    || { cat "$WORK/seed.log" >&2; die "seeding failed (server left running; run '$0 stop')"; }
  log "seed written to $WORK/seed.json"
  cat "$WORK/seed.json"
}

case "${1:-start}" in
  start) start ;;
  stop) stop_server ;;
  status)
    if is_running; then echo "running (pid $(cat "$PID_FILE")) on $BASE_URL"; else echo "not running"; exit 1; fi
    ;;
  *) die "usage: $0 [start|stop|status]" ;;
esac
