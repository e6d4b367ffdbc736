#!/usr/bin/env bash
# Install the PostgreSQL server binaries (initdb, pg_ctl) with which tests/fixtures_postgres.py
# starts a throwaway server. For a fresh Debian machine; runs as root; safe to run again.
set -euo pipefail

have_server() {
    if command -v initdb >/dev/null && command -v pg_ctl >/dev/null; then
        return 0
    fi
    compgen -G '/usr/lib/postgresql/*/bin/pg_ctl' >/dev/null
}

if have_server; then
    echo "install-postgres: PostgreSQL server binaries already present"
    exit 0
fi
if [[ $(id -u) -ne 0 ]]; then
    echo "install-postgres: must run as root (it calls apt-get)" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y --no-install-recommends postgresql
if ! have_server; then
    echo "install-postgres: initdb/pg_ctl still missing after installing postgresql" >&2
    exit 1
fi
# Tests running as root start the server as this user (initdb refuses root).
id postgres >/dev/null
echo "install-postgres: installed $(ls -d /usr/lib/postgresql/*/bin | tr '\n' ' ')"
