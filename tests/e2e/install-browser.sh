#!/usr/bin/env bash
# Install Debian's Chromium for the browser tests, only when it is missing. Playwright drives it
# through its executable path, so no browser is downloaded by Playwright itself.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "tests/e2e/install-browser.sh: run as root (or: sudo apt-get install -y chromium)" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq chromium >/dev/null
echo "installed $(/usr/bin/chromium --version 2>/dev/null || echo chromium)"
