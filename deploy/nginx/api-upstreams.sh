#!/bin/sh
# The proxy's entrypoint: writes one `server` line per `api` replica that Docker's DNS names, starts nginx, and
# reloads it (gracefully: open requests and live pushes finish on the old workers) whenever the replicas change, so
# `docker compose up --scale api=N` needs no proxy restart. An upstream block is what lets nginx keep connections to
# each replica open (keepalive), and open-source nginx before 1.27.3 resolves its names only when loading it.
set -eu

SERVICE=${UPSTREAM_SERVICE:-api}
PORT=${UPSTREAM_PORT:-3000}
SERVERS=/etc/nginx/api-servers.conf
EVERY_SECONDS=2

# The replicas' addresses as upstream lines, sorted so that an unchanged set renders the same text.
render() {
  addresses=$(nslookup "$SERVICE" 127.0.0.11 2>/dev/null | awk '/^Name:/ { named = 1; next } named && /^Address/ && $NF ~ /^[0-9.]+$/ { print $NF }' | sort -u)
  if [ -z "$addresses" ]; then
    # No replica yet (or none left): an upstream needs a server; this one refuses at once, so clients get a 502.
    echo "server 127.0.0.1:9 down;"
    return
  fi
  for address in $addresses; do
    echo "server $address:$PORT max_fails=1 fail_timeout=5s;"
  done
}

render > "$SERVERS"
(
  while sleep "$EVERY_SECONDS"; do
    render > "$SERVERS.next"
    if ! cmp -s "$SERVERS.next" "$SERVERS"; then
      mv "$SERVERS.next" "$SERVERS"
      echo "api-upstreams: replicas now $(grep -c '^server [0-9]' "$SERVERS" || true), reloading nginx" >&2
      nginx -s reload
    fi
  done
) &
exec nginx -g 'daemon off;'
