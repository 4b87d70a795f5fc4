import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as vscode from 'vscode';
import type { RunEvent } from '../../runtime/engine/types';
import type { FromPanel, PanelState, RunView, ToPanel } from '../common/panel';
import { toTagged } from '../../runtime/values/wire';

/** A running workflow's events reach the page at most this often. */
const EVENTS_EVERY_MS = 50;

/**
 * The run panel: one webview tab showing the graph, each node's status and output, live. Its
 * HTML allows only our own script (by nonce) and stylesheet; outputs are rendered as text nodes.
 */
export class RunPanel implements vscode.Disposable {
  private panel?: vscode.WebviewPanel;
  private ready = false;
  private queue: ToPanel[] = [];
  /** The page was created with the state in its HTML, and has not said it is ready yet. */
  private booted = false;
  /** Run graphs (by key) the page has: a state message leaves them out. */
  private sent = new Set<string>();
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly state: () => PanelState,
    private readonly onMessage: (m: FromPanel) => void,
  ) {}

  get visible(): boolean {
    return this.panel !== undefined;
  }

  /** `withState`: post the state at once (not when the caller computes a new one and refreshes). */
  show(preserveFocus = true, withState = true): void {
    if (this.panel) {
      this.panel.reveal(undefined, preserveFocus);
      if (withState) this.post({ type: 'state', state: this.state() });
      return;
    }
    const dist = vscode.Uri.joinPath(this.extensionUri, 'dist');
    const panel = vscode.window.createWebviewPanel(
      'kailash.run',
      'Kailash Run',
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus },
      {
        enableScripts: true,
        retainContextWhenHidden: true,
        localResourceRoots: [dist],
      },
    );
    panel.iconPath = vscode.Uri.joinPath(this.extensionUri, 'images', 'workflow.svg');
    this.panel = panel;
    this.ready = false;
    this.sent.clear();
    // With the state at hand, the page gets it in its HTML and draws it as its script starts,
    // without the round trip of its `ready` and a state message (tens to hundreds of ms).
    const boot = withState ? this.trim({ type: 'state', state: this.state() }) : undefined;
    this.booted = boot !== undefined;
    panel.webview.html = html(panel.webview, dist, boot ? toTagged(boot) : undefined);
    panel.onDidDispose(
      () => {
        this.panel = undefined;
        this.ready = false;
        this.booted = false;
        this.queue = [];
        this.sent.clear();
      },
      undefined,
      this.disposables,
    );
    panel.webview.onDidReceiveMessage(
      (m: FromPanel) => {
        if (m.type === 'ready') {
          this.ready = true;
          const queued = this.queue.splice(0);
          // The first page has the state it was created with (and its graphs); it needs a state
          // message only if the state changed since. A page loaded again has no graph yet.
          const fresh = !this.booted || queued.some((q) => q.type === 'state');
          if (!this.booted) this.sent.clear();
          this.booted = false;
          if (fresh) void panel.webview.postMessage(toTagged(this.trim({ type: 'state', state: this.state() })));
          for (const q of queued) if (q.type !== 'state') void panel.webview.postMessage(toTagged(q));
          return;
        }
        this.onMessage(m);
      },
      undefined,
      this.disposables,
    );
  }

  refresh(): void {
    if (this.panel) this.post({ type: 'state', state: this.state() });
  }

  /** A run's events not posted yet: thousands of events, one message each, kept the extension host busy during a big run. */
  private pending?: { runId: string; events: RunEvent[] };
  private flushTimer?: NodeJS.Timeout;

  event(runId: string, event: RunEvent): void {
    if (!this.panel) return;
    if (this.pending && this.pending.runId !== runId) this.flush();
    (this.pending ??= { runId, events: [] }).events.push(event);
    this.flushTimer ??= setTimeout(() => this.flush(), EVENTS_EVERY_MS);
  }

  private flush(): void {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    const p = this.pending;
    this.pending = undefined;
    if (p) this.send({ type: 'events', runId: p.runId, events: p.events });
  }

  finished(run: RunView): void {
    this.post({ type: 'finished', run });
  }

  paused(runId: string, node?: string, callers?: string[]): void {
    this.post({ type: 'paused', runId, ...(node !== undefined ? { node, callers: callers ?? [] } : {}) });
  }

  selectNode(node: string): void {
    this.post({ type: 'select-node', node });
  }

  /** Any other message goes after the events before it. */
  private post(m: ToPanel): void {
    this.flush();
    this.send(m);
  }

  private send(m: ToPanel): void {
    if (!this.panel) return;
    // Until the page says it is ready, messages wait (a handshake, so none is lost on open).
    if (!this.ready) {
      if (m.type === 'state') this.queue = this.queue.filter((q) => q.type !== 'state');
      this.queue.push(m);
      return;
    }
    // The page gets values in the tagged form, which it prints as Python does (json-tree.ts).
    void this.panel.webview.postMessage(toTagged(this.trim(m)));
  }

  /** A state message without the run graphs the page already has (a 2,000-node graph is sent once). */
  private trim(m: ToPanel): ToPanel {
    if (m.type !== 'state' || !m.state.graphs) return m;
    const graphs = Object.fromEntries(Object.entries(m.state.graphs).filter(([k]) => !this.sent.has(k)));
    for (const k of Object.keys(graphs)) this.sent.add(k);
    if (m.state.graph?.key) this.sent.add(m.state.graph.key);
    return { type: 'state', state: { ...m.state, graphs } };
  }

  dispose(): void {
    clearTimeout(this.flushTimer);
    this.panel?.dispose();
    for (const d of this.disposables) d.dispose();
  }
}

