#!/usr/bin/env bash
# Verification benchmark: ours against sha1sum, qBittorrent and Transmission on the same
# generated torrent, warm and cold cache, in one run. See docs/benchmarks.md for the method.
# Usage: bench/verify/run.sh [--books N] [--size-scale F] [--runs N] [--work DIR]
set -euo pipefail
cd "$(dirname "$0")/../.."
need=()
for tool in qbittorrent-nox:qbittorrent-nox transmission-daemon:transmission-daemon fincore:util-linux; do
  command -v "${tool%%:*}" >/dev/null 2>&1 || need+=("${tool#*:}")
done
if [ ${#need[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
# Ship-like build: ReadyToRun, so start-up is not mostly JIT.
dotnet publish src/Cli -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true -o artifacts/bench-cli --nologo -v quiet >/dev/null
exec python3 bench/verify/bench.py "$@"
