#!/usr/bin/env bash
# Install Debian's PostgreSQL (when missing), start a cluster, create a role and a database for
# the aidtrace tests, and print the URL as `export AIDTRACE_TEST_PG=...`.
#
#   eval "$(.ci/postgres.sh)"      # from .ci/run, before the tests
#
# Everything but the final export line goes to stderr, so `eval` sees only the URL.
# Needs root (apt-get, and running the server as the postgres user). Idempotent.
set -euo pipefail

PG_ROLE="${AIDTRACE_PG_ROLE:-aidtrace}"
PG_PASSWORD="${AIDTRACE_PG_PASSWORD:-aidtrace}"
PG_DB="${AIDTRACE_PG_DB:-aidtrace_test}"
log() { echo "postgres.sh: $*" >&2; }

if ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
  log "installing postgresql from Debian's packages"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq postgresql >&2
fi

VERSION="$(ls /usr/lib/postgresql | sort -V | tail -n 1)"
if ! pg_lsclusters -h | awk '{print $1" "$2}' | grep -qx "$VERSION main"; then
  log "creating cluster $VERSION/main"
  pg_createcluster "$VERSION" main >&2
fi
if ! pg_lsclusters -h | awk -v v="$VERSION" '$1==v && $2=="main" {print $4}' | grep -q online; then
  log "starting cluster $VERSION/main"
  pg_ctlcluster "$VERSION" main start >&2
fi
PORT="$(pg_lsclusters -h | awk -v v="$VERSION" '$1==v && $2=="main" {print $3}')"

for _ in $(seq 1 30); do
  if su postgres -c "pg_isready -q -p $PORT" 2>/dev/null; then break; fi
  sleep 1
done

psql_admin() { su postgres -c "psql -v ON_ERROR_STOP=1 -qtA -p $PORT $*"; }
# CREATEDB lets the tests create one scratch database per test (each test starts empty).
if [ "$(psql_admin "-c \"SELECT 1 FROM pg_roles WHERE rolname='$PG_ROLE'\"")" != "1" ]; then
  log "creating role $PG_ROLE"
  psql_admin "-c \"CREATE ROLE $PG_ROLE LOGIN CREATEDB PASSWORD '$PG_PASSWORD'\"" >&2
fi
if [ "$(psql_admin "-c \"SELECT 1 FROM pg_database WHERE datname='$PG_DB'\"")" != "1" ]; then
  log "creating database $PG_DB"
  psql_admin "-c \"CREATE DATABASE $PG_DB OWNER $PG_ROLE\"" >&2
fi

URL="postgresql://$PG_ROLE:$PG_PASSWORD@127.0.0.1:$PORT/$PG_DB"
log "ready: $URL"
echo "export AIDTRACE_TEST_PG=$URL"
