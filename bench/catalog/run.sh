#!/usr/bin/env bash
# Catalogue benchmark: dump -> searchable catalogue and search latency, ours against MariaDB
# (LibGen's own stack), side by side in one run. See docs/benchmarks.md for the method.
# Usage: bench/catalog/run.sh [--books N] [--queries N] [--work DIR]
set -euo pipefail
cd "$(dirname "$0")/../.."
if ! command -v mariadbd >/dev/null 2>&1; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq --no-install-recommends mariadb-server mariadb-client >/dev/null
fi
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet publish src/Cli -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true -o artifacts/bench-cli --nologo -v quiet >/dev/null
dotnet build bench/Search -c Release -o artifacts/bench-search --nologo -v quiet >/dev/null
exec python3 bench/catalog/bench.py "$@"
