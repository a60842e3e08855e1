#!/usr/bin/env bash
# Download benchmark: the mirror node against nginx serving the same files, small and large, at 1, 16 and
# 256 connections, side by side in one run, on 127.0.0.1 only. See docs/benchmarks.md for the method.
# Usage: bench/serve/run.sh [--duration S] [--reps N] [--connections 1,16,256] [--sets small,large]
#                           [--node-env KEY=VALUE]... [--label NAME] [--work DIR]
set -euo pipefail
cd "$(dirname "$0")/../.."
need=()
for tool in nginx:nginx wrk:wrk; do
  command -v "${tool%%:*}" >/dev/null 2>&1 || [ -x "/usr/sbin/${tool%%:*}" ] || need+=("${tool#*:}")
done
if [ ${#need[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
export PATH="$PATH:/usr/sbin"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
# The CLI (sample generator, catalogue import) as the other benchmarks publish it, and the node as built for
# Release, copied out so that builds in src/ during the run do not touch it.
dotnet publish src/Cli -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true -o artifacts/bench-cli --nologo -v quiet >/dev/null
dotnet publish src/Host -c Release -o artifacts/bench-host --nologo -v quiet >/dev/null
exec python3 bench/serve/bench.py "$@"
