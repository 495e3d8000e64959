#!/usr/bin/env sh
# Runs the Deno version pinned in tools/deno/package.json (and its lock file),
# installing it from the npm registry on first use (`npm install --no-save`:
# npm 11 writes a lock without the other platforms' optional packages, which
# `npm ci` then rejects; the version is pinned exactly in package.json). Nothing here assumes a
# global Deno: a machine with Node.js and npm is enough.
# Usage: sh scripts/deno.sh <deno arguments…>
set -eu
here=$(CDPATH= cd -- "$(dirname -- "$0")/.." && pwd)
runtime="$here/tools/deno"
deno="$runtime/node_modules/.bin/deno"
if [ ! -x "$deno" ]; then
  echo "wst: installing the pinned Deno from the npm registry (tools/deno)…" >&2
  (cd "$runtime" && npm install --no-save --no-audit --no-fund --loglevel=error >&2)
fi
# `deno task` puts the running Deno first on PATH for the tasks' own `deno` calls.
PATH="$(dirname "$deno"):$PATH"
export PATH
exec "$deno" "$@"
