// `npm run test:e2e`: tools (cached outside the repo), build, then the UI suite (Playwright in the
// real workbench) and the extension-host suite (@vscode/test-electron's runTests via our launcher).
// `--screenshot` (npm run screenshot) runs only the UI suite and rewrites docs/run-panel.png.
import { execFileSync, spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const exports = execFileSync('bash', [path.join(root, 'scripts', 'e2e-tools.sh')], {
  encoding: 'utf8',
  stdio: ['ignore', 'pipe', 'inherit'],
});
for (const [, k, v] of exports.matchAll(/(\w+)=(\S+)/g)) process.env[k] = v;
process.env.KAILASH_E2E = '1';
const screenshotOnly = process.argv.includes('--screenshot');
if (screenshotOnly) process.env.KAILASH_REFRESH_SCREENSHOT = '1';
const step = (name, cmd, args) => {
  console.log(`\n== ${name}`);
  return spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: process.env }).status ?? 1;
};
let failed = step('build', 'npm', ['run', 'build']);
if (failed) process.exit(failed);
// The UI suite drives the packaged extension as a user installs it; the extension-host suite
// loads the source tree's build (its tests need extensionDevelopmentPath).
failed = step('package the .vsix', 'npm', ['run', 'package']);
if (failed) process.exit(failed);
process.env.KAILASH_E2E_VSIX = path.join(root, 'kailash-workflows.vsix');
const ui = step('UI tests (code-server + Chromium)', process.execPath, ['--test', '--test-reporter=spec', 'test/e2e/ui.test.mjs']);
if (screenshotOnly) process.exit(ui);
const ext = step('extension-host tests', process.execPath, ['test/e2e/run-ext-tests.mjs']);
console.log(`\ne2e: UI ${ui === 0 ? 'passed' : 'FAILED'}, extension host ${ext === 0 ? 'passed' : 'FAILED'}`);
process.exit(ui || ext ? 1 : 0);
