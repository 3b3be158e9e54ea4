#!/usr/bin/env bash
# Set up everything heritage-mapper needs on a fresh machine: a virtual environment in
# .venv with the exact versions in requirements.lock, and the Debian programs the tests
# drive when missing and we may install them: Chromium (browser tests), python3-qgis (the
# QGIS project test) and poppler-utils (pdftotext reads printed itineraries back).
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "${HERITAGE_MAPPER_SKIP_APT:-}" != "1" ] && { [ ! -x /usr/bin/chromium ] || ! command -v pdftotext >/dev/null; } && command -v apt-get >/dev/null; then
  if [ "$(id -u)" = "0" ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium poppler-utils >/dev/null
  else
    echo "note: chromium or pdftotext is missing; the browser tests need them (sudo apt-get install chromium poppler-utils)" >&2
  fi
fi

# QGIS's Python bindings (Debian's QGIS 3.22 on Debian 12): tests/test_qgis_project.py opens
# the exported QGIS project in real QGIS, headless, with /usr/bin/python3.
if [ "${HERITAGE_MAPPER_SKIP_APT:-}" != "1" ] && ! /usr/bin/python3 -c "import qgis.core" >/dev/null 2>&1 && command -v apt-get >/dev/null; then
  if [ "$(id -u)" = "0" ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-qgis >/dev/null
  else
    echo "note: QGIS's Python bindings are missing; the QGIS project test needs them (sudo apt-get install python3-qgis)" >&2
  fi
fi

if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
.venv/bin/python -m pip install -q --disable-pip-version-check -c requirements.lock -e '.[test,basemap]' 2>&1 \
  | { grep -v "^WARNING: Location" || true; }
