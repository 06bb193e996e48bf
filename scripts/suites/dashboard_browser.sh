#!/usr/bin/env bash
# The /admin dashboard in a real browser: Debian's Chromium driven by playwright-core
# (npm) under Node's own test runner, against a live `ratiba --embedded serve` on a
# free port with a known admin key and a throwaway data directory. Screenshots of
# every step go to target/browser-artifacts/. Under CI=true a missing browser fails.
# With the test Keycloak (RATIBA_TEST_KEYCLOAK_URL, from scripts/services/keycloak.sh)
# a second server keeps its realms there, for the owners' sign-in (owner_signin.test.mjs);
# without it that file fails under CI=true and skips otherwise.
set -euo pipefail
cd "$(dirname "$0")/../.."

CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
if [ ! -x "$CHROMIUM" ] || ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        echo "dashboard_browser: installing chromium, chromium-driver, nodejs and npm from Debian's packages"
        DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver nodejs npm >/dev/null
    fi
fi
if [ ! -x "$CHROMIUM" ] || ! command -v node >/dev/null; then
    if [ "${CI:-}" = true ]; then
        echo "dashboard_browser: $CHROMIUM or node is missing (CI=true: this is a failure)" >&2
        exit 1
    fi
    echo "dashboard_browser: SKIPPED: $CHROMIUM or node is missing (install chromium and nodejs, or run as root)"
    exit 0
fi

(cd tests/browser && npm ci --no-audit --no-fund --loglevel=error)

target=${CARGO_TARGET_DIR:-target}
cargo build -q -p ratiba-cli
artifacts="$target/browser-artifacts"
rm -rf "$artifacts"
mkdir -p "$artifacts"

data=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
key="browser-$(date +%s)-$RANDOM"
ADMIN_API_KEY=$key RATIBA_DATA_DIR=$data "$target/debug/ratiba" --embedded serve --port "$port" 2>"$artifacts/server.log" &
pid=$!
pids=("$pid")
oidc_data=$(mktemp -d)
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done; rm -rf "$data" "$oidc_data"' EXIT

wait_up() { # port pid log
    for _ in $(seq 100); do
        curl -fs "http://127.0.0.1:$1/healthz" >/dev/null && return 0
        kill -0 "$2" 2>/dev/null || { echo "dashboard_browser: the server did not start:"; cat "$3"; exit 1; }
        sleep 0.1
    done
}
wait_up "$port" "$pid" "$artifacts/server.log"

oidc_url=
if [ -n "${RATIBA_TEST_KEYCLOAK_URL:-}" ]; then
    # The registry embedded, the realms in the test Keycloak; the realms' client
    # accepts this server's /admin/* as redirect URIs, so the browser comes back here.
    oidc_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    ADMIN_API_KEY=$key RATIBA_DATA_DIR=$oidc_data \
        KEYCLOAK_URL=$RATIBA_TEST_KEYCLOAK_URL KEYCLOAK_ADMIN_REALM_PASSWORD=$RATIBA_TEST_KEYCLOAK_PASSWORD \
        RATIBA_ADMIN_REDIRECT_URIS="http://127.0.0.1:$oidc_port/admin/*" \
        "$target/debug/ratiba" serve --port "$oidc_port" 2>"$artifacts/server-keycloak.log" &
    pids+=("$!")
    wait_up "$oidc_port" "$!" "$artifacts/server-keycloak.log"
    oidc_url="http://127.0.0.1:$oidc_port"
fi

RATIBA_URL="http://127.0.0.1:$port" OIDC_RATIBA_URL=$oidc_url OIDC_SERVER_LOG="$artifacts/server-keycloak.log" ADMIN_API_KEY=$key RATIBA_DATA_DIR=$data \
    ARTIFACTS="$artifacts" CHROMIUM=$CHROMIUM \
    timeout 240 node --test --test-concurrency=1 tests/browser/

for log in "$artifacts"/server*.log; do
    if grep -q "$key" "$log"; then
        echo "dashboard_browser: $log holds the admin key" >&2
        exit 1
    fi
    if grep -q " ERROR " "$log"; then
        echo "dashboard_browser: the server logged errors ($log):"; grep " ERROR " "$log"; exit 1
    fi
done
echo "dashboard_browser: screenshots in $artifacts/"
