#!/usr/bin/env bash
# LangGraph's own PostgresSaver (langgraph-checkpoint-postgres 3.2.x, from PyPI) runs
# on a tenant schema that `ratiba tenants create` made on PostgreSQL: its setup()
# finds nothing to migrate and creates nothing in public, then a checkpoint is put
# and read back. Runs after cargo test, while the PostgreSQL of
# scripts/services/postgres.sh is still up (RATIBA_TEST_DATABASE_URL exported).
set -euo pipefail
cd "$(dirname "$0")/../.."

if [ -z "${RATIBA_TEST_DATABASE_URL:-}" ]; then
    if [ "${CI:-}" = "true" ]; then
        echo "langgraph_postgres: RATIBA_TEST_DATABASE_URL is not set under CI=true" >&2
        exit 1
    fi
    echo "langgraph_postgres: skipped, no test PostgreSQL (RATIBA_TEST_DATABASE_URL unset)"
    exit 0
fi

source scripts/lib/venv.sh
ratiba_venv langgraph-postgres "langgraph-checkpoint-postgres==3.2.*" "psycopg[binary]>=3.2" "pytest>=8"

data=$(mktemp -d)
db="ratiba_lg_$(date +%s)_$RANDOM"
# The server URL with our own database in place of its path.
db_url=$("$VENV_PY" - "$RATIBA_TEST_DATABASE_URL" "$db" <<'PY'
import sys
from urllib.parse import urlsplit, urlunsplit
u = urlsplit(sys.argv[1])
print(urlunsplit((u.scheme, u.netloc, "/" + sys.argv[2], u.query, u.fragment)))
PY
)
admin_sql() {
    "$VENV_PY" - "$RATIBA_TEST_DATABASE_URL" "$1" <<'PY'
import sys, psycopg
with psycopg.connect(sys.argv[1], autocommit=True) as conn:
    conn.execute(sys.argv[2])
PY
}
cleanup() {
    admin_sql "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)" || true
    rm -rf "$data"
}
trap cleanup EXIT
admin_sql "CREATE DATABASE \"$db\""

export DATABASE_URL="$db_url"
unset KEYCLOAK_URL RATIBA_ENCRYPTION_KEY
ratiba() { cargo run -q -p ratiba-cli --bin ratiba -- --data-dir "$data" "$@"; }
ratiba tenants create --from-json examples/spa_pilot.json >/dev/null
ratiba tenants verify spa_pilot >/dev/null
ratiba migrate

# The operators' own check, where psql is at hand.
psql_bin=$(command -v psql || echo /usr/lib/postgresql/15/bin/psql)
if [ -x "$psql_bin" ]; then
    "$psql_bin" "$db_url" -qc '\dt tenant_spa_pilot.*' | grep -q checkpoint_writes
fi

RATIBA_PG_URL="$db_url" RATIBA_TENANT_SCHEMA=tenant_spa_pilot \
    "$VENV_PY" -m pytest -q tests/python/test_langgraph_postgres.py
