#!/bin/sh
# A throwaway PostgreSQL server for the portal's tests: Debian's postgresql package, a private cluster
# in a temporary folder on a free loopback port (never the machine's own cluster, which other jobs may
# use), trust authentication on 127.0.0.1 only. Prints the DATABASE_URL on the last line.
#   sh scripts/pg-test-cluster.sh start   → prints postgres://postgres@127.0.0.1:PORT/dvcq
#   sh scripts/pg-test-cluster.sh stop DIR
set -eu
case "${1:-}" in
start)
    if ! ls -d /usr/lib/postgresql/*/bin >/dev/null 2>&1; then
        SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
        $SUDO env DEBIAN_FRONTEND=noninteractive apt-get update >/dev/null
        $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends postgresql >/dev/null
    fi
    PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
    DIR=$(mktemp -d /tmp/dvcq-pg.XXXXXX)
    chown postgres "$DIR"
    PORT=$(python3 -c "import socket; s=socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])")
    AS="runuser -u postgres --"
    [ "$(id -un)" = postgres ] && AS=""
    $AS "$PGBIN/initdb" -D "$DIR/data" -A trust -U postgres -E UTF8 --locale=C.UTF-8 >/dev/null
    $AS "$PGBIN/pg_ctl" -D "$DIR/data" -l "$DIR/log" -w \
        -o "-p $PORT -k $DIR -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" start >/dev/null
    $AS "$PGBIN/createdb" -h 127.0.0.1 -p "$PORT" -U postgres dvcq
    echo "$DIR" > "$DIR/.dir"
    echo "postgres://postgres@127.0.0.1:$PORT/dvcq $DIR"
    ;;
stop)
    DIR=$2
    PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
    AS="runuser -u postgres --"
    [ "$(id -un)" = postgres ] && AS=""
    $AS "$PGBIN/pg_ctl" -D "$DIR/data" -m fast -w stop >/dev/null || true
    rm -rf "$DIR"
    ;;
*)
    echo "usage: $0 start | stop DIR" >&2; exit 2 ;;
esac
