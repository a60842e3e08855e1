#!/usr/bin/env bash
# Healing throughput: a node copying a whole collection from a peer (PeerFetcher: HTTP ranges, every piece
# SHA-1-checked, written into place, flushed) against the plain copy limit: the same files fetched with curl from
# nginx serving the peer's volume, written to the same disk and synced. Side by side in one run, loopback only.
# Usage: bench/heal/run.sh [--size-scale 0.5] [--books 400] [--transfers 4]   (about 1.8 GB by default; see docs/benchmarks.md)
# Throttles off by default: the node runs --transfers transfers at once (one per torrent), curl as many downloads.
set -euo pipefail
cd "$(dirname "$0")/../.."
scale=0.5 books=400 transfers=4
while [ $# -gt 0 ]; do
  case "$1" in
    --size-scale) scale=$2; shift 2 ;;
    --books) books=$2; shift 2 ;;
    --transfers) transfers=$2; shift 2 ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || { DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nginx >/dev/null; }
export PATH="$PATH:/usr/sbin"
exec python3 bench/heal/bench.py --size-scale "$scale" --books "$books" --transfers "$transfers"
