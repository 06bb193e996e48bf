# Sourced by suites: a Python virtualenv under target/ with the given packages.
# Usage: ratiba_venv NAME PACKAGE...   (sets VENV_PY)
ratiba_venv() {
    local name=$1; shift
    local dir="target/venv-$name"
    if [ ! -x "$dir/bin/python" ]; then
        python3 -m venv "$dir"
    fi
    "$dir/bin/python" -m pip install --quiet --disable-pip-version-check "$@"
    VENV_PY="$PWD/$dir/bin/python"
}
