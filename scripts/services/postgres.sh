# shellcheck shell=bash
# Sourced by scripts/test.sh (under `set -euo pipefail`): provides a PostgreSQL for
# the tests and exports RATIBA_TEST_DATABASE_URL.
#
# - DATABASE_URL set: the tests use that server (they create and drop databases of
#   their own in it, named ratiba_test_*).
# - Otherwise: a throwaway PostgreSQL 15 from /usr/lib/postgresql/15/bin (installed
#   from Debian's packages when missing), in a temp dir under target/, on a free
#   loopback port, stopped and removed by the CLEANUP hook of scripts/test.sh.
#   initdb refuses to run as root, so as root the server runs as the `postgres`
#   user (created when missing).

if [ -n "${DATABASE_URL:-}" ]; then
    export RATIBA_TEST_DATABASE_URL="$DATABASE_URL"
    echo "postgres: using DATABASE_URL for the tests"
else
    _pg_bin="${RATIBA_PG_BIN:-/usr/lib/postgresql/15/bin}"
    if [ ! -x "$_pg_bin/initdb" ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        echo "postgres: installing postgresql-15 from Debian's packages"
        DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-15 >/dev/null
    fi
    if [ ! -x "$_pg_bin/initdb" ]; then
        echo "postgres: no initdb in $_pg_bin; install postgresql-15 or set DATABASE_URL" >&2
        return 1
    fi

    # Run the server's commands as `postgres` when we are root.
    _pg_as=()
    if [ "$(id -u)" = 0 ]; then
        if ! id postgres >/dev/null 2>&1; then
            useradd --system --home-dir /var/lib/postgresql --shell /bin/bash postgres
        fi
        _pg_as=(runuser -u postgres --)
    fi

    mkdir -p target
    _pg_dir="$(mktemp -d "$PWD/target/postgres.XXXXXX")"
    if [ "$(id -u)" = 0 ]; then chown postgres "$_pg_dir"; fi

    # A free loopback port: nothing answers on it.
    _pg_port=""
    for _p in $(seq $((54320 + RANDOM % 500)) 55400); do
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$_p") 2>/dev/null; then
            _pg_port="$_p"
            break
        fi
    done
    if [ -z "$_pg_port" ]; then
        echo "postgres: no free port found" >&2
        return 1
    fi

    "${_pg_as[@]}" "$_pg_bin/initdb" -D "$_pg_dir/data" -U postgres -A trust -E UTF8 \
        --locale=C.UTF-8 --no-sync >"$_pg_dir/initdb.log" 2>&1 || {
        cat "$_pg_dir/initdb.log" >&2
        return 1
    }
    # fsync stays on: the benchmark and the tests see what a real server does.
    "${_pg_as[@]}" "$_pg_bin/pg_ctl" -D "$_pg_dir/data" -l "$_pg_dir/server.log" -w -t 60 \
        -o "-p $_pg_port -k $_pg_dir -c listen_addresses=127.0.0.1 -c max_connections=300" \
        start >/dev/null || {
        cat "$_pg_dir/server.log" >&2
        return 1
    }
    CLEANUP+=("${_pg_as[*]} $_pg_bin/pg_ctl -D $_pg_dir/data -m fast -w stop >/dev/null; rm -rf $_pg_dir")
    export RATIBA_TEST_DATABASE_URL="postgres://postgres@127.0.0.1:$_pg_port/postgres"
    echo "postgres: PostgreSQL 15 on 127.0.0.1:$_pg_port (data in $_pg_dir)"
    unset _pg_bin _pg_dir _pg_port _p _pg_as
fi
