#!/usr/bin/env bash
# Installs (when missing) and starts PostgreSQL, and creates the test role. Idempotent.
# Prints the connection string the tests read from WADISPATCH_TEST_POSTGRES.
set -euo pipefail

if ! command -v pg_ctlcluster >/dev/null 2>&1 || ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
    apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
fi

version=$(ls /usr/lib/postgresql | sort -n | tail -1)
if ! pg_lsclusters -h | awk '{print $1" "$2}' | grep -q "^$version main$"; then
    pg_createcluster "$version" main >&2
fi
if ! pg_lsclusters -h | awk '$1=="'"$version"'" && $2=="main" {print $4}' | grep -q online; then
    pg_ctlcluster "$version" main start >&2
fi

for _ in $(seq 1 30); do
    su postgres -c "psql -qtAc 'SELECT 1'" >/dev/null 2>&1 && break
    sleep 1
done

su postgres -c "psql -qtAc \"DO \\\$\\\$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'wadispatch') THEN
    CREATE ROLE wadispatch LOGIN CREATEDB PASSWORD 'wadispatch';
  END IF;
END \\\$\\\$;\"" >&2
if ! su postgres -c "psql -qtAc \"SELECT 1 FROM pg_database WHERE datname = 'wadispatch'\"" | grep -q 1; then
    su postgres -c "createdb -O wadispatch wadispatch" >&2
fi

port=$(pg_lsclusters -h | awk '$1=="'"$version"'" && $2=="main" {print $3}')
echo "Host=127.0.0.1;Port=$port;Username=wadispatch;Password=wadispatch;Database=wadispatch"
