#!/usr/bin/env bash
# The main job: run a mirror node. On first start it fills ./mirror with a generated sample collection
# (about 3,000 books and 2,000 articles over five torrents, on two volumes), imports the catalogue,
# adopts the data by verifying it, and prints the address to open. Later starts reuse ./mirror.
# Usage: scripts/demo.sh [DATA_DIR]     (URL=http://127.0.0.1:8080 by default; Ctrl+C stops the node)
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:-mirror}
url=${URL:-http://127.0.0.1:8080}
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
mkdir -p "$dir"

# The dashboard's admin token: made once, kept beside the data.
if [ ! -s "$dir/admin-token" ]; then
  head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$dir/admin-token"
fi
echo "admin token for $url/admin is in $dir/admin-token"
exec dotnet run --project src/Host -c Release -- --urls "$url" --data-dir "$dir" --admin-token "$(cat "$dir/admin-token")" --demo
