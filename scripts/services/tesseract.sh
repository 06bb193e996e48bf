# shellcheck shell=bash
# Sourced by scripts/test.sh (under `set -euo pipefail`): makes sure the OCR tests
# (ratiba-core feature `ocr`) have Tesseract with English data, and the DejaVu font
# they render menus with, installing the Debian packages when missing (as root).
# Nothing to start or stop: Tesseract is a program the tests run.
# Under CI=true a missing Tesseract fails the OCR tests; locally they skip and say why.

_tess_missing() {
    ! command -v tesseract >/dev/null 2>&1 \
        || ! tesseract --list-langs 2>/dev/null | grep -qx eng \
        || [ ! -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ]
}

if _tess_missing; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "tesseract: installing tesseract-ocr, tesseract-ocr-eng, fonts-dejavu-core from Debian's packages"
        DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq tesseract-ocr tesseract-ocr-eng fonts-dejavu-core >/dev/null
    else
        echo "tesseract: not installed and not root; the OCR tests will skip (or fail under CI)" >&2
    fi
fi
if command -v tesseract >/dev/null 2>&1; then
    echo "tesseract: $(tesseract --version 2>&1 | head -n 1)"
fi
unset -f _tess_missing