/** The page's script and stylesheet, read once a session (they are part of the installed extension). */
let assets: { script: string; style: string } | undefined;

/**
 * The page's HTML, with its script and stylesheet inside it: a file the page links is fetched
 * through the webview's service worker, the workbench and (in a remote or web workbench) the
 * server, a round trip per file before the page can draw. `</` is escaped so that neither file
 * can end the element holding it. `boot`, the first state message, is JSON in a data block
 * (every `<` escaped, so nothing in it ends the block).
 */
function html(webview: vscode.Webview, dist: vscode.Uri, boot?: unknown): string {
  const nonce = randomBytes(16).toString('base64');
  assets ??= {
    script: readFileSync(vscode.Uri.joinPath(dist, 'webview.js').fsPath, 'utf8').replace(/<\/(script)/gi, '<\\/$1'),
    style: readFileSync(vscode.Uri.joinPath(dist, 'webview.css').fsPath, 'utf8').replace(/<\/(style)/gi, '<\\/$1'),
  };
  const csp = [
    `default-src 'none'`,
    `style-src ${webview.cspSource} 'nonce-${nonce}'`,
    `img-src ${webview.cspSource} data:`,
    `script-src 'nonce-${nonce}'`,
    `font-src ${webview.cspSource}`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<style nonce="${nonce}">${assets.style}</style>
<title>Kailash Run</title>
</head>
<body>
<header>
  <h1 id="title">Kailash run</h1>
  <span id="status" class="pill">no run yet</span>
  <button id="cancel" hidden>Cancel</button>
  <button id="rerun" disabled>Re-run</button>
  <select id="history" aria-label="run history"></select>
  <select id="compare" aria-label="compare with"></select>
</header>
<div id="message" role="status"></div>
<div id="summary"></div>
<div id="graph"></div>
<main id="split">
  <div id="nodes"></div>
  <div id="details"></div>
</main>
${boot ? `<script type="application/json" id="boot">${JSON.stringify(boot).replace(/</g, '\\u003c')}</script>\n` : ''}<script nonce="${nonce}">${assets.script}</script>
</body>
</html>`;
}
