#!/usr/bin/env bash
# The main job today: make a sample LibGen collection (dumps, torrents, data) and verify every
# torrent against its data, with a readable summary. Usage: scripts/demo.sh [OUT_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-sample}
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet build src/Cli --nologo -v quiet -c Release >/dev/null
cli="dotnet src/Cli/bin/Release/net10.0/libcluster.dll"
$cli sample create --out "$out" --books 1500 --fiction 300 --scimag 2500 --seed 1 --size-scale 0.02
$cli sample verify --dir "$out"
