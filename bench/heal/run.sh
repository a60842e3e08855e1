#!/usr/bin/env bash
# Healing throughput: a node copying a whole collection from a peer (PeerFetcher: HTTP ranges, every piece
# SHA-1-checked, written into place, flushed) against the plain copy limit: the same files fetched with curl from
# nginx serving the peer's volume, written to the same disk and synced. Side by side in one run, loopback only.
# Usage: bench/heal/run.sh [--size-scale 0.5] [--books 400] [--transfers 4] [--runs 1] [--perf FILE] [--warm]   (about 1.8 GB by default; see docs/benchmarks.md)
# --warm: after each (cold) heal, node 2's fullest volume fails and the same, now warm, nodes heal it again; timed apart.
# Throttles off by default: the node runs --transfers transfers at once (one per torrent), curl as many downloads.
set -euo pipefail
cd "$(dirname "$0")/../.."
scale=0.5 books=400 transfers=4 perf=() runs=1 warm=()
while [ $# -gt 0 ]; do
  case "$1" in
    --size-scale) scale=$2; shift 2 ;;
    --books) books=$2; shift 2 ;;
    --transfers) transfers=$2; shift 2 ;;
    --perf) perf=(--perf "$2"); shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --warm) warm=(--warm); shift ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || { DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nginx >/dev/null; }
export PATH="$PATH:/usr/sbin"
# One benchmark at a time on this machine: wait while another holds /tmp/bench.lock, then hold it while this runs.
while [ -e /tmp/bench.lock ]; do echo "waiting for the benchmark holding /tmp/bench.lock"; sleep 15; done
touch /tmp/bench.lock
trap 'rm -f /tmp/bench.lock' EXIT
# The shared disk's speed swings from run to run (curl alone: 230-620 MB/s here), so one run says little: --runs N
# repeats the pair and prints the median of the node/curl ratios (every run lands in bench/results/heal-runs.jsonl).
first=0; [ -f bench/results/heal-runs.jsonl ] && first=$(wc -l < bench/results/heal-runs.jsonl)
for _ in $(seq "$runs"); do
  python3 bench/heal/bench.py --size-scale "$scale" --books "$books" --transfers "$transfers" "${perf[@]}" "${warm[@]}"
done
python3 - "$first" <<'EOF'
import json, statistics, sys
runs = [json.loads(l) for l in open("bench/results/heal-runs.jsonl").read().splitlines()[int(sys.argv[1]):]]
ratios = sorted(r["node_vs_curl"] for r in runs)
print(f"{len(runs)} runs: node/curl median {statistics.median(ratios):.0%}, range {ratios[0]:.0%}-{ratios[-1]:.0%}; "
      f"node median {statistics.median(r['node_mb_s'] for r in runs)} MB/s, curl median {statistics.median(r['curl_mb_s'] for r in runs)} MB/s; "
      f"load average (1 min) at the start of each run: {', '.join(str(r.get('load_1min')) for r in runs)}")
warm = sorted(r["warm"]["node_vs_curl"] for r in runs if "warm" in r)
if warm:
    print(f"warm heals: node/curl median {statistics.median(warm):.0%}, range {warm[0]:.0%}-{warm[-1]:.0%}; "
          f"node median {statistics.median(r['warm']['node_mb_s'] for r in runs if 'warm' in r)} MB/s")
EOF
