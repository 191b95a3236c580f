#!/usr/bin/env bash
# Start a throwaway PostgreSQL 15 cluster on a Unix socket; print its SQLAlchemy URL.
# Source-safe: used by .ci/run. PostgreSQL refuses to run as root, so it runs as `postgres`.
set -euo pipefail
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql) >&2
fi
PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
PGDIR=$(mktemp -d /tmp/finsam-pg.XXXXXX)
chown postgres "$PGDIR"
runuser -u postgres -- "$PGBIN/initdb" -D "$PGDIR/data" -A trust -U postgres >/dev/null
runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PGDIR/data" -l "$PGDIR/log" -w \
  -o "-k $PGDIR -c listen_addresses='' -c fsync=off" start >/dev/null
echo "$PGDIR"
