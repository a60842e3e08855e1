#!/usr/bin/env bash
# The swarm figures of issue 6 in one run, loopback only, generated data (see docs/benchmarks.md):
#   adopt  N existing torrents into seeding: qbittorrent-nox through QBittorrentEngine (skip-checking), then
#          transmission-daemon on the same files (it verifies every add), side by side; memory and CPU of each.
#   node   a real node process (the published Host) adopting the same number of torrents and seeding them through
#          the qbittorrent-nox it runs: time to all seeding, memory and CPU of the node and of its daemon, a restart.
#   fetch  one torrent of G GB from a seeding qbittorrent-nox through opentracker: curl from nginx (the copy limit),
#          a plain qbittorrent-nox, and the node (fetched and verified by the node), in turn.
# Holds /tmp/bench.lock while it runs (waits while someone else holds it). Raw figures in bench/results/swarm-*.json.
#          Fetched over TCP (--Swarm:PeerProtocol=Tcp) G GB --fetch-runs times, then once over the daemon's default
#          (TCP and uTP: libtorrent dials uTP, which is slow on loopback) with --utp-gigabytes.
# Usage: bench/Swarm/run.sh [--torrents "1000 10000"] [--parallel 4] [--gigabytes 2] [--fetch-runs 3] [--utp-gigabytes 0.5]
#                           [--only adopt|node|fetch]
set -euo pipefail
cd "$(dirname "$0")/../.."
torrents="1000 10000" parallel=4 gigabytes=2 fetch_runs=3 utp_gigabytes=0.5 only=""
while [ $# -gt 0 ]; do
  case "$1" in
    --torrents) torrents=$2; shift 2 ;;
    --parallel) parallel=$2; shift 2 ;;
    --gigabytes) gigabytes=$2; shift 2 ;;
    --fetch-runs) fetch_runs=$2; shift 2 ;;
    --utp-gigabytes) utp_gigabytes=$2; shift 2 ;;
    --only) only=$2; shift 2 ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done
export PATH="$PATH:/usr/sbin" DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
need=()
for tool in qbittorrent-nox:qbittorrent-nox transmission-daemon:transmission-daemon opentracker:opentracker nginx:nginx curl:curl; do
  command -v "${tool%%:*}" >/dev/null 2>&1 || need+=("${tool#*:}")
done
if [ ${#need[@]} -gt 0 ]; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
work=$(mktemp -d /tmp/lc-bench-swarm-XXXXXX)
chmod 755 "$work"  # nginx's workers (not root) read the seeded files through it
trap 'rm -rf "$work"' EXIT
# Built before taking the lock (a build is not a benchmark); copied out, so that builds in src/ meanwhile do not touch them.
dotnet build bench/Swarm -c Release -o "$work/bin" --nologo -v quiet >/dev/null
dotnet publish src/Host -c Release -o "$work/host" --nologo -v quiet >/dev/null
while [ -e /tmp/bench.lock ]; do echo "waiting for the benchmark holding /tmp/bench.lock"; sleep 15; done
touch /tmp/bench.lock
trap 'rm -f /tmp/bench.lock; rm -rf "$work"' EXIT
mkdir -p bench/results
bench() { dotnet "$work/bin/LibraryCluster.Bench.Swarm.dll" "$@"; }
for n in $torrents; do
  if [ -z "$only" ] || [ "$only" = adopt ]; then
    echo "adopt $n (qbittorrent-nox, then transmission-daemon; load $(cut -d' ' -f1-3 /proc/loadavg))" >&2
    bench adopt --torrents "$n" --parallel "$parallel" --work "$work/adopt-$n" | tee "bench/results/swarm-adopt-$n.json"
    rm -rf "$work/adopt-$n"
  fi
  if [ -z "$only" ] || [ "$only" = node ]; then
    echo "node $n (load $(cut -d' ' -f1-3 /proc/loadavg))" >&2
    bench node --torrents "$n" --host "$work/host" --work "$work/node-$n" | tee "bench/results/swarm-node-$n.json"
    rm -rf "$work/node-$n"
  fi
done
if [ -z "$only" ] || [ "$only" = fetch ]; then
  echo "fetch $gigabytes GB x $fetch_runs over TCP (load $(cut -d' ' -f1-3 /proc/loadavg))" >&2
  bench fetch --protocol tcp --gigabytes "$gigabytes" --runs "$fetch_runs" --host "$work/host" --work "$work/fetch-tcp" | tee "bench/results/swarm-fetch-tcp.json"
  rm -rf "$work/fetch-tcp"
  if [ "$utp_gigabytes" != 0 ]; then
    echo "fetch $utp_gigabytes GB over TCP and uTP, the daemon's default (load $(cut -d' ' -f1-3 /proc/loadavg))" >&2
    bench fetch --protocol both --gigabytes "$utp_gigabytes" --runs 1 --host "$work/host" --work "$work/fetch-both" | tee "bench/results/swarm-fetch-both.json"
  fi
fi
