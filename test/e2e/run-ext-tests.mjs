// Extension-host tests through @vscode/test-electron's runTests, with our code-server launcher
// as the "VS Code executable" (no VS Code download is possible here).
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runTests } from '@vscode/test-electron';
import { makeWorkspace, startDemoServer } from './fixtures.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..', '..');
const demo = await startDemoServer();
const ws = makeWorkspace(demo.url);
let code = 0;
try {
  await runTests({
    vscodeExecutablePath: path.join(here, 'cs-test-host.mjs'),
    extensionDevelopmentPath: root,
    extensionTestsPath: path.join(here, 'ext', 'index.js'),
    launchArgs: [ws],
    extensionTestsEnv: { KAILASH_E2E: '1' },
  });
} catch (e) {
  console.error(String(e));
  code = 1;
} finally {
  await demo.close();
}
process.exit(code);
