#!/usr/bin/env bash
# Makes sure a local PostgreSQL (127.0.0.1:5432, trust auth) and Redis (127.0.0.1:6379) are installed and running.
# Used by CI and by the README's quick start on a Debian machine; does nothing when both already answer.
set -euo pipefail

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

pg_up() { pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null; }
redis_up() { redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null | grep -q PONG; }

if ! command -v pg_ctlcluster >/dev/null 2>&1 || ! command -v redis-server >/dev/null 2>&1; then
  echo "services-up: installing PostgreSQL and Redis from Debian packages"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql redis-server >/dev/null
fi

if ! pg_up; then
  version="$(ls /etc/postgresql | sort -V | tail -1)"
  hba="/etc/postgresql/${version}/main/pg_hba.conf"
  if ! grep -q "binance-rates trust" "$hba" 2>/dev/null; then
    # Local development and CI only: trust connections from this machine, as the test setup expects.
    as_root sed -i '1i host all all 127.0.0.1/32 trust # binance-rates trust\nlocal all all trust # binance-rates trust' "$hba"
  fi
  as_root pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
  for _ in $(seq 1 30); do pg_up && break; sleep 1; done
fi
pg_up || { echo "services-up: PostgreSQL did not come up on 127.0.0.1:5432" >&2; exit 1; }

if ! redis_up; then
  as_root redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no
  for _ in $(seq 1 30); do redis_up && break; sleep 0.5; done
fi
redis_up || { echo "services-up: Redis did not come up on 127.0.0.1:6379" >&2; exit 1; }

echo "services-up: PostgreSQL and Redis are up"
