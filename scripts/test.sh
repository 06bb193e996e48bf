#!/usr/bin/env bash
# The one test command (see README): format and lint checks, then every test of the
# workspace. Each script in scripts/services/ installs and starts a server the tests
# need (on a fresh machine too) and exports where it listens; all are stopped on exit.
set -euo pipefail
cd "$(dirname "$0")/.."

CLEANUP=()
cleanup() {
    for ((i = ${#CLEANUP[@]} - 1; i >= 0; i--)); do eval "${CLEANUP[$i]}" || true; done
}
trap cleanup EXIT

step() { printf '\n==> %s\n' "$*"; }

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy -D warnings"
cargo clippy --workspace --all-targets --all-features -- -D warnings

for service in scripts/services/*.sh; do
    [ -e "$service" ] || continue
    step "service: $service"
    # shellcheck source=/dev/null
    source "$service"
done

step "cargo test"
cargo test --workspace --all-features

for suite in scripts/suites/*.sh; do
    [ -e "$suite" ] || continue
    step "suite: $suite"
    bash "$suite"
done
