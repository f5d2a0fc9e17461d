#!/usr/bin/env bash
# Runs a command against a throwaway PostgreSQL 15 cluster, then drops the cluster.
#
#   scripts/with-postgres.sh CMD [ARGS...]
#
# The command sees TAPEWATCH_TEST_PG_URL (a libpq URL of an empty database) and the usual
# PGHOST/PGPORT/PGUSER/PGPASSWORD/PGDATABASE. Uses pg_virtualenv (postgresql-common) with its
# cluster in a temporary directory, also as root, so parallel runs never share a cluster;
# without pg_virtualenv, falls back to initdb/pg_ctl from /usr/lib/postgresql/15/bin.
# Exits 77 (skip) when no PostgreSQL server is installed. TAPEWATCH_PG_NO_VIRTUALENV=1 forces
# the fallback (to test it); TAPEWATCH_PG_BIN names another server build.
set -euo pipefail

if [[ $# -eq 0 ]]; then
  echo "usage: $0 CMD [ARGS...]" >&2
  exit 2
fi

pg_bin=${TAPEWATCH_PG_BIN:-/usr/lib/postgresql/15/bin}

# Inside the cluster: names the database by URL and runs the command.
if [[ ${1:-} == --inside ]]; then
  shift
  export TAPEWATCH_TEST_PG_URL="postgresql://${PGUSER}:${PGPASSWORD:-}@${PGHOST}:${PGPORT}/${PGDATABASE}"
  exec "$@"
fi

if [[ -z ${TAPEWATCH_PG_NO_VIRTUALENV:-} ]] && command -v pg_virtualenv >/dev/null && [[ -x $pg_bin/postgres ]]; then
  # -t: a private temporary cluster directory even as root; fsync off: a throwaway cluster.
  exec pg_virtualenv -t -v 15 -o fsync=off -o max_connections=200 "$0" --inside "$@"
fi

if [[ ! -x $pg_bin/initdb ]]; then
  echo "$0: no PostgreSQL server (pg_virtualenv or $pg_bin/initdb); install postgresql-15" >&2
  exit 77
fi

# Fallback: initdb and pg_ctl in a temporary directory, a Unix socket there, a free TCP port.
dir=$(mktemp -d /tmp/tapewatch-pg.XXXXXX)
run_as=()
if [[ $(id -u) -eq 0 ]]; then
  chown postgres: "$dir"
  run_as=(runuser -u postgres --)
fi
cleanup() {
  "${run_as[@]}" "$pg_bin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap cleanup EXIT
password=$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')
echo "$password" >"$dir/pwfile"
[[ $(id -u) -eq 0 ]] && chown postgres: "$dir/pwfile"
"${run_as[@]}" "$pg_bin/initdb" -D "$dir/data" -U postgres --auth=scram-sha-256 \
  --pwfile="$dir/pwfile" >"$dir/initdb.log"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"${run_as[@]}" "$pg_bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
  -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off -c max_connections=200" \
  start >/dev/null
export PGHOST=127.0.0.1 PGPORT=$port PGUSER=postgres PGPASSWORD=$password PGDATABASE=postgres
set +e
"$0" --inside "$@"
status=$?
set -e
exit $status
