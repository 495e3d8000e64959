#!/usr/bin/env sh
# Runs the just version pinned in tools/just/package.json (and its lock file),
# installing it from the npm registry on first use, as scripts/deno.sh does for
# Deno. The npm package rust-just is a Node.js wrapper; the binary itself is in
# its platform package (rust-just-linux-x64 …), which this runs directly.
# `wst import justfile` and its tests call `just --dump --dump-format json`
# through it. Usage: sh scripts/just.sh <just arguments…>
# `sh scripts/just.sh --path` prints the binary's path (installing it first).
set -eu
here=$(CDPATH= cd -- "$(dirname -- "$0")/.." && pwd)
tool="$here/tools/just"
find_just() {
  for candidate in "$tool"/node_modules/rust-just-*/bin/just; do
    if [ -x "$candidate" ]; then
      echo "$candidate"
      return 0
    fi
  done
  return 1
}
if ! just=$(find_just); then
  echo "wst: installing the pinned just from the npm registry (tools/just)…" >&2
  (cd "$tool" && npm install --no-save --no-audit --no-fund --loglevel=error >&2)
  just=$(find_just) || { echo "wst: no just binary for this platform in tools/just" >&2; exit 1; }
fi
if [ "${1-}" = "--path" ] || [ "${1-}" = "--print-binary" ]; then
  echo "$just"
  exit 0
fi
exec "$just" "$@"
