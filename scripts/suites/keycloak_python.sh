#!/usr/bin/env bash
# A realm made by `ratiba tenants create` against the test Keycloak, read back by
# the python-keycloak admin client. Runs after cargo test, while the Keycloak of
# scripts/services/keycloak.sh is still up (RATIBA_TEST_KEYCLOAK_URL exported).
set -euo pipefail
cd "$(dirname "$0")/../.."

if [ -z "${RATIBA_TEST_KEYCLOAK_URL:-}" ]; then
    if [ "${CI:-}" = "true" ]; then
        echo "keycloak_python: RATIBA_TEST_KEYCLOAK_URL is not set under CI=true" >&2
        exit 1
    fi
    echo "keycloak_python: skipped, no test Keycloak (RATIBA_TEST_KEYCLOAK_URL unset)"
    exit 0
fi

source scripts/lib/venv.sh
ratiba_venv keycloak-python "python-keycloak==7.*" "pytest>=8"

data=$(mktemp -d)
slug="pykc_$(date +%s)_$RANDOM"
export KEYCLOAK_URL="$RATIBA_TEST_KEYCLOAK_URL"
export KEYCLOAK_ADMIN_REALM_PASSWORD="${RATIBA_TEST_KEYCLOAK_PASSWORD:-keycloak_dev}"
unset DATABASE_URL
ratiba() { cargo run -q -p ratiba-cli -- --data-dir "$data" "$@"; }
cleanup() {
    ratiba tenants delete "$slug" --yes >/dev/null 2>&1 || true
    rm -rf "$data"
}
trap cleanup EXIT

sed "s/\"spa_pilot\"/\"$slug\"/" examples/spa_pilot.json >"$data/request.json"
ratiba --json tenants create --from-json "$data/request.json" >"$data/tenant.json"
ratiba tenants verify "$slug"

eval "$("$VENV_PY" - "$data/tenant.json" <<'PY'
import json, shlex, sys
t = json.load(open(sys.argv[1]))
owner = next(a for a in t["admins"] if a["role"] == "owner")
print(f"export RATIBA_KC_TENANT_ID={shlex.quote(t['id'])} RATIBA_KC_OWNER_PHONE={shlex.quote(owner['phone_number'])}")
PY
)"
RATIBA_KC_REALM="$slug" "$VENV_PY" -m pytest -q tests/python/test_keycloak_realm.py
