#!/usr/bin/env bash
# The README's first command works as written, on the embedded default, in a fresh
# data directory with no configuration at all.
set -euo pipefail
cd "$(dirname "$0")/../.."
data=$(mktemp -d)
trap 'rm -rf "$data"' EXIT
env -u DATABASE_URL -u KEYCLOAK_URL RATIBA_DATA_DIR="$data" \
    cargo run -q -p ratiba-cli -- tenants create --from-json examples/spa_pilot.json
env -u DATABASE_URL -u KEYCLOAK_URL RATIBA_DATA_DIR="$data" \
    cargo run -q -p ratiba-cli -- tenants verify spa_pilot
