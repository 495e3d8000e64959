#!/usr/bin/env sh
# Runs the Deno version pinned in package.json, installing it from the npm registry
# on first use. Nothing here assumes a global Deno: a machine with Node.js and npm
# is enough. Usage: sh scripts/deno.sh <deno arguments…>
set -eu
here=$(CDPATH= cd -- "$(dirname -- "$0")/.." && pwd)
deno="$here/node_modules/.bin/deno"
if [ ! -x "$deno" ]; then
  echo "wst: installing the pinned Deno from the npm registry (npm ci)…" >&2
  (cd "$here" && npm ci --no-audit --no-fund --loglevel=error >&2)
fi
exec "$deno" "$@"
