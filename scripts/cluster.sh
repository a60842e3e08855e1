#!/usr/bin/env bash
# A local cluster on 127.0.0.1 for development and tests: a private PostgreSQL server and N nodes, each with two
# volumes of its own, over a generated sample collection whose data starts on node 1 only (the cluster spreads
# it to the replication factor). Everything lives under $DIR; `down` stops all that `up` started.
#
# Usage: scripts/cluster.sh up [N]      start (default 3 nodes; node i listens on 127.0.0.1:$((BASE_PORT+i)))
#        scripts/cluster.sh down        stop the nodes and PostgreSQL (data kept; `up` again resumes)
#        scripts/cluster.sh status      nodes, their states and replica counts (from PostgreSQL)
#        scripts/cluster.sh clean       down, then delete $DIR
# Settings (environment): DIR=./cluster BASE_PORT=8180 PG_PORT=55432 RF=2 DOWN_OUT=10m (e.g. 30s for tests)
#        BOOKS=1200 FICTION=300 SCIMAG=300 SIZE_SCALE=0.01 PIECE_LENGTH=65536: the sample (about 15 torrents)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
dir=$(realpath -m "${DIR:-cluster}")
base_port=${BASE_PORT:-8180}
pg_port=${PG_PORT:-55432}
rf=${RF:-2}
down_out=${DOWN_OUT:-00:10:00}
token_file="$dir/cluster-token"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 PATH="$PATH:/usr/sbin"

pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1; }
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
connection() { echo "Host=127.0.0.1;Port=$pg_port;Username=librarycluster;Database=librarycluster;Timeout=5"; }

start_postgres() {
  if [ -z "$(pg_bin)" ]; then
    echo "installing postgresql (Debian package)"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql >/dev/null
  fi
  local bin; bin=$(pg_bin)
  mkdir -p "$dir/pg"
  if [ ! -f "$dir/pg/data/PG_VERSION" ]; then
    [ "$(id -u)" = 0 ] && chown postgres:postgres "$dir/pg"
    as_pg "$bin/initdb" -D "$dir/pg/data" -U librarycluster --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
  fi
  if ! as_pg "$bin/pg_ctl" -D "$dir/pg/data" status >/dev/null 2>&1; then
    as_pg "$bin/pg_ctl" -D "$dir/pg/data" -w -l "$dir/pg/data/server.log" \
      -o "-c listen_addresses=127.0.0.1 -p $pg_port -k $dir/pg/data -c max_connections=200" start >/dev/null
  fi
  "$bin/psql" -h 127.0.0.1 -p "$pg_port" -U librarycluster -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'librarycluster'" | grep -q 1 \
    || "$bin/createdb" -h 127.0.0.1 -p "$pg_port" -U librarycluster librarycluster
  echo "PostgreSQL on 127.0.0.1:$pg_port ($dir/pg)"
}

prepare_sample() {
  [ -f "$dir/catalog.db" ] && return
  echo "generating the sample collection and its catalogue ..."
  dotnet "$dir/bin/cli/libcluster.dll" sample create --out "$dir/sample" --books "${BOOKS:-1200}" --fiction "${FICTION:-300}" --scimag "${SCIMAG:-300}" \
    --id-gap 8 --size-scale "${SIZE_SCALE:-0.01}" --piece-length "${PIECE_LENGTH:-65536}" --seed 5 >/dev/null
  dotnet "$dir/bin/cli/libcluster.dll" catalog import "$dir/sample/dumps/libgen.sql" "$dir/sample/dumps/fiction.sql" "$dir/sample/dumps/scimag.sql" \
    --db "$dir/catalog.db.partial" >/dev/null
  mv "$dir/catalog.db.partial" "$dir/catalog.db"
}

prepare_node() {
  local i=$1 node="$dir/node$1"
  mkdir -p "$node/volumes/a" "$node/volumes/b" "$node/watch"
  [ -f "$node/catalog.db" ] || cp "$dir/catalog.db" "$node/catalog.db"
  if [ "$i" = 1 ] && [ ! -f "$node/.seeded" ]; then
    # The collection's data starts on node 1; the .torrent files in its watch folder make them the cluster's.
    for data in "$dir/sample/data"/*; do mv "$data" "$node/volumes/a/"; done
    cp "$dir/sample/torrents/"*.torrent "$node/watch/"
    touch "$node/.seeded"
  fi
}

start_node() {
  local i=$1 node="$dir/node$1" port=$((base_port + $1))
  if [ -f "$node/pid" ] && kill -0 "$(cat "$node/pid")" 2>/dev/null; then return; fi
  setsid nohup dotnet "$dir/bin/host/LibraryCluster.Host.dll" --urls "http://127.0.0.1:$port" --data-dir "$node" \
    --admin-token "$(cat "$token_file")" \
    --Node:Volumes:0:Id=a --Node:Volumes:0:Path="$node/volumes/a" --Node:Volumes:1:Id=b --Node:Volumes:1:Path="$node/volumes/b" \
    --Node:VolumeProbeInterval=00:00:02 \
    --Cluster:Database="$(connection)" --Cluster:NodeId="node$i" --Cluster:Token="$(cat "$token_file")" \
    --Cluster:Zone="zone$(( (i - 1) % 2 + 1 ))" --Cluster:ReplicationFactor="$rf" --Cluster:DownOutInterval="$down_out" \
    >"$node/node.log" 2>&1 &
  echo $! > "$node/pid"
  echo "node$i on http://127.0.0.1:$port (log $node/node.log)"
}

case "${1:-}" in
  up)
    n=${2:-3}
    mkdir -p "$dir"
    [ -s "$token_file" ] || head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$token_file"
    dotnet publish src/Host -c Release -o "$dir/bin/host" --nologo -v quiet >/dev/null
    dotnet publish src/Cli -c Release -o "$dir/bin/cli" --nologo -v quiet >/dev/null
    start_postgres
    prepare_sample
    for i in $(seq 1 "$n"); do prepare_node "$i"; start_node "$i"; done
    for i in $(seq 1 "$n"); do
      for _ in $(seq 1 120); do curl -fs "http://127.0.0.1:$((base_port + i))/readyz" >/dev/null 2>&1 && break; sleep 0.5; done
    done
    echo "cluster up: $n nodes; admin and cluster token in $token_file; scripts/cluster.sh status"
    ;;
  down)
    for pid in "$dir"/node*/pid; do
      [ -f "$pid" ] || continue
      kill "$(cat "$pid")" 2>/dev/null || true
      rm -f "$pid"
    done
    bin=$(pg_bin)
    if [ -n "$bin" ] && [ -d "$dir/pg/data" ]; then as_pg "$bin/pg_ctl" -D "$dir/pg/data" -m fast stop >/dev/null 2>&1 || true; fi
    echo "cluster down ($dir kept)"
    ;;
  status)
    "$(pg_bin)/psql" -h 127.0.0.1 -p "$pg_port" -U librarycluster -d librarycluster -c \
      "SELECT n.id, n.state, n.zone, n.endpoint, count(r.*) FILTER (WHERE r.state = 'Healthy') AS healthy, count(r.*) AS replicas
         FROM nodes n LEFT JOIN replicas r ON r.node = n.id GROUP BY n.id ORDER BY n.id" \
      -c "SELECT count(*) AS torrents, (SELECT epoch FROM cluster) AS epoch FROM torrents"
    ;;
  clean)
    "$0" down || true
    rm -rf "$dir"
    ;;
  *)
    sed -n '2,12p' "$0"
    exit 2
    ;;
esac
