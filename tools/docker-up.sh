#!/usr/bin/env bash
# Makes sure a Docker engine answers, with Compose and debootstrap (for tools/container-standins.sh): installs
# Debian's docker.io, docker-compose (v1.29) and debootstrap when missing and starts dockerd when none runs. On a
# machine without a bridge or iptables of its own (CI here), the engine runs with --iptables=false --bridge=none:
# compose's own networks still work, and builds use the host's network (`docker build --network host`).
# Used by CI; does nothing when an engine already answers.
set -euo pipefail

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
engine_up() { docker info >/dev/null 2>&1; }

if ! command -v dockerd >/dev/null 2>&1 || ! command -v docker-compose >/dev/null 2>&1 || ! command -v debootstrap >/dev/null 2>&1; then
  echo "docker-up: installing docker.io, docker-compose and debootstrap from Debian packages"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker.io docker-compose debootstrap >/dev/null
fi

if ! engine_up; then
  log=/var/log/binance-rates-dockerd.log
  echo "docker-up: starting dockerd (log: $log)"
  as_root sh -c "nohup dockerd --iptables=false --bridge=none > $log 2>&1 &"
  for _ in $(seq 1 60); do engine_up && break; sleep 1; done
fi
engine_up || { echo "docker-up: the Docker engine did not come up" >&2; tail -20 /var/log/binance-rates-dockerd.log >&2 || true; exit 1; }

echo "docker-up: Docker $(docker info --format '{{.ServerVersion}}') is up"
