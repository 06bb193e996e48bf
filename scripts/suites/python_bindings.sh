#!/usr/bin/env bash
# The Python bindings (bindings/python): `pip install ./bindings/python` into a venv
# under target/ (maturin, dev profile: no release build in CI), then the pytest suite
# (PostgreSQL too: RATIBA_TEST_DATABASE_URL comes from scripts/services/postgres.sh,
# and under CI=true the suite fails without it) and examples/python/onboard.py.
set -euo pipefail
cd "$(dirname "$0")/../.."

source scripts/lib/venv.sh
ratiba_venv ratiba-python "pytest>=8" "psycopg[binary]>=3.1,<4"

echo "python_bindings: pip install ./bindings/python (maturin, dev profile)"
MATURIN_PEP517_ARGS="--profile dev" "$VENV_PY" -m pip install --quiet --disable-pip-version-check \
    --force-reinstall --no-deps ./bindings/python

# Run from the tests folder, so `import ratiba` is the installed package.
(cd bindings/python/tests && "$VENV_PY" -m pytest -q -p no:cacheprovider .)

demo=$(mktemp -d)
trap 'rm -rf "$demo"' EXIT
"$VENV_PY" examples/python/onboard.py "$demo"
# Twice: the second run finds the tenant there and imports the menu again.
"$VENV_PY" examples/python/onboard.py "$demo" >/dev/null
