#!/usr/bin/env bash
# Set up everything heritage-mapper needs on a fresh machine: a virtual environment in
# .venv with the exact versions in requirements.lock, and (for the tests) the Debian
# programs they drive when missing and we may install them: Chromium (browser tests),
# LibreOffice Calc (the CSV opened in a spreadsheet), poppler-utils (pdftotext and
# pdftoppm read the print map and the printed itineraries) and python3-qgis (the QGIS
# project test, in real QGIS with /usr/bin/python3).
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=()
[ -x /usr/bin/chromium ] || APT_PACKAGES+=(chromium)
command -v soffice >/dev/null || APT_PACKAGES+=(libreoffice-calc)
command -v pdftotext >/dev/null || APT_PACKAGES+=(poppler-utils)
/usr/bin/python3 -c "import qgis.core" >/dev/null 2>&1 || APT_PACKAGES+=(python3-qgis)
if [ "${HERITAGE_MAPPER_SKIP_APT:-}" != "1" ] && [ "${#APT_PACKAGES[@]}" -gt 0 ] && command -v apt-get >/dev/null; then
  if [ "$(id -u)" = "0" ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${APT_PACKAGES[@]}" >/dev/null
  else
    echo "note: ${APT_PACKAGES[*]} missing; some tests need them (sudo apt-get install ${APT_PACKAGES[*]})" >&2
  fi
fi

if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
.venv/bin/python -m pip install -q --disable-pip-version-check -c requirements.lock -e '.[test,basemap]' 2>&1 \
  | { grep -v "^WARNING: Location" || true; }
