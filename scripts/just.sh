#!/usr/bin/env sh
# Runs the just version pinned in tools/just/package.json (and its lock file),
# installing it from the npm registry on first use, as scripts/deno.sh does for
# Deno (`npm install --no-save`: the lock records one platform's optional
# package). The npm package `rust-just` is a Node.js shim; the real binary is
# in its platform package (rust-just-linux-x64 …), which this runs directly.
# Used by `deno task bench` (bench/runners.ts). Usage: sh scripts/just.sh <just arguments…>
set -eu
here=$(CDPATH= cd -- "$(dirname -- "$0")/.." && pwd)
tool="$here/tools/just"
case "$(uname -s)" in
  Linux) os=linux ;;
  Darwin) os=darwin ;;
  *) echo "wst: no just binary for $(uname -s) in tools/just" >&2; exit 2 ;;
esac
case "$(uname -m)" in
  x86_64 | amd64) arch=x64 ;;
  aarch64 | arm64) arch=arm64 ;;
  *) echo "wst: no just binary for $(uname -m) in tools/just" >&2; exit 2 ;;
esac
just="$tool/node_modules/rust-just-$os-$arch/bin/just"
if [ ! -x "$just" ]; then
  echo "wst: installing the pinned just from the npm registry (tools/just)…" >&2
  (cd "$tool" && npm install --no-save --no-audit --no-fund --loglevel=error >&2)
fi
if [ "${1:-}" = "--print-binary" ]; then
  echo "$just"
  exit 0
fi
exec "$just" "$@"
