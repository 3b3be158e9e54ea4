#!/usr/bin/env bash
# Set up everything heritage-mapper needs on a fresh machine: a virtual environment in
# .venv with the exact versions in requirements.lock, and (for the browser tests)
# Debian's Chromium when it is missing and we may install it, with poppler-utils
# (pdftotext reads the printed tour itineraries back).
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "${HERITAGE_MAPPER_SKIP_APT:-}" != "1" ] && { [ ! -x /usr/bin/chromium ] || ! command -v pdftotext >/dev/null; } && command -v apt-get >/dev/null; then
  if [ "$(id -u)" = "0" ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium poppler-utils >/dev/null
  else
    echo "note: chromium or pdftotext is missing; the browser tests need them (sudo apt-get install chromium poppler-utils)" >&2
  fi
fi

if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
.venv/bin/python -m pip install -q --disable-pip-version-check -c requirements.lock -e '.[test,basemap]' 2>&1 \
  | { grep -v "^WARNING: Location" || true; }
