#!/usr/bin/env bash
# Starts Azurite (pinned in infra/package.json) in the foreground on 127.0.0.1:10000, the
# address `UseDevelopmentStorage=true` points at, keeping its data in .data/azurite.
# Usage: infra/azurite.sh [port]   (then run the host with Platform__Storage__Backend=AzureBlob)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
port="${1:-10000}"
if [ ! -x "$here/node_modules/.bin/azurite-blob" ]; then
  (cd "$here" && npm ci --no-audit --no-fund --loglevel=error)
fi
mkdir -p "$here/../.data/azurite"
exec "$here/node_modules/.bin/azurite-blob" --blobHost 127.0.0.1 --blobPort "$port" \
  --location "$here/../.data/azurite" --skipApiVersionCheck --disableProductStyleUrl
