// The real VS Code workbench (code-server) driven by Debian's Chromium: what a user sees.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, startCodeServer, workbenchUrl } from './code-server.mjs';
import { makeWorkspace, startDemoServer } from './fixtures.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const ARTIFACTS = path.join(ROOT, 'test', 'e2e', 'artifacts');
fs.mkdirSync(ARTIFACTS, { recursive: true });

// With KAILASH_E2E_VSIX (as `npm run test:e2e` sets it) the suite drives the packaged extension,
// installed as a user installs it; without, the source tree's build.
const VSIX = process.env.KAILASH_E2E_VSIX;

/** The themes every state is shown in: file name, VS Code's theme, the class it gives the page's body. */
const THEMES = [
  ['light', 'Default Light Modern', 'vscode-light'],
  ['dark', 'Default Dark Modern', 'vscode-dark'],
  ['hc-dark', 'Default High Contrast', 'vscode-high-contrast'],
  ['hc-light', 'Default High Contrast Light', 'vscode-high-contrast-light'],
];

/** Where theme screenshots go: docs/screenshots/ when refreshing them (`npm run screenshot`), else the artifacts. */
function screenshotDir() {
  const dir = process.env.KAILASH_REFRESH_SCREENSHOT ? path.join(ROOT, 'docs', 'screenshots') : ARTIFACTS;
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

describe(`Kailash Workflows in the real VS Code workbench (${VSIX ? 'installed .vsix' : 'source tree'})`, { timeout: 600_000 }, () => {
  let demo, cs, browser, page, ws;
  const shot = (name) => page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`) });
  const panel = () => page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');

  // Every file opens in the first editor group, and a lens is clicked there: the run panel sits
  // in the second group, and a click inside it (expanding an output) makes that group the active
  // one, where Quick Open would otherwise put the next file, beside (or over) the panel.
  async function open(file) {
    const tab = page.locator(`.editor-group-container.active .tabs-container .tab.active[data-resource-name="${file}"]`);
    // Quick Open is sometimes inert for a moment after a click in the panel's webview (focus is
    // still moving back to the workbench): a few bounded tries, the last from the Explorer.
    for (let attempt = 1; ; attempt++) {
      try {
        await page.keyboard.press('Escape');
        const first = page.locator('.editor-group-container').first().locator('.tabs-container .tab.active');
        if (await first.count()) await first.click();
        if (attempt < 3) {
          await page.keyboard.press('Control+P');
          const input = page.locator('.quick-input-widget .quick-input-box input');
          await input.waitFor({ timeout: 5000 });
          await input.fill(file);
          await page.locator('.quick-input-list .monaco-list-row.focused', { hasText: file }).waitFor({ timeout: 10_000 });
          await page.keyboard.press('Enter');
        } else {
          await page.getByRole('treeitem', { name: file }).first().click();
        }
        await tab.waitFor({ timeout: 15_000 });
        return;
      } catch (err) {
        if (attempt === 3) throw err;
      }
    }
  }

  async function lens(title) {
    const link = page.locator('.editor-group-container.active .contentWidgets .codelens-decoration a', { hasText: title }).first();
    await link.waitFor({ timeout: 60_000 });
    await link.click();
  }

  // A command from the Command Palette, by its label.
  // Monaco redraws its lines as it likes: a box is asked for again (bounded) while the element is
  // between two drawings.
  async function box(locator) {
    for (let i = 1; ; i++) {
      await locator.waitFor();
      const b = await locator.boundingBox();
      if (b) return b;
      if (i === 20) throw new Error(`no box for ${locator}`);
    }
  }

  async function command(label) {
    await page.keyboard.press('Escape');
    await page.keyboard.press('F1');
    const input = page.locator('.quick-input-widget .quick-input-box input');
    await input.waitFor({ timeout: 5000 });
    await input.fill(`>${label}`);
    await page.locator('.quick-input-list .monaco-list-row.focused', { hasText: label }).waitFor({ timeout: 10_000 });
    await page.keyboard.press('Enter');
    await page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
  }

  before(async () => {
    demo = await startDemoServer();
    ws = makeWorkspace(demo.url);
    cs = await startCodeServer(VSIX ? { vsix: VSIX } : {});
    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_BIN ?? '/usr/bin/chromium',
      headless: true,
      args: CHROMIUM_ARGS,
    });
    page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
    await page.goto(workbenchUrl(cs, { folder: ws, ...(VSIX ? {} : { extensionPath: ROOT }) }));
    await page.waitForSelector('.monaco-workbench', { timeout: 120_000 });
    await page.getByRole('treeitem', { name: /api\.workflow\.yaml/ }).waitFor({ timeout: 120_000 });
  });
  // What the workbench showed when each test ended, failed or not (artifacts/, not committed).
  afterEach(async (t) => {
    await page?.screenshot({ path: path.join(ARTIFACTS, `end-${t.name.slice(0, 40).replace(/\W+/g, '-')}.png`) }).catch(() => {});
  });
  after(async () => {
    await browser?.close().catch(() => {});
    cs?.stop();
    await demo?.close();
  });

  it('sets the language mode and shows a broken connection as a squiggle and a Problems entry', async () => {
    await open('broken.workflow.yaml');
    await page.locator('.statusbar-item[id="status.editor.mode"]', { hasText: 'Kailash Workflow' }).waitFor({ timeout: 60_000 });
    await page.locator('.monaco-editor .squiggly-error').first().waitFor({ timeout: 60_000 });
    await page.keyboard.press('Control+Shift+M');
    await page
      .locator('.markers-panel')
      .getByText(/has no output 'dta'/)
      .waitFor({ timeout: 30_000 });
    await shot('broken-connection');
  });

  it('offers node types in completion', async () => {
    await open('new.workflow.yaml');
    await page.locator('.editor-group-container.active .monaco-editor .view-line', { hasText: 'type:' }).click();
    await page.keyboard.press('End');
    const row = page.locator('.suggest-widget .monaco-list-row', { hasText: 'HTTPRequestNode' }).first();
    // The server may still be starting: ask again a few times rather than wait on a stale list.
    for (let i = 0; i < 10; i++) {
      await page.keyboard.press('Control+Space');
      if (
        await row.waitFor({ timeout: 3000 }).then(
          () => true,
          () => false,
        )
      )
        break;
      await page.keyboard.press('Escape');
    }
    await row.waitFor({ timeout: 5000 });
    await shot('completion');
    await page.keyboard.press('Escape');
  });

  it('runs a workflow from its lens; the panel shows every node with its status and output, as text', async () => {
    await open('api.workflow.yaml');
    await lens('Run workflow');
    await panel().locator('#status', { hasText: 'succeeded' }).waitFor({ timeout: 120_000 });
    for (const id of ['fetch', 'names', 'save', 'profile']) await panel().locator(`.row.succeeded[data-node="${id}"]`).waitFor();
    await panel().locator('.row[data-node="names"]').click();
    await panel().locator('.details[data-node="names"] .value.output .json-string', { hasText: '"Ada"' }).waitFor();
    await panel().locator('.row[data-node="profile"]').click();
    const profile = panel().locator('.details[data-node="profile"] .value.output');
    await profile.locator('button[data-mode="json"]').click();
    await profile.locator('summary', { hasText: 'content' }).first().click();
    await profile.getByText('"<img src=x onerror=alert(1)><b>bold</b>"').waitFor();
    assert.equal(await panel().locator('img').count(), 0, 'markup in outputs is never rendered');
    assert.equal(await panel().locator('b').count(), 0);
    await shot('run-panel');
    // `npm run screenshot` refreshes the README's picture; a plain test run leaves the tree clean.
    if (process.env.KAILASH_REFRESH_SCREENSHOT) await page.screenshot({ path: path.join(ROOT, 'docs', 'run-panel.png') });
  });

  it('runs a SQLite query and shows its rows', async () => {
    await open('sqlite.workflow.yaml');
    await lens('Run workflow');
    const row = panel().locator('.row[data-node="langs"]');
    await panel()
      .locator('.row.succeeded[data-node="langs"], .row.failed[data-node="langs"]')
      .waitFor({ timeout: 120_000 })
      .catch(async (err) => {
        await shot('sqlite-timeout');
        throw err;
      });
    await shot('sqlite');
    assert.match(await row.getAttribute('class'), /succeeded/, `the SQLite node failed: ${await row.innerText()}`);
    await panel().locator('.row[data-node="langs"]').click();
    const details = panel().locator('.details[data-node="langs"] .value.output');
    await details.locator('button[data-mode="json"]').click();
    // `data` opens by default; its rows (one level deeper) open on a click.
    await details
      .locator('summary', { hasText: /^1: 1 key$/ })
      .first()
      .click();
    await details.locator('.json-string', { hasText: '"TypeScript"' }).first().waitFor();
    assert.ok(fs.existsSync(path.join(ws, 'langs.db')), 'the database file is written next to the workflow');
    await shot('sqlite');
  });

  it('runs only the upstream with "Run to"', async () => {
    await open('api.workflow.yaml');
    await lens('Run to names');
    await panel().locator('#status', { hasText: 'succeeded' }).waitFor({ timeout: 120_000 });
    await panel().locator('.row.succeeded[data-node="names"]').waitFor();
    await panel().locator('.row.not-run[data-node="save"]').waitFor();
    await panel().locator('.row.not-run[data-node="profile"]').waitFor();
    await shot('run-to-here');
  });

  it('cancel stops a slow run and closes its connection', async () => {
    await open('slow.workflow.yaml');
    await lens('Run workflow');
    await panel().locator('#status', { hasText: 'running' }).waitFor({ timeout: 60_000 });
    for (let i = 0; i < 600 && demo.closed.length === 0 && !(await panel().locator('.row.running[data-node="wait"]').count()); i++)
      await page.waitForTimeout(100);
    await panel().locator('#cancel').click();
    // A cancel the user asked for is a state of its own, not a failure.
    await panel().locator('#status.pill.cancelled', { hasText: 'cancelled' }).waitFor({ timeout: 30_000 });
    await panel().locator('#message.cancelled').waitFor();
    for (let i = 0; i < 100 && demo.closed.length === 0; i++) await page.waitForTimeout(100);
    assert.deepEqual(demo.closed, ['/slow']);
    await shot('cancelled');
  });
  it('draws the graph fitted to the half-width panel; a click on a node selects its row and reveals its line', async () => {
    // The first test's run of api.workflow.yaml, picked from the history.
    const run = await panel().locator('#history option', { hasText: 'api-demo · succeeded' }).last().getAttribute('value');
    await panel().locator('#history').selectOption(run);
    await panel().locator('#status', { hasText: 'succeeded' }).waitFor();
    const box = await panel().locator('#graph').boundingBox();
    for (const id of ['fetch', 'names', 'save', 'profile']) {
      const node = panel().locator(`.gnode.succeeded[data-node="${id}"]`);
      await node.waitFor();
      const b = await node.boundingBox();
      assert.ok(
        b.x >= box.x - 1 && b.y >= box.y - 1 && b.x + b.width <= box.x + box.width + 1 && b.y + b.height <= box.y + box.height + 1,
        `${id} is inside the graph's box`,
      );
    }
    // Edges are labelled with their ports and the item count of list outputs.
    await panel().locator('.elabel', { hasText: 'result → data · 2 items' }).waitFor();
    await panel().locator('.gnode[data-node="names"]').click();
    await panel().locator('.row.selected[data-node="names"]').waitFor();
    await panel().locator('.details[data-node="names"]').waitFor();
    // The editor shows the node's line (`  - id: names` is line 7).
    await page.locator('.statusbar-item[id="status.editor.selection"]', { hasText: /Ln 7,/ }).waitFor({ timeout: 30_000 });
    // Zoom changes the drawing's scale; Fit brings it back.
    const fitted = await panel().locator('.graph-svg').getAttribute('data-scale');
    await panel().getByRole('button', { name: 'Zoom in' }).click();
    assert.notEqual(await panel().locator('.graph-svg').getAttribute('data-scale'), fitted);
    await panel().getByRole('button', { name: 'Fit the graph to the panel' }).click();
    assert.equal(await panel().locator('.graph-svg').getAttribute('data-scale'), fitted);
    await shot('graph');
  });

  it('shows what a node received beside what it returned: a table of records, its JSON and its schema', async () => {
    // The api run of the previous test is the panel's current run.
    await panel().locator('.row[data-node="names"]').click();
    const received = panel().locator('.details[data-node="names"] .value.inputs');
    await received.locator('button[data-mode="table"]').click();
    await received.locator('table.records th', { hasText: 'name' }).waitFor();
    await received.locator('table.records td', { hasText: 'Grace' }).waitFor();
    await received.locator('.table-caption', { hasText: 'users: 2 rows' }).waitFor();
    await received.locator('button[data-mode="schema"]').click();
    await received.locator('.schema li', { hasText: /users\s*list\[dict\]/ }).waitFor();
    await received.locator('button[data-mode="json"]').click();
    await received.locator('.json-meta', { hasText: '2 items' }).first().waitFor();
    await panel().locator('.details[data-node="names"] .value.output .json-string', { hasText: '"Grace"' }).waitFor();
    // Keyboard: the rows are one tab stop; arrows move, Enter selects.
    await panel().locator('.row[data-node="names"]').focus();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await panel().locator('.row.selected[data-node="save"]').waitFor();
    await panel().locator('.row[data-node="names"]').click();
    await received.locator('button[data-mode="table"]').click();
    await shot('inputs-table');
  });

  it('compares two runs as a diff: the nodes that changed, and inside an output the keys', async () => {
    await open('counter.workflow.yaml');
    await lens('Run workflow');
    await panel().locator('.row.succeeded[data-node="keep"]').waitFor({ timeout: 120_000 });
    // Again, from the panel's Re-run button.
    await panel().locator('#rerun:not([disabled])').click();
    // Options of a <select> are never "visible": wait for them to be there.
    await panel().locator('#history option', { hasText: 'counter-demo' }).nth(1).waitFor({ state: 'attached', timeout: 120_000 });
    await panel().locator('#status', { hasText: 'succeeded' }).waitFor({ timeout: 120_000 });
    await panel().locator('.row.succeeded[data-node="keep"]').waitFor();
    const earlier = await panel().locator('#compare option', { hasText: 'counter-demo' }).first().getAttribute('value');
    await panel().locator('#compare').selectOption(earlier);
    await panel().locator('#summary .badge.diff.changed', { hasText: '2 nodes changed' }).waitFor();
    await panel().locator('.row[data-node="keep"] .badge.diff.changed').waitFor();
    await panel().locator('.row[data-node="keep"]').click();
    const changes = panel().locator('.details[data-node="keep"] .change-list');
    await changes.locator('.change.changed', { hasText: 'result.n: 1 → 2' }).waitFor();
    await changes.locator('.change.changed', { hasText: 'result.first: true → false' }).waitFor();
    await panel().locator('.row[data-node="count"]').click();
    await panel().locator('.details[data-node="count"] .change.changed', { hasText: 'response.content.plan: "free" → "gold"' }).waitFor();
    await shot('diff');
  });

  it('a failure shows once, red with its glyph, and rows of nodes that did not run have nothing to open', async () => {
    await open('missing.workflow.yaml');
    await lens('Run workflow');
    await panel().locator('#status.pill.failed').waitFor({ timeout: 120_000 });
    await panel().locator('.row.failed[data-node="read"]').click();
    const details = panel().locator('.details[data-node="read"]');
    await details.locator('.error').waitFor();
    assert.equal(await details.locator('.error').count(), 1);
    await panel().locator('.gnode.failed[data-node="read"]').waitFor();
    await panel().locator('.row[data-node="write"]').click();
    await panel()
      .locator('.details[data-node="write"]', { hasText: /did not (run|finish)/i })
      .waitFor();
    assert.equal(await panel().locator('.details[data-node="write"] .value').count(), 0);
    await shot('failed');
  });

  it('shows a 2,000-node graph at once: only the rows in view are drawn, the graph shows a neighbourhood', async () => {
    // From the Explorer (into the first group, made active by a click on its tab).
    const first = page.locator('.editor-group-container').first().locator('.tabs-container .tab.active');
    // Run alone (--test-name-pattern) no editor is open yet.
    if (await first.count()) await first.click();
    await page.getByRole('treeitem', { name: /big\.workflow\.yaml/ }).dblclick();
    await page.locator('.editor-group-container.active .tabs-container .tab.active[data-resource-name="big.workflow.yaml"]').waitFor();
    const t = Date.now();
    await lens('Show graph');
    // When the panel is not open yet: the moment the workbench has the page (our script running), and then the graph.
    await panel().locator('#summary').waitFor({ state: 'attached', timeout: 60_000 });
    const open = Date.now() - t;
    await panel().locator('#summary .total', { hasText: '2,000 nodes' }).waitFor({ timeout: 60_000 });
    await panel().locator('.graph-note', { hasText: 'of 2,000' }).waitFor();
    console.log(
      `2,000-node graph shown ${Date.now() - t} ms after the lens click (the page there at ${open} ms; load ${fs.readFileSync('/proc/loadavg', 'utf8').split(' ')[0]})`,
    );
    assert.ok((await panel().locator('.row').count()) < 100, 'the list is virtualised');
    assert.ok((await panel().locator('.gnode').count()) <= 120);
    // No run of this file yet: nothing to run again from the panel.
    await panel().locator('#rerun[disabled]').waitFor();
    // The list scrolls to any node; selecting one moves the graph there.
    await panel()
      .locator('#nodes')
      .evaluate((e) => (e.scrollTop = e.scrollHeight));
    await panel().locator('.row[data-node="n1999"]').click();
    await panel().locator('.gnode.selected[data-node="n1999"]').waitFor();
    await shot('big');
    // Shown again after the panel was closed: the file's model is read by now (the first Show
    // graph read it), so the new page comes with the graph in its HTML and its script and styles
    // inside it: nothing fetched, no round trip before the first drawing. (The time includes the palette.)
    await page.locator('.editor-group-container').first().locator('.tabs-container .tab.active').click();
    await command('View: Close Editors in Other Groups');
    await page.locator('iframe.webview').waitFor({ state: 'detached' });
    // From the palette: the lens scrolled out of view with the selection.
    const t2 = Date.now();
    await command('Kailash: Show Workflow Graph');
    await panel().locator('.graph-note', { hasText: 'of 2,000' }).waitFor({ timeout: 60_000 });
    const again = Date.now() - t2;
    const inPage = await panel()
      .locator('body')
      .evaluate(() => ({
        boot: document.getElementById('boot')?.textContent?.includes('"n1999"') ?? false,
        fetched: performance.getEntriesByType('resource').map((e) => e.name),
        marks: Object.fromEntries(performance.getEntriesByType('mark').map((m) => [m.name, Math.round(m.startTime)])),
      }));
    assert.ok(inPage.boot, "the graph is in the new page's HTML");
    assert.deepEqual(inPage.fetched, [], 'the page fetches nothing');
    assert.deepEqual(Object.keys(inPage.marks), ['kailash:script', 'kailash:state', 'kailash:graph']);
    console.log(
      `shown again ${again} ms after the command (palette included); in the page: script ${inPage.marks['kailash:script']} ms, state ${inPage.marks['kailash:state']} ms, graph ${inPage.marks['kailash:graph']} ms (load ${fs.readFileSync('/proc/loadavg', 'utf8').split(' ')[0]})`,
    );
  });

  it('is readable in the light, dark and both High Contrast themes (screenshots)', async () => {
    const dir = screenshotDir();
    fs.mkdirSync(path.join(ws, '.vscode'), { recursive: true });
    const history = async (label) => {
      const value = await panel().locator('#history option', { hasText: label }).first().getAttribute('value');
      await panel().locator('#history').selectOption(value);
    };
    const frame = page.locator('iframe.webview.ready');
    // Room for the panel: hide the bottom panel (Problems) the first test opened.
    const hide = page.locator(
      '.part.panel .title-actions a[aria-label^="Hide Panel"], .part.panel .title-actions a[aria-label^="Close Panel"]',
    );
    if (await hide.count()) {
      await hide.first().click();
      await page.locator('.part.panel').waitFor({ state: 'hidden' });
    }
    for (const [name, theme, cls] of THEMES) {
      fs.writeFileSync(path.join(ws, '.vscode', 'settings.json'), JSON.stringify({ 'workbench.colorTheme': theme }));
      await panel().locator(`body.${cls}`).waitFor({ timeout: 60_000 });
      // The failed run, its failed node selected.
      await history('missing-demo');
      await panel().locator('.row.failed[data-node="read"]').click();
      await panel().locator('.details[data-node="read"] .error').scrollIntoViewIfNeeded();
      await frame.screenshot({ path: path.join(dir, `failed-${name}.png`) });
      // The api run: a node's inputs as a table beside its output.
      await history('api-demo · succeeded');
      await panel().locator('.row[data-node="names"]').click();
      await panel().locator('.details[data-node="names"] .value.inputs button[data-mode="table"]').click();
      await panel().locator('.details[data-node="names"] table.records').scrollIntoViewIfNeeded();
      await frame.screenshot({ path: path.join(dir, `run-${name}.png`) });
      // The latest counter run compared with the first.
      await history('counter-demo');
      const earlier = await panel().locator('#compare option', { hasText: 'counter-demo' }).first().getAttribute('value');
      await panel().locator('#compare').selectOption(earlier);
      await panel().locator('.row[data-node="keep"]').click();
      await panel().locator('.details[data-node="keep"] .change-list').scrollIntoViewIfNeeded();
      await frame.screenshot({ path: path.join(dir, `diff-${name}.png`) });
      // The cancelled run.
      await history('slow-demo');
      await panel().locator('#status.pill.cancelled').waitFor();
      await frame.screenshot({ path: path.join(dir, `cancelled-${name}.png`) });
    }
    fs.rmSync(path.join(ws, '.vscode'), { recursive: true, force: true });
  });

  it('a debug session stops on a breakpoint set in the gutter, shows the node’s inputs, and Continue finishes the run', async () => {
    await open('debug.workflow.yaml');
    const editor = page.locator('.editor-group-container.active .monaco-editor').first();
    const line = editor.locator('.view-line', { hasText: '- id: greet' });
    await line.waitFor();
    // A click in the glyph margin beside the node's first line.
    const margin = await box(editor.locator('.glyph-margin'));
    const at = await box(line);
    await page.mouse.click(margin.x + margin.width / 2, at.y + at.height / 2);
    await editor.locator('.codicon-debug-breakpoint').first().waitFor({ timeout: 15_000 });
    await page.locator('.editor-group-container.active .editor-actions a[aria-label^="Debug Workflow"]').click();
    // The editor shows where the run stopped, the Variables view the node's inputs.
    await editor.locator('.codicon-debug-stackframe').first().waitFor({ timeout: 120_000 });
    const variables = page.locator('.debug-pane .monaco-list-row');
    const name = variables.filter({ hasText: /name\s*[:=]?\s*"Ada"/ }).first();
    // The Inputs scope opens on a click; the view may draw its scopes again as the stopped frame
    // gets focus (closing it), so open it until the input shows (bounded).
    const scope = variables.filter({ hasText: /^Inputs$/ }).first();
    for (let i = 1; ; i++) {
      await scope.waitFor({ timeout: 30_000 });
      if ((await scope.getAttribute('aria-expanded')) !== 'true') await scope.click();
      const shown = await name.waitFor({ timeout: 5000 }).then(
        () => true,
        () => false,
      );
      if (shown || i === 5) break;
    }
    await name.waitFor();
    await variables
      .filter({ hasText: /times\s*[:=]?\s*2/ })
      .first()
      .waitFor();
    await page.locator('.debug-call-stack .monaco-list-row', { hasText: 'greet · JavaScriptCodeNode' }).first().waitFor();
    // The run panel says the node is held, in words (not colour alone).
    await panel().locator('#status.paused', { hasText: 'paused before greet' }).waitFor({ timeout: 30_000 });
    await panel().locator('.row.paused[data-node="greet"] .badge.paused', { hasText: 'paused' }).waitFor();
    await panel().locator('.gnode.paused[data-node="greet"]').waitFor();
    await shot('debug-stopped');
    // The paused state in every theme, while the session holds the node.
    const dir = screenshotDir();
    fs.mkdirSync(path.join(ws, '.vscode'), { recursive: true });
    for (const [name, theme, cls] of THEMES) {
      fs.writeFileSync(path.join(ws, '.vscode', 'settings.json'), JSON.stringify({ 'workbench.colorTheme': theme }));
      await panel().locator(`body.${cls}`).waitFor({ timeout: 60_000 });
      await panel().locator('.row.paused[data-node="greet"]').click();
      await page.locator('iframe.webview.ready').screenshot({ path: path.join(dir, `paused-${name}.png`) });
    }
    fs.rmSync(path.join(ws, '.vscode'), { recursive: true, force: true });
    await page.locator('.debug-toolbar .action-label.codicon-debug-continue').click();
    await page.locator('.debug-toolbar').waitFor({ state: 'hidden', timeout: 120_000 });
    assert.equal(await editor.locator('.codicon-debug-stackframe').count(), 0, 'no stop is shown once the session ended');
    // The run panel followed the session: `sub` is only in this workflow.
    await panel().locator('.row.succeeded[data-node="sub"]').waitFor({ timeout: 60_000 });
    await panel().locator('#status', { hasText: 'succeeded' }).waitFor();
    await panel().locator('.row[data-node="greet"]').click();
    await panel().locator('.details[data-node="greet"] .value.output .json-string', { hasText: '"Hello Ada x2"' }).first().waitFor();
    await shot('debug-finished');
    // The breakpoint stays: it stops only debug sessions, and no later test starts one.
  });

  it('a workflow test file appears in the Testing view and passes, then fails after an edit with the failure shown', async () => {
    fs.writeFileSync(
      path.join(ws, 'debug.workflow.test.yaml'),
      [
        'workflow: debug.workflow.yaml',
        'cases:',
        '  - name: greets Ada',
        '    expect:',
        '      greet: {path: result, equals: Hello Ada x2}',
        '',
      ].join('\n'),
    );
    await page.locator('.activitybar .action-item a[aria-label^="Testing"]').click();
    const tree = page.locator('.test-explorer .monaco-list-row');
    const file = tree.filter({ hasText: 'debug.workflow.test.yaml' });
    await file.waitFor({ timeout: 60_000 });
    await command('Test: Run All Tests');
    await file.locator('.codicon-testing-passed-icon').waitFor({ timeout: 120_000 });
    await shot('tests-passed');
    // An unsaved edit: the expected greeting no longer matches.
    await open('debug.workflow.test.yaml');
    const editor = page.locator('.editor-group-container.active .monaco-editor').first();
    await editor.locator('.view-line', { hasText: 'equals: Hello Ada x2' }).click();
    await page.keyboard.press('End');
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.type(' and Grace');
    await editor.locator('.view-line', { hasText: 'Hello Ada x2 and Grace' }).waitFor();
    await command('Test: Run All Tests');
    await file.locator('.codicon-testing-failed-icon').waitFor({ timeout: 120_000 });
    // The failure's message, in the Test Results view the failed run opens.
    await page
      .locator('.monaco-list-row', { hasText: /greet\.result does not equal the expected value/ })
      .first()
      .waitFor({ timeout: 30_000 });
    await shot('tests-failed');
  });
});
