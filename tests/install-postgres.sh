#!/usr/bin/env bash
# Install Debian's PostgreSQL server for the store's contract suite, only when it is missing.
# The tests start their own throwaway server from these binaries (tests/pg_server.py).
set -euo pipefail
if compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "tests/install-postgres.sh: run as root (or: sudo apt-get install -y postgresql)" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq postgresql >/dev/null
echo "installed $(ls -d /usr/lib/postgresql/*/bin | head -1)"
