// Extension activation in a real extension host (code-server), and the bundle sizes.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runTests } from '@vscode/test-electron';
import { report, type Row } from './measure';

const ROOT = join(__dirname, '..');
const MB = 1024 * 1024;

export async function run(): Promise<void> {
  execFileSync(process.execPath, [join(ROOT, 'scripts', 'build.mjs')], { cwd: ROOT, stdio: 'inherit' });
  const sizes: Row[] = [];
  for (const [file, budget] of [
    ['extension.js', 1],
    ['webview.js', 1],
    ['server.js', 2],
    ['run-host.js', 16],
    // What `kailash-wf` compiles at start; the integration libraries are parts loaded on use.
    ['cli/main.mjs', 1],
  ] as const) {
    const bytes = statSync(join(ROOT, 'dist', file)).size;
    sizes.push({
      name: `dist/${file} (${(bytes / 1024).toFixed(0)} KB)`,
      value: bytes / MB,
      baseline: budget,
      baselineName: `budget ${budget} MB`,
      goal: 1,
    });
  }
  report('Bundle sizes against their budgets (the main bundle’s goal: under 1 MB)', sizes, 'MB');

  const tools = execFileSync('bash', [join(ROOT, 'scripts', 'e2e-tools.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  for (const [, k, v] of tools.matchAll(/(\w+)=(\S+)/g)) process.env[k!] = v;
  const out = join(mkdtempSync(join(tmpdir(), 'kwf-act-')), 'activation.json');
  const ws = mkdtempSync(join(tmpdir(), 'kwf-act-ws-'));
  await runTests({
    vscodeExecutablePath: join(ROOT, 'test', 'e2e', 'cs-test-host.mjs'),
    extensionDevelopmentPath: ROOT,
    extensionTestsPath: join(ROOT, 'test', 'e2e', 'ext', 'activation.js'),
    launchArgs: [ws],
    extensionTestsEnv: { KAILASH_BENCH_OUT: out, KAILASH_E2E: '1' },
  });
  const { activation, load, marks } = JSON.parse(readFileSync(out, 'utf8')) as {
    activation: number;
    load: number;
    marks?: Record<string, number>;
  };
  const body = marks?.client ?? 0;
  const ours = load + body;
  report('Extension activation in code-server’s extension host (ms, one cold start)', [
    {
      name: `our cost: bundle load ${load.toFixed(1)} + activate() body ${body} (steps ${JSON.stringify(marks ?? {})})`,
      value: ours,
      baseline: activation,
      baselineName: 'ext.activate() end to end, extension host included',
      goalText: `≤ 100 ms ${ours <= 100 ? 'met' : 'MISSED'}`,
    },
  ]);
}
