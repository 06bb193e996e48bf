#!/usr/bin/env bash
# LangGraph's own SqliteSaver runs on a tenant file of the embedded default, unchanged.
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/lib/venv.sh
ratiba_venv langgraph-sqlite "langgraph-checkpoint-sqlite==3.*" "pytest>=8"

data=$(mktemp -d)
trap 'rm -rf "$data"' EXIT
cargo run -q -p ratiba-cli -- --embedded --data-dir "$data" tenants create --from-json examples/spa_pilot.json >/dev/null
RATIBA_TENANT_DB="$data/tenants/spa_pilot.db" "$VENV_PY" -m pytest -q tests/python/test_langgraph_sqlite.py
