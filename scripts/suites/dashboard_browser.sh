#!/usr/bin/env bash
# The /admin dashboard in a real browser: Debian's Chromium driven by playwright-core
# (npm) under Node's own test runner, against a live `ratiba --embedded serve` on a
# free port with a known admin key and a throwaway data directory. Screenshots of
# every step go to target/browser-artifacts/. Under CI=true a missing browser fails.
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
trap 'kill $pid 2>/dev/null || true; wait $pid 2>/dev/null || true; rm -rf "$data"' EXIT
for _ in $(seq 100); do
    curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && break
    kill -0 "$pid" 2>/dev/null || { echo "dashboard_browser: the server did not start:"; cat "$artifacts/server.log"; exit 1; }
    sleep 0.1
done

RATIBA_URL="http://127.0.0.1:$port" ADMIN_API_KEY=$key RATIBA_DATA_DIR=$data ARTIFACTS="$artifacts" CHROMIUM=$CHROMIUM \
    timeout 170 node --test --test-concurrency=1 tests/browser/

if grep -q "$key" "$artifacts/server.log"; then
    echo "dashboard_browser: the server log holds the admin key" >&2
    exit 1
fi
if grep -q " ERROR " "$artifacts/server.log"; then
    echo "dashboard_browser: the server logged errors:"; grep " ERROR " "$artifacts/server.log"; exit 1
fi
echo "dashboard_browser: screenshots in $artifacts/"
