// Starts code-server (the real VS Code workbench and Node extension host) on a free loopback port
// with a fresh profile. Tools come from scripts/e2e-tools.sh (CODE_SERVER_BIN, CODE_SERVER_NODE_DIR).
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export const SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'chat.disableAIFeatures': true,
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'workbench.enableExperiments': false,
  'security.workspace.trust.enabled': false,
  'workbench.tips.enabled': false,
  'editor.codeLens': true,
};

export function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/**
 * `vsix`: install that package into the fresh profile first (`--install-extension`), so the
 * workbench runs the installed copy as a user would, not the source tree.
 */
export async function startCodeServer({ userDataDir, extensionsDir, vsix } = {}) {
  const bin = process.env.CODE_SERVER_BIN;
  const nodeDir = process.env.CODE_SERVER_NODE_DIR;
  if (!bin || !nodeDir) throw new Error('CODE_SERVER_BIN/CODE_SERVER_NODE_DIR are not set: run through `npm run test:e2e`');
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kwf-cs-'));
  userDataDir ??= path.join(tmp, 'data');
  extensionsDir ??= path.join(tmp, 'exts');
  fs.mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
  const settings = path.join(userDataDir, 'User', 'settings.json');
  if (!fs.existsSync(settings)) fs.writeFileSync(settings, JSON.stringify(SETTINGS, null, 2));
  fs.writeFileSync(path.join(tmp, 'config.yaml'), 'auth: none\ncert: false\n');
  const env = {
    ...process.env,
    PATH: `${nodeDir}:${process.env.PATH}`,
    EXTENSIONS_GALLERY: '{}',
    XDG_CONFIG_HOME: path.join(tmp, 'xdg-config'),
    XDG_DATA_HOME: path.join(tmp, 'xdg-data'),
  };
  const profile = ['--config', path.join(tmp, 'config.yaml'), '--user-data-dir', userDataDir, '--extensions-dir', extensionsDir];
  if (vsix) {
    const r = spawnSync(bin, [...profile, '--install-extension', vsix], { env, encoding: 'utf8', timeout: 120_000 });
    if (r.status !== 0)
      throw new Error(`code-server --install-extension ${vsix} failed (${r.status ?? r.signal}): ${r.stderr || r.stdout}`);
  }
  const port = await freePort();
  const child = spawn(
    bin,
    [
      ...profile,
      '--bind-addr',
      `127.0.0.1:${port}`,
      '--auth',
      'none',
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-workspace-trust',
      '--reconnection-grace-time',
      '1',
      '--vscode-option',
      'enable-smoke-test-driver',
    ],
    { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const log = fs.createWriteStream(path.join(tmp, 'code-server.log'));
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  const stop = () => {
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {}
  };
  process.on('exit', stop);
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`${url}/healthz`)).ok) break;
    } catch {}
    if (i > 600) {
      stop();
      throw new Error(`code-server did not start; log: ${path.join(tmp, 'code-server.log')}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { url, host: `127.0.0.1:${port}`, tmp, stop };
}

/** The workbench URL on a folder, loading the extension from `extensionPath` (else the installed one) and optionally its tests. */
export function workbenchUrl(cs, { folder, extensionPath, testsPath }) {
  const payload = [];
  if (extensionPath) payload.push(['extensionDevelopmentPath', `vscode-remote://${cs.host}${extensionPath}`]);
  if (testsPath) payload.push(['extensionTestsPath', `vscode-remote://${cs.host}${testsPath}`]);
  const query = payload.length ? `&payload=${encodeURIComponent(JSON.stringify(payload))}` : '';
  return `${cs.url}/?folder=${encodeURIComponent(folder)}${query}`;
}

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
