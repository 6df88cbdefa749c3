#!/usr/bin/env bash
# Install the Debian libraries WeasyPrint draws PDFs with (Pango, HarfBuzz via Pango) and the
# fonts the reports are set in (Liberation Sans for Arial, DejaVu Sans for the RAG shapes), only
# when one is missing. Run by `make test`; on most Debian machines they are already there.
set -euo pipefail
PACKAGES=(libpango-1.0-0 libpangoft2-1.0-0 fonts-liberation fonts-dejavu-core)
missing=()
for package in "${PACKAGES[@]}"; do
  dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "tests/e2e/install-report-libs.sh: run as root (or: sudo apt-get install -y ${missing[*]})" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq "${missing[@]}" >/dev/null
echo "installed ${missing[*]}"
