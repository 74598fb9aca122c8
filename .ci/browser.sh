#!/bin/sh
# Install what the web's browser tests need: Debian's chromium (driven by Playwright through
# its executable path; `playwright install` is never run, nothing is downloaded by the tests).
# Usage: .ci/browser.sh [PYTHON]   (PYTHON defaults to .venv/bin/python)
set -eu
PYTHON="${1:-.venv/bin/python}"
if ! command -v chromium >/dev/null 2>&1; then
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    $SUDO apt-get update -q
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends chromium fonts-dejavu-core
fi
# The Python driver (it bundles its own node driver; the browser is the one above).
"$PYTHON" -c "import playwright" 2>/dev/null || "$PYTHON" -m pip install -q "playwright>=1.45"
chromium --version
"$PYTHON" -c "import playwright.sync_api; print('playwright driver ok')"
