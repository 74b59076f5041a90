#!/usr/bin/env bash
# Installs the Portkey gateway (the peer the bench compares against) into bench/.work/portkey,
# which is git-ignored. Called by the bench when the install is missing; safe to rerun.
#
#   PORTKEY_VERSION   default 1.15.2
#   HONO_NODE_SERVER  default 1.13.5; "latest" leaves it to npm
#
# Why the pin: @portkey-ai/gateway 1.15.2 declares "@hono/node-server": "^1.3.3", so a fresh
# install resolves 1.19.x, whose Response shares the upstream's immutable Headers; Portkey then
# appends its own headers and every streamed chat completion fails ("TypeError: immutable",
# Portkey-AI/gateway issues 1389 and 1550). 1.13.5 is the version in Portkey's own lockfile.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
PORTKEY_DIR="${PORTKEY_DIR:-$HERE/.work/portkey}"
PORTKEY_VERSION="${PORTKEY_VERSION:-1.15.2}"
HONO_NODE_SERVER="${HONO_NODE_SERVER:-1.13.5}"

mkdir -p "$PORTKEY_DIR"
cd "$PORTKEY_DIR"
rm -rf node_modules package-lock.json
node -e '
  const fs = require("node:fs");
  const [version, hono] = process.argv.slice(1);
  const pkg = { name: "portkey-bench-peer", private: true, dependencies: { "@portkey-ai/gateway": version } };
  if (hono !== "latest") pkg.overrides = { "@hono/node-server": hono };
  fs.writeFileSync("package.json", JSON.stringify(pkg, null, 2) + "\n");
' "$PORTKEY_VERSION" "$HONO_NODE_SERVER"
npm install --no-audit --no-fund --loglevel=error
ENTRY="$PORTKEY_DIR/node_modules/@portkey-ai/gateway/build/start-server.js"
[ -f "$ENTRY" ] || { echo "setup-portkey: $ENTRY missing after install" >&2; exit 1; }
version_of() { node -p "require('./node_modules/$1/package.json').version"; }
echo "portkey $(version_of @portkey-ai/gateway) with @hono/node-server $(version_of @hono/node-server) in $PORTKEY_DIR"
