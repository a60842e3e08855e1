#!/usr/bin/env bash
# Runs the whole test suite on a fresh machine: installs what the tests need, builds, tests,
# and ends with one line "N passed, N failed" summed over every test project (skipped tests are
# counted on the line before it).
# Extra arguments go to `dotnet test`, e.g.  scripts/test.sh --filter "Category!=Integration"
set -uo pipefail
cd "$(dirname "$0")/.."

# Real tools and servers the Integration, Swarm, Browser and Chaos tests drive (Debian packages); installed once.
need=()
command -v mktorrent >/dev/null 2>&1 || need+=(mktorrent)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
# The Swarm tests run private qbittorrent-nox daemons on 127.0.0.1 (no system service needed).
command -v qbittorrent-nox >/dev/null 2>&1 || need+=(qbittorrent-nox)
# opentracker: the Swarm scrape tests start private trackers on loopback (Debian builds it whitelist-only).
[ -x /usr/bin/opentracker ] || need+=(opentracker)
# PostgreSQL: the tests start their own private servers from Debian's binaries (no system service needed).
ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || need+=(postgresql)
if [ ${#need[@]} -gt 0 ]; then
  echo "installing ${need[*]} (Debian packages the integration tests use)"
  export DEBIAN_FRONTEND=noninteractive
  { apt-get update -qq && apt-get install -y -qq --no-install-recommends "${need[@]}"; } >/dev/null 2>&1 \
    || echo "warning: could not install ${need[*]}; their tests will fail" >&2
fi

# The Kubernetes tests (tests/Deploy.Tests) render k8s/ with kubectl's kustomize and validate the objects with Node.js
# packages from the npm registry (k8s/validate/package-lock.json). kubectl comes with this machine's image (Debian 12's
# own kubernetes-client is kubectl 1.20, whose kustomize is too old for k8s/: it is not a substitute).
if ! command -v kubectl >/dev/null 2>&1; then
  echo "warning: kubectl is not installed; the Kubernetes rendering tests will fail (they need kubectl 1.27 or newer)" >&2
fi
if [ ! -d k8s/validate/node_modules ] || [ k8s/validate/package-lock.json -nt k8s/validate/node_modules ]; then
  echo "installing k8s/validate's npm packages (the Kubernetes schema validator)"
  (cd k8s/validate && npm ci --no-audit --no-fund --loglevel=error >/dev/null 2>&1 && touch node_modules) \
    || echo "warning: npm ci in k8s/validate failed; the Kubernetes validation tests will fail" >&2
fi

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
log=$(mktemp)
dotnet test LibraryCluster.sln --nologo "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}

# VSTest prints one line per test project: "Passed!  - Failed: 0, Passed: 91, Skipped: 0, Total: 91, ..."
read -r passed failed skipped < <(grep -E '^(Passed|Failed)! +- ' "$log" | awk -F'[:,]' '
  { f += $2; p += $4; s += $6 } END { printf "%d %d %d\n", p, f, s }')
projects=$(grep -cE '^(Passed|Failed)! +- ' "$log")
rm -f "$log"
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  echo "dotnet test exited with $status before reporting failures (a build error?); $projects test projects reported" >&2
fi
echo "$skipped skipped"
echo "$passed passed, $failed failed"
[ "$status" -eq 0 ] && [ "$failed" -eq 0 ]
