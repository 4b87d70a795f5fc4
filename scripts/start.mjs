// `npm start`: install and build if needed, then open VS Code on examples/ with the extension
// loaded from source; without `code` on the PATH, run the quickstart example through the CLI.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const step = (what) => console.log(`\n== ${what}`);
const sh = (cmd, args) => {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
};

const installed = join(root, 'node_modules', '.package-lock.json');
if (!existsSync(installed) || statSync(join(root, 'package-lock.json')).mtimeMs > statSync(installed).mtimeMs) {
  step('npm install');
  sh(npm, ['install', '--no-audit', '--no-fund']);
}
step('npm run build');
sh(npm, ['run', 'build']);

function onPath(cmd) {
  try {
    execFileSync(process.platform === 'win32' ? 'where' : 'which', [cmd], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

if (onPath('code') && !process.env.KAILASH_NO_EDITOR) {
  step('opening VS Code on examples/ with the extension loaded from source');
  spawn('code', [`--extensionDevelopmentPath=${root}`, join(root, 'examples')], { detached: true, stdio: 'ignore' }).unref();
} else {
  step('no `code` on the PATH: checking the examples and running the quickstart through the CLI');
  const cli = join(root, 'dist', 'cli.js');
  const examples = join(root, 'examples');
  const files = (await import('node:fs'))
    .readdirSync(examples)
    .filter((f) => f.endsWith('.workflow.yaml'))
    .map((f) => join(examples, f));
  sh(process.execPath, [cli, 'validate', ...files]);
  step(`kailash-wf run examples/quickstart.workflow.yaml`);
  sh(process.execPath, [cli, 'run', join(examples, 'quickstart.workflow.yaml')]);
}
