#!/usr/bin/env bash
# Adoption: N existing torrents (64 KiB each) taken into seeding through QBittorrentEngine with skip-checking, the
# daemon's memory with them, the cost of polling, and a restart. Loopback only, generated data. Holds
# /tmp/bench.lock while it runs (other work waits for it). Raw figures in bench/results/swarm-N.json.
# Usage: bench/Swarm/run.sh [--torrents 1000] [--parallel 4]                    (see docs/benchmarks.md)
set -euo pipefail
cd "$(dirname "$0")/../.."
torrents=1000 parallel=4
while [ $# -gt 0 ]; do
  case "$1" in
    --torrents) torrents=$2; shift 2 ;;
    --parallel) parallel=$2; shift 2 ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done
command -v qbittorrent-nox >/dev/null 2>&1 || { DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends qbittorrent-nox >/dev/null; }
while [ -e /tmp/bench.lock ]; do echo "waiting for the benchmark holding /tmp/bench.lock"; sleep 15; done
work=$(mktemp -d /tmp/lc-bench-swarm-XXXXXX)
touch /tmp/bench.lock
trap 'rm -f /tmp/bench.lock; rm -rf "$work"' EXIT
dotnet build bench/Swarm -c Release -o "$work/bin" --nologo -v quiet >/dev/null
mkdir -p bench/results
dotnet "$work/bin/LibraryCluster.Bench.Swarm.dll" --torrents "$torrents" --parallel "$parallel" --work "$work/run" | tee "bench/results/swarm-$torrents.json"
