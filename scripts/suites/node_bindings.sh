#!/usr/bin/env bash
# The Node bindings (bindings/node): npm ci (npm registry only), `npm run build`
# (napi-rs, dev profile: no release build in CI), the `node --test` suite
# (PostgreSQL too, from RATIBA_TEST_DATABASE_URL; required under CI=true) and
# examples/node/onboard.mjs.
set -euo pipefail
cd "$(dirname "$0")/../.."

if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        echo "node_bindings: installing nodejs and npm from Debian's packages"
        DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null
    else
        echo "node_bindings: node and npm are needed" >&2
        exit 1
    fi
fi

cd bindings/node
npm ci --no-audit --no-fund --loglevel=error
npm run build
npm test

demo=$(mktemp -d)
trap 'rm -rf "$demo"' EXIT
node ../../examples/node/onboard.mjs "$demo"
node ../../examples/node/onboard.mjs "$demo" >/dev/null
