#!/usr/bin/env bash
# HTTP benchmark (not part of the test command): GET of one tenant and onboarding,
# against the floor of /healthz on the same server (HTTP, routing and logging alone),
# driven by a second process on loopback; and the server's resident memory idle and
# under load. Uses DATABASE_URL (PostgreSQL) when set, else the embedded store.
set -euo pipefail
cd "$(dirname "$0")/../.."
cargo build -q --release -p ratiba-cli --bin ratiba
cargo build -q --release -p ratiba-http --example load
bin=${CARGO_TARGET_DIR:-target}/release
data=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
key=bench-key
backend=--embedded
[ -n "${DATABASE_URL:-}" ] && backend=
RUST_LOG=warn ADMIN_API_KEY=$key RATIBA_DATA_DIR=$data "$bin/ratiba" $backend serve --port "$port" 2>"$data/log" &
pid=$!
trap 'kill $pid 2>/dev/null || true; rm -rf "$data"' EXIT
for _ in $(seq 100); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
rss() { awk '/VmRSS/ {print $2/1024 " MiB"}' /proc/$pid/status; }
base=http://127.0.0.1:$port
curl -fs -XPOST "$base/api/v1/admin/tenants" -H "x-admin-api-key: $key" -H 'content-type: application/json' \
    -d @examples/spa_pilot.json >/dev/null
echo "rss idle: $(rss)"
"$bin/examples/load" "$base/healthz" $key get 32 20000
"$bin/examples/load" "$base/api/v1/admin/tenants/spa_pilot" $key get 32 20000 &
sleep 1; echo "rss under GET load: $(rss)"; wait $!
"$bin/examples/load" "$base/api/v1/admin/tenants" $key onboard 8 ${ONBOARDINGS:-200}
echo "rss after onboarding: $(rss)"
