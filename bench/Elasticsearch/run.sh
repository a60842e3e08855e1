#!/usr/bin/env bash
# Bulk indexing throughput of the Elasticsearch client against a loopback sink (see docs/benchmarks.md).
# Waits while another benchmark holds /tmp/bench.lock, and holds /tmp/bench.lock-es while it runs.
set -euo pipefail
cd "$(dirname "$0")/../.."
while [ -e /tmp/bench.lock ]; do echo "waiting for /tmp/bench.lock"; sleep 10; done
touch /tmp/bench.lock-es
trap 'rm -f /tmp/bench.lock-es' EXIT
dotnet build bench/Elasticsearch -c Release --nologo -v q >/dev/null
dotnet bench/Elasticsearch/bin/Release/net10.0/LibraryCluster.Bench.Elasticsearch.dll "${1:-500000}" "${2:-3}"
