#!/usr/bin/env bash
# Run a command against a throwaway PostgreSQL cluster: initdb in a temporary directory, start it on a
# free local port (waiting up to 10 minutes for it to accept connections: CI machines are slow at times),
# export TRACKER_TEST_DATABASE_URL, run the command, stop and delete the cluster.
# Without PostgreSQL installed it says so and succeeds, except on CI where the run is required.
set -euo pipefail
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
if [[ -z "$bin" || ! -x "$bin/initdb" ]]; then
  if [[ -n "${CI:-}" ]]; then echo "PostgreSQL is required on CI but not installed" >&2; exit 1; fi
  echo "PostgreSQL is not installed: the PostgreSQL run is skipped (apt-get install postgresql to enable it)."
  exit 0
fi
dir=$(mktemp -d /tmp/tracker-pg.XXXXXX)
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
as_pg() {
  if [[ $(id -u) -eq 0 ]]; then su postgres -s /bin/sh -c "$1"; else sh -c "$1"; fi
}
[[ $(id -u) -eq 0 ]] && chown postgres "$dir"
stop() { as_pg "'$bin/pg_ctl' -D '$dir/data' -m immediate stop" >/dev/null 2>&1 || true; rm -rf "$dir"; }
trap stop EXIT
as_pg "'$bin/initdb' -D '$dir/data' -A trust -U postgres -E UTF8 --locale=C.UTF-8" >/dev/null
as_pg "'$bin/pg_ctl' -D '$dir/data' -l '$dir/log' -w -t 600 -o \"-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off\" start" >/dev/null
export TRACKER_TEST_DATABASE_URL="postgresql+psycopg://postgres@127.0.0.1:$port/postgres"
echo "PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on port $port"
"$@"
