#!/usr/bin/env bash
# schemathesis (PyPI) against our own OpenAPI document on a live `ratiba serve`:
# generated requests for every operation, with no server error and no response
# that breaks the documented schema.
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/lib/venv.sh
ratiba_venv schemathesis "schemathesis>=4,<5"

data=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
key="schemathesis-$(date +%s)"
cargo build -q -p ratiba-cli
ADMIN_API_KEY=$key RATIBA_DATA_DIR=$data "${CARGO_TARGET_DIR:-target}/debug/ratiba" --embedded serve --port "$port" 2>"$data/server.log" &
pid=$!
trap 'kill $pid 2>/dev/null || true; rm -rf "$data"' EXIT
for _ in $(seq 50); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.2; done

"$(dirname "$VENV_PY")/schemathesis" run --wait-for-schema 30 "http://127.0.0.1:$port/api/openapi.json" \
    --checks not_a_server_error,response_schema_conformance \
    --header "X-Admin-API-Key: $key" \
    --max-examples "${SCHEMATHESIS_EXAMPLES:-25}" \
    --workers 2 \
    --no-color
if grep -q " ERROR " "$data/server.log"; then
    echo "the server logged errors:"; grep " ERROR " "$data/server.log"; exit 1
fi
