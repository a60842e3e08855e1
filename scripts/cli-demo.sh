#!/usr/bin/env bash
# A tour of the CLI: make a sample LibGen collection (dumps, torrents, data), verify every torrent
# against its data, import the dumps into a searchable catalogue, register the torrents (marking
# them held when their data verifies), and search it. Usage: scripts/cli-demo.sh [OUT_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-sample}
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet build src/Cli --nologo -v quiet -c Release >/dev/null
cli="dotnet src/Cli/bin/Release/net10.0/libcluster.dll"
$cli sample create --out "$out" --books 1500 --fiction 300 --scimag 2500 --seed 1 --size-scale 0.02
$cli sample verify --dir "$out"
rm -f "$out/catalog.db" "$out/catalog.db-wal" "$out/catalog.db-shm"
$cli catalog import "$out"/dumps/libgen.sql "$out"/dumps/fiction.sql "$out"/dumps/scimag.sql --db "$out/catalog.db" || [ $? -eq 4 ]
$cli catalog register "$out"/torrents/*.torrent --db "$out/catalog.db" --data-root "$out/data"
$cli search "introduction" --db "$out/catalog.db" --limit 5
