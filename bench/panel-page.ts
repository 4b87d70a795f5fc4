// The run panel's page (dist/webview.js and .css) in a bare Chromium page, as VS Code hosts it:
// a stub `acquireVsCodeApi`, messages posted to the window. For the benchmark and quick looks.
import { readFileSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { PanelGraph, PanelState, RunView } from '../client/common/panel';

export const BODY = `<header><h1 id="title"></h1><span id="status" class="pill"></span><button id="cancel" hidden>Cancel</button>
<button id="rerun" disabled>Re-run</button><select id="history"></select><select id="compare"></select></header>
<div id="message"></div><div id="summary"></div><div id="graph"></div><main id="split"><div id="nodes"></div><div id="details"></div></main>`;

/** `boot`: the first state message in the page's HTML, as client/panel/panel.ts writes it for a page created with the state at hand. */
export async function openPanel(
  script: string,
  css: string,
  width = 800,
  height = 900,
  boot?: unknown,
): Promise<{ browser: Browser; page: Page }> {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_BIN ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox'],
  });
  const page = await browser.newPage({ viewport: { width, height } });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.setContent(
    `<!DOCTYPE html><html><head><style>${readFileSync(css, 'utf8')}</style></head><body class="vscode-dark">${BODY}${
      boot === undefined ? '' : `<script type="application/json" id="boot">${JSON.stringify(boot).replace(/</g, '\\u003c')}</script>`
    }</body></html>`,
  );
  // Strings, not functions: tsx would wrap functions in helpers the page does not have.
  await page.evaluate('window.posted = []; window.acquireVsCodeApi = () => ({ postMessage: (m) => window.posted.push(m) });');
  await page.addScriptTag({ content: readFileSync(script, 'utf8') });
  if (errors.length) throw new Error(`the panel's script failed: ${errors.join('; ')}`);
  return { browser, page };
}

/** Milliseconds from posting `state` until the page has drawn it (two animation frames later, after layout). */
export function timeState(page: Page, state: PanelState): Promise<number> {
  return page.evaluate(`new Promise((resolve) => {
    const t = performance.now();
    window.dispatchEvent(new MessageEvent('message', { data: { type: 'state', state: ${JSON.stringify(state)} } }));
    requestAnimationFrame(() => requestAnimationFrame(() => { void document.body.offsetHeight; resolve(performance.now() - t); }));
  })`) as Promise<number>;
}

/** A chain of `n` nodes with a fan-in every tenth node, and a finished run over it. */
export function bigState(n: number): PanelState {
  const id = (i: number) => `node_${i}`;
  const graph: PanelGraph = {
    file: '/w/big.workflow.yaml',
    name: `big-${n}`,
    nodes: Array.from({ length: n }, (_, i) => ({
      id: id(i),
      type: i % 2 ? 'JSONWriterNode' : 'HTTPRequestNode',
      category: i % 2 ? 'files' : 'api',
    })),
    edges: [],
  };
  for (let i = 1; i < n; i++) {
    graph.edges.push({ from: id(i - 1), to: id(i), fromOutput: 'data', toInput: 'data', label: 'data → data', cycle: false });
    if (i % 10 === 0 && i >= 5)
      graph.edges.push({ from: id(i - 5), to: id(i), fromOutput: 'data', toInput: 'extra', label: 'data → extra', cycle: false });
  }
  const run: RunView = {
    runId: 'r1',
    file: graph.file,
    label: 'big',
    startedAt: 0,
    status: 'succeeded',
    durationMs: 1234,
    nodes: {},
    breakers: {},
  };
  for (let i = 0; i < n; i++)
    run.nodes[id(i)] = {
      status: 'succeeded',
      durationMs: 3,
      attempts: 1,
      output: { data: [{ i, name: `row ${i}` }] },
      inputs: { data: [{ i }] },
    };
  return { graph, runs: [run], current: 'r1' };
}

/** Milliseconds to take `n` node-output events (a live run), each posted as its own message, until drawn. */
export function timeEvents(page: Page, n: number): Promise<number> {
  return page.evaluate(`new Promise((resolve) => {
    const t = performance.now();
    for (let i = 0; i < ${n}; i++) {
      const record = { status: 'succeeded', durationMs: 2, attempts: 1 };
      const event = { type: 'node-output', runId: 'r1', time: 0, node: 'node_' + i, record, preview: { data: [{ i }] }, truncated: false };
      window.dispatchEvent(new MessageEvent('message', { data: { type: 'event', runId: 'r1', event } }));
    }
    requestAnimationFrame(() => requestAnimationFrame(() => { void document.body.offsetHeight; resolve(performance.now() - t); }));
  })`) as Promise<number>;
}

/** `bigState` with its run still going and no node done yet. */
export function runningState(n: number): PanelState {
  const s = bigState(n);
  s.runs[0]!.status = 'running';
  s.runs[0]!.nodes = {};
  return s;
}
