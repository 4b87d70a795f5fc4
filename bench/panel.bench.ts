// The run panel on a 2,000-node workflow in Chromium: this page beside the previous one (built
// from git at BASELINE_COMMIT, the hand-made layout drawing every node), measured in the same run.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { GRAPH_LIMIT } from '../client/webview/graph-layout';
import { median, report, type Row } from './measure';
import { bigState, openPanel, runningState, timeEvents, timeState } from './panel-page';

const ROOT = join(__dirname, '..');
/** The last commit with the previous panel. */
const BASELINE_COMMIT = '8a20e35';

async function baselineBundle(): Promise<string | undefined> {
  const dir = mkdtempSync(join(tmpdir(), 'kwf-panel-base-'));
  try {
    const tar = execFileSync(
      'git',
      ['archive', BASELINE_COMMIT, 'client/webview', 'client/shared', 'runtime/engine/types.ts', 'runtime/catalog/types.ts'],
      { cwd: ROOT },
    );
    execFileSync('tar', ['-x', '-C', dir], { input: tar });
  } catch {
    return undefined;
  }
  const out = join(dir, 'webview.js');
  await build({
    entryPoints: [join(dir, 'client/webview/main.ts')],
    outfile: out,
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    logLevel: 'silent',
  });
  return out;
}

async function measure(script: string, n: number, runs: number, live = false): Promise<number> {
  const { browser, page } = await openPanel(script, join(ROOT, 'dist', 'webview.css'));
  try {
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      await timeState(page, { runs: [] });
      if (!live) times.push(await timeState(page, bigState(n)));
      else {
        await timeState(page, runningState(n));
        times.push(await timeEvents(page, n));
      }
    }
    return median(times);
  } finally {
    await browser.close();
  }
}

export async function run(): Promise<void> {
  if (!existsSync(process.env.CHROMIUM_BIN ?? '/usr/bin/chromium')) {
    console.log('\n### Run panel\n\nskipped: no Chromium (scripts/e2e-tools.sh installs it)');
    return;
  }
  execFileSync(process.execPath, [join(ROOT, 'scripts', 'build.mjs')], { cwd: ROOT, stdio: 'inherit' });
  const ours = join(ROOT, 'dist', 'webview.js');
  const base = await baselineBundle();
  const rows: Row[] = [];
  // GRAPH_LIMIT nodes is the largest graph drawn whole (dagre); above it a neighbourhood is.
  for (const n of [GRAPH_LIMIT, 2000]) {
    const value = await measure(ours, n, 5);
    const baseline = base ? await measure(base, n, n > 500 ? 1 : 3) : NaN;
    rows.push({
      name: `show a finished ${n.toLocaleString('en-US')}-node run (state → drawn${n > GRAPH_LIMIT ? ', graph: a neighbourhood' : ', whole graph'})`,
      value,
      baseline,
      baselineName: `previous panel (${BASELINE_COMMIT})`,
      goalText: `< 1000 ms ${value < 1000 ? 'met' : 'MISSED'}`,
    });
  }
  // A live run: every node's output event, one message each (the previous panel redrew all per event).
  const live = await measure(ours, 2000, 3, true);
  const liveBase = base ? await measure(base, 200, 1, true) : NaN;
  rows.push({
    name: '2,000 live node-output events on a 2,000-node run (→ drawn)',
    value: live,
    baseline: liveBase,
    baselineName: `previous panel, only 200 events on 200 nodes`,
    goalText: `< 1000 ms ${live < 1000 ? 'met' : 'MISSED'}`,
  });
  report('Run panel (Chromium, 800 × 900)', rows);
}
