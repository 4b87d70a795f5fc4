// The run panel's page (client/webview/, bundled as `npm run build` bundles it) in Chromium, fed
// the messages the extension posts. Skipped without Chromium (scripts/e2e-tools.sh installs it).
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { build } from 'esbuild';
import type { Browser, Page } from 'playwright-core';
import { openPanel } from '../../bench/panel-page';
import type { PanelGraph, RunView, ToPanel } from '../../client/common/panel';
// @ts-expect-error: an .mjs module without types
import { bundles } from '../../scripts/bundles.mjs';

const CHROMIUM = process.env.CHROMIUM_BIN ?? '/usr/bin/chromium';
const FILE = '/w/flow.workflow.yaml';

function graph(key: string, ids: string[]): PanelGraph {
  return {
    key,
    file: FILE,
    name: 'flow',
    nodes: ids.map((id) => ({ id, type: 'PythonCodeNode', category: 'code' })),
    edges: ids
      .slice(1)
      .map((id, i) => ({ from: ids[i]!, to: id, fromOutput: 'result', toInput: 'data', label: 'result → data', cycle: false })),
  };
}

function run(runId: string, key: string, ids: string[], startedAt: number): RunView {
  const nodes: RunView['nodes'] = {};
  for (const id of ids) nodes[id] = { status: 'succeeded', durationMs: 1, attempts: 1, output: { result: id } };
  return { runId, file: FILE, label: 'flow', startedAt, status: 'succeeded', durationMs: 5, nodes, breakers: {}, graph: key };
}

describe('the run panel page', { skip: !existsSync(CHROMIUM) && 'no Chromium' }, () => {
  let browser: Browser;
  let page: Page;
  const dir = mkdtempSync(join(tmpdir(), 'kailash-page-'));
  const send = (m: ToPanel) =>
    page.evaluate(`new Promise((resolve) => {
      window.dispatchEvent(new MessageEvent('message', { data: ${JSON.stringify(m)} }));
      requestAnimationFrame(() => requestAnimationFrame(() => resolve()));
    })`);
  const drawn = () => page.$$eval('.gnode', (ns) => ns.map((n) => (n as HTMLElement).dataset.node).sort());
  const summary = () => page.textContent('#summary .total');

  before(async () => {
    await build({ ...bundles.webview, outfile: join(dir, 'webview.js'), sourcemap: false });
    await build({ ...bundles.webviewCss, outfile: join(dir, 'webview.css') });
    ({ browser, page } = await openPanel(join(dir, 'webview.js'), join(dir, 'webview.css')));
  });
  after(async () => {
    await browser?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('draws the state its HTML holds as its script starts, before any message, then says it is ready', async () => {
    const g = graph('kb', ['a', 'b', '</script><b>c']);
    const booted = await openPanel(join(dir, 'webview.js'), join(dir, 'webview.css'), 800, 900, {
      type: 'state',
      state: { graph: g, runs: [] },
    });
    try {
      // Read synchronously after the script ran: no message was posted to the page.
      assert.equal(await booted.page.textContent('#summary .total'), '3 nodes');
      assert.deepEqual(await booted.page.evaluate('window.posted'), [{ type: 'ready' }]);
      await booted.page.locator('.gnode[data-node="</script><b>c"]').waitFor();
      assert.deepEqual(await booted.page.evaluate('performance.getEntriesByType("mark").map((m) => m.name)'), [
        'kailash:script',
        'kailash:state',
        'kailash:graph',
      ]);
    } finally {
      await booted.browser.close();
    }
  });

  it('draws a past run with the graph it ran, not with its file as it is now', async () => {
    const g1 = graph('k1', ['a', 'b']);
    const r1 = run('r1', 'k1', ['a', 'b'], 1);
    await send({ type: 'state', state: { graph: g1, runs: [r1], current: 'r1' } });
    assert.deepEqual(await drawn(), ['a', 'b']);
    // The file gained a node and ran again; the page has k1 already, so the message leaves it out.
    const g2 = graph('k2', ['a', 'b', 'c']);
    const r2 = run('r2', 'k2', ['a', 'b', 'c'], 2);
    await send({ type: 'state', state: { graph: g2, runs: [r1, r2], current: 'r2', graphs: {} } });
    assert.deepEqual(await drawn(), ['a', 'b', 'c']);
    await page.selectOption('#history', 'r1');
    assert.deepEqual(await drawn(), ['a', 'b']);
    assert.equal(await summary(), '2 nodes');
    // Compared with the later run, the run shown keeps its own graph.
    await page.selectOption('#compare', 'r2');
    assert.deepEqual(await drawn(), ['a', 'b']);
    await page.selectOption('#history', 'r2');
    assert.deepEqual(await drawn(), ['a', 'b', 'c']);
    // Each graph was laid out once: going back and forth between the runs reuses the layouts.
    assert.equal(await page.getAttribute('.graph-svg', 'data-layouts'), '2');
  });

  it('shows a node the debugger holds as paused, in words and glyph beside colour, until the run goes on', async () => {
    const g = graph('kp', ['a', 'b', 'c']);
    const r: RunView = { ...run('rp', 'kp', [], 3), status: 'running' };
    r.nodes.a = { status: 'succeeded', durationMs: 1, attempts: 1, output: { result: 1 } };
    r.nodes.b = { status: 'running' };
    delete r.durationMs;
    await send({ type: 'state', state: { graph: g, runs: [r], current: 'rp' } });
    await send({ type: 'paused', runId: 'rp', node: 'b', callers: [] });
    assert.equal((await page.textContent('#status'))!.trim(), '‖ paused before b');
    assert.match((await page.getAttribute('#status', 'class'))!, /\bpaused\b/);
    assert.match((await page.textContent('#message'))!, /debugger holds the run before b/);
    assert.match((await page.getAttribute('.gnode[data-node="b"]', 'class'))!, /\bpaused\b/);
    assert.match((await page.getAttribute('.gnode[data-node="b"]', 'aria-label'))!, /paused/);
    assert.equal(await page.textContent('.gnode[data-node="b"] .gtype'), '‖ paused before it runs');
    assert.equal(await page.textContent('.row[data-node="b"] .badge.paused'), '‖ paused');
    assert.match((await page.textContent('#summary'))!, /‖ 1 paused/);
    // The paused border is drawn in a colour of its own, not the running one.
    const stroke = (id: string) => page.$eval(`.gnode[data-node="${id}"] rect`, (e) => getComputedStyle(e).strokeWidth);
    assert.equal(await stroke('b'), '3.5px');
    await send({ type: 'paused', runId: 'rp' });
    assert.match((await page.textContent('#status'))!, /running/);
    assert.match((await page.getAttribute('.gnode[data-node="b"]', 'class'))!, /\brunning\b/);
    assert.equal(await page.$('.row[data-node="b"] .badge.paused'), null);
  });

  it('shows the graph of the file as it is now on "Show graph" after an edit, without the old run on it', async () => {
    const g1 = graph('k1', ['a', 'b']);
    const r1 = run('r1', 'k1', ['a', 'b'], 1);
    const g3 = graph('k3', ['a', 'b', 'c', 'd']);
    await send({ type: 'state', state: { graph: g3, runs: [r1], current: 'r1', graphs: { k1: g1 } } });
    assert.deepEqual(await drawn(), ['a', 'b', 'c', 'd']);
    assert.match((await page.textContent('#status'))!, /no run yet/);
    assert.match((await page.textContent('#history'))!, /changed since its last run/);
    await page.selectOption('#history', 'r1');
    assert.deepEqual(await drawn(), ['a', 'b']);
  });
});
