// Runs inside the VS Code extension host (code-server's Node), through @vscode/test-electron.
const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const vscode = require('vscode');

const ws = () => vscode.workspace.workspaceFolders[0].uri;
const file = (name) => vscode.Uri.joinPath(ws(), name);

async function until(what, check, ms = 60_000) {
  const start = Date.now();
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() - start > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const tests = [
  [
    'activates on a workflow file and sets its language',
    async () => {
      const doc = await vscode.workspace.openTextDocument(file('api.workflow.yaml'));
      await vscode.window.showTextDocument(doc);
      assert.equal(doc.languageId, 'kailash-workflow');
      const ext = vscode.extensions.getExtension('kailash-workflows.kailash-workflows');
      await until('activation', () => ext.isActive);
    },
  ],
  [
    'the language server publishes diagnostics',
    async () => {
      const doc = await vscode.workspace.openTextDocument(file('broken.workflow.yaml'));
      await vscode.window.showTextDocument(doc);
      // The broken connection, among whatever else the file has (its data file is not there: missing-file).
      const broken = await until('diagnostics', () =>
        vscode.languages.getDiagnostics(doc.uri).find((x) => x.source === 'kailash' && x.code === 'unknown-output'),
      );
      assert.match(broken.message, /has no output 'dta'/);
    },
  ],
  [
    "a 2,000-node file's outline has every node under 'nodes' (converted in steps by client/outline.ts)",
    async () => {
      const doc = await vscode.workspace.openTextDocument(file('big.workflow.yaml'));
      // The server answers once it has read the file: asked again until the outline is there.
      const symbols = await until('the outline', async () => {
        const s = await vscode.commands.executeCommand('vscode.executeDocumentSymbolProvider', doc.uri);
        return s?.some((x) => x.name === 'nodes') ? s : undefined;
      });
      assert.deepEqual(
        symbols.map((x) => x.name),
        ['name', 'nodes', 'connections'],
      );
      const nodes = symbols.find((x) => x.name === 'nodes');
      assert.equal(nodes.children.length, 2000);
      assert.deepEqual([nodes.children[0].name, nodes.children[1999].name, nodes.children[1999].detail], ['n0', 'n1999', 'MergeNode']);
      assert.equal(nodes.children[1999].range.start.line, 2001);
      assert.ok(nodes.range.contains(nodes.children[1999].range));
    },
  ],
  [
    'runs a workflow through the command and returns Kailash results',
    async () => {
      const result = await vscode.commands.executeCommand('kailash.runWorkflow', file('api.workflow.yaml').toString());
      assert.equal(result.status, 'succeeded');
      assert.deepEqual(result.results.names, { result: ['Ada', 'Grace'] });
    },
  ],
  [
    'secrets come from SecretStorage and never reach the results',
    async () => {
      const api = vscode.extensions.getExtension('kailash-workflows.kailash-workflows').exports;
      await api.storeSecret('DEMO_TOKEN', 'tok-e2e-very-secret');
      const result = await vscode.commands.executeCommand('kailash.runWorkflow', file('secret.workflow.yaml').toString());
      assert.equal(result.status, 'succeeded');
      assert.deepEqual(result.results.call.response.content, { auth: 'Bearer ***' });
      assert.doesNotMatch(JSON.stringify(result), /tok-e2e-very-secret/);
      assert.doesNotMatch(JSON.stringify(api.runs()), /tok-e2e-very-secret/);
    },
  ],
  [
    'a CPU-bound node never blocks the extension host',
    async () => {
      let worst = 0;
      let last = Date.now();
      const timer = setInterval(() => {
        const now = Date.now();
        worst = Math.max(worst, now - last - 20);
        last = now;
      }, 20);
      const result = await vscode.commands.executeCommand('kailash.runWorkflow', file('busy.workflow.yaml').toString());
      clearInterval(timer);
      assert.equal(result.nodes.spin.error.type, 'TimeoutError');
      assert.ok(worst < 250, `the extension host stalled for ${worst} ms`);
    },
  ],
  [
    'run to a node runs only its upstream',
    async () => {
      const result = await vscode.commands.executeCommand('kailash.runToNode', file('api.workflow.yaml').toString(), 'names');
      assert.deepEqual(Object.keys(result.results).sort(), ['fetch', 'names']);
    },
  ],
  [
    're-run from a node reuses the cached upstream',
    async () => {
      const result = await vscode.commands.executeCommand('kailash.rerunFromNode', file('api.workflow.yaml').toString(), 'save');
      assert.equal(result.nodes.fetch.reused, true);
      assert.equal(result.nodes.names.reused, true);
      assert.notEqual(result.nodes.save.reused, true);
    },
  ],
  [
    "a failed node's run diagnostic goes stale when its text is edited, and comes back when the edit is undone",
    async () => {
      const uri = file('fails.workflow.yaml');
      const create = new vscode.WorkspaceEdit();
      create.createFile(uri, {
        overwrite: true,
        contents: Buffer.from(
          'nodes:\n  - {id: start, type: PythonCodeNode, config: {code: "result = 1"}}\n  - {id: boom, type: PythonCodeNode, config: {code: "raise ValueError(\'no\')"}}\nconnections:\n  - {from_node: start, from_output: result, to_node: boom, to_input: x}\n',
        ),
      });
      await vscode.workspace.applyEdit(create);
      const doc = await vscode.workspace.openTextDocument(uri);
      const editor = await vscode.window.showTextDocument(doc);
      const result = await vscode.commands.executeCommand('kailash.runWorkflow', uri.toString());
      assert.equal(result.nodes.boom.status, 'failed');
      const runDiagnostics = () => vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'kailash-run');
      await until('the run diagnostic', () => runDiagnostics().length === 1);
      // Typed into the failed node: its result no longer matches the text.
      const at = doc.positionAt(doc.getText().indexOf("'no'") + 3);
      await editor.edit((b) => b.insert(at, 'pe'));
      await until('the diagnostic to go with the stale result', () => runDiagnostics().length === 0, 10_000);
      await vscode.commands.executeCommand('undo');
      await until('the text as run', () => doc.getText().includes("'no'"), 10_000);
      await until('the diagnostic back once the text is as run', () => runDiagnostics().length === 1, 10_000);
    },
  ],
  [
    'cancelling a run leaves no worker process behind',
    async () => {
      const doc = await vscode.workspace.openTextDocument(file('api.workflow.yaml'));
      const edit = new vscode.WorkspaceEdit();
      const uri = file('sleepy.workflow.yaml');
      edit.createFile(uri, {
        overwrite: true,
        contents: Buffer.from('nodes:\n  - {id: nap, type: PythonCodeNode, config: {code: "import time\\ntime.sleep(60)\\nresult = 1"}}\n'),
      });
      await vscode.workspace.applyEdit(edit);
      void doc;
      const running = vscode.commands.executeCommand('kailash.runWorkflow', uri.toString());
      await until('the python worker', () => workers() > 0);
      await vscode.commands.executeCommand('kailash.cancelRun');
      const result = await running;
      assert.equal(result.status, 'cancelled');
      await until('no python worker', () => workers() === 0, 10_000);
    },
  ],
  [
    'a debug session stops on a breakpoint, edits an input, steps into a sub-workflow and finishes with the edit',
    async () => {
      const uri = file('debug.workflow.yaml');
      const doc = await vscode.workspace.openTextDocument(uri);
      await vscode.window.showTextDocument(doc);
      const lines = doc.getText().split('\n');
      const greet = lines.findIndex((l) => l.includes('id: greet'));
      // On the node's `code:` line: it binds to the node and moves to its first line.
      const bp = new vscode.SourceBreakpoint(new vscode.Location(uri, new vscode.Position(greet + 3, 0)));
      vscode.debug.addBreakpoints([bp]);
      const seen = [];
      const tracker = vscode.debug.registerDebugAdapterTrackerFactory('kailash', {
        createDebugAdapterTracker: () => ({ onDidSendMessage: (m) => seen.push(m) }),
      });
      let ended = false;
      const onEnd = vscode.debug.onDidTerminateDebugSession((s) => s.type === 'kailash' && (ended = true));
      const stops = () => seen.filter((m) => m.type === 'event' && m.event === 'stopped').length;
      const top = async (session) => (await session.customRequest('stackTrace', { threadId: 1 })).stackFrames;
      try {
        const started = await vscode.debug.startDebugging(vscode.workspace.workspaceFolders[0], {
          type: 'kailash',
          request: 'launch',
          name: 'e2e debug',
          program: uri.fsPath,
        });
        assert.ok(started, 'the session starts');
        await until('the breakpoint', () => stops() >= 1);
        const session = vscode.debug.activeDebugSession;
        assert.equal(session.type, 'kailash');
        const frames = await top(session);
        assert.equal(frames[0].name, 'greet · JavaScriptCodeNode');
        assert.equal(frames[0].line, greet + 1);
        const { scopes } = await session.customRequest('scopes', { frameId: frames[0].id });
        const inputs = scopes.find((s) => s.name === 'Inputs').variablesReference;
        const { variables } = await session.customRequest('variables', { variablesReference: inputs });
        assert.equal(variables.find((v) => v.name === 'name').value, '"Ada"');
        await session.customRequest('setVariable', { variablesReference: inputs, name: 'name', value: 'Grace' });
        assert.equal((await session.customRequest('evaluate', { expression: 'start.result.count', context: 'repl' })).result, '2');
        await session.customRequest('next', { threadId: 1 });
        await until('the step', () => stops() >= 2);
        assert.equal((await top(session))[0].name, 'sub · WorkflowNode');
        await session.customRequest('stepIn', { threadId: 1 });
        await until('the step into the sub-workflow', () => stops() >= 3);
        const nested = await top(session);
        assert.deepEqual(
          nested.map((f) => [f.name, path.basename(f.source.path)]),
          [
            ['shout · JavaScriptCodeNode', 'debug-inner.workflow.yaml'],
            ['sub · WorkflowNode', 'debug.workflow.yaml'],
          ],
        );
        await session.customRequest('continue', { threadId: 1 });
        await until('the end of the session', () => ended);
        const api = vscode.extensions.getExtension('kailash-workflows.kailash-workflows').exports;
        const view = await until('the run panel’s record of the run', () => {
          const v = api.runs().at(-1);
          return v && v.label.includes('(debug)') && v.status !== 'running' ? v : undefined;
        });
        assert.equal(view.status, 'succeeded');
        assert.equal(view.nodes.sub.output.tail_result, 'HELLO GRACE X2.');
      } finally {
        tracker.dispose();
        onEnd.dispose();
        vscode.debug.removeBreakpoints([bp]);
      }
    },
  ],
  [
    'a workflow test file appears in the Test Explorer, passes, then fails with a diff after an edit',
    async () => {
      const api = vscode.extensions.getExtension('kailash-workflows.kailash-workflows').exports;
      const uri = file('api.workflow.test.yaml');
      const edit = new vscode.WorkspaceEdit();
      edit.createFile(uri, {
        overwrite: true,
        contents: Buffer.from(
          [
            'workflow: api.workflow.yaml',
            'pins:',
            '  fetch:',
            '    response: {status_code: 200, headers: {}, content: [{name: Ada}, {name: Grace}]}',
            '    status_code: 200',
            '    success: true',
            '  profile: {status_code: 200, success: true}',
            'cases:',
            '  - name: keeps the names',
            '    expect:',
            '      names:',
            '        path: result',
            '        equals: [Ada, Grace]',
            '',
          ].join('\n'),
        ),
      });
      await vscode.workspace.applyEdit(edit);
      const doc = await vscode.workspace.openTextDocument(uri);
      await vscode.window.showTextDocument(doc);
      const id = `${uri.toString()}#keeps the names`;
      await until('the test item', () => api.tests().items.some((f) => f.id === uri.toString() && f.children.includes('keeps the names')));
      const seen = () => api.tests().results.filter((r) => r.test === id).length;
      await vscode.commands.executeCommand('testing.runAll');
      const passed = await until('a result', () => api.tests().results.filter((r) => r.test === id)[0]);
      assert.equal(passed.state, 'passed', JSON.stringify(passed));
      const before = seen();
      const fix = new vscode.WorkspaceEdit();
      const at = doc.getText().indexOf('Grace]');
      fix.replace(uri, new vscode.Range(doc.positionAt(at), doc.positionAt(at + 5)), 'Hopper');
      await vscode.workspace.applyEdit(fix);
      await vscode.commands.executeCommand('testing.runAll');
      const failed = await until(
        'a second result',
        () =>
          seen() > before &&
          api
            .tests()
            .results.filter((r) => r.test === id)
            .pop(),
      );
      assert.equal(failed.state, 'failed', JSON.stringify(failed));
      const m = failed.messages[0];
      assert.match(m.message, /names\.result does not equal the expected value/);
      assert.match(m.expected, /"Hopper"/);
      assert.match(m.actual, /"Grace"/);
      assert.equal(m.line, 12, 'the failure points at the equals line');
    },
  ],
  [
    'pin this output and create test from this run write the test file, and the new case passes',
    async () => {
      const api = vscode.extensions.getExtension('kailash-workflows.kailash-workflows').exports;
      const result = await vscode.commands.executeCommand('kailash.runWorkflow', file('api.workflow.yaml').toString());
      assert.equal(result.status, 'succeeded');
      const runId = api.runs()[api.runs().length - 1].runId;
      const uri = await vscode.commands.executeCommand('kailash.pinOutput', runId, 'names');
      let text = (await vscode.workspace.openTextDocument(uri)).getText();
      assert.match(text, /^ {2}names:\n {4}result:\n {6}- Ada\n {6}- Grace$/m);
      await vscode.commands.executeCommand('kailash.createTestFromRun', runId);
      text = (await vscode.workspace.openTextDocument(uri)).getText();
      const name = /- name: (run at \d\d:\d\d:\d\d)/.exec(text);
      assert.ok(name, text);
      const id = `${uri.toString()}#${name[1]}`;
      await until('the new case', () => api.tests().items.some((f) => f.children.includes(name[1])));
      await vscode.commands.executeCommand('testing.runAll');
      const r = await until('its result', () => api.tests().results.filter((x) => x.test === id)[0]);
      assert.equal(r.state, 'passed', JSON.stringify(r));
    },
  ],
  [
    'a test case debugs from the Test Explorer: its pin feeds the node, a breakpoint stops, and its result is reported',
    async () => {
      const api = vscode.extensions.getExtension('kailash-workflows.kailash-workflows').exports;
      const uri = file('pinned.workflow.test.yaml');
      const text = [
        'workflow: debug.workflow.yaml',
        'cases:',
        '  - name: greets the pinned name',
        '    pins:',
        '      start: {result: {count: 3, name: Pin}}',
        '    expect:',
        '      greet: {path: result, equals: Hello Pin x3}',
        '',
      ].join('\n');
      const edit = new vscode.WorkspaceEdit();
      edit.createFile(uri, { overwrite: true, contents: Buffer.from(text) });
      await vscode.workspace.applyEdit(edit);
      const id = `${uri.toString()}#greets the pinned name`;
      await until('the test item', () => api.tests().items.some((f) => f.id === uri.toString()));
      const workflow = await vscode.workspace.openTextDocument(file('debug.workflow.yaml'));
      const greet = workflow
        .getText()
        .split('\n')
        .findIndex((l) => l.includes('id: greet'));
      const bp = new vscode.SourceBreakpoint(new vscode.Location(workflow.uri, new vscode.Position(greet, 0)));
      vscode.debug.addBreakpoints([bp]);
      const seen = [];
      const tracker = vscode.debug.registerDebugAdapterTrackerFactory('kailash', {
        createDebugAdapterTracker: () => ({ onDidSendMessage: (m) => seen.push(m) }),
      });
      try {
        const editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
        const at = new vscode.Position(2, 12);
        editor.selection = new vscode.Selection(at, at);
        // Not awaited: the run lasts until the paused session goes on.
        const debugging = vscode.commands.executeCommand('testing.debugAtCursor');
        await until('the breakpoint', () => seen.some((m) => m.type === 'event' && m.event === 'stopped'));
        const session = vscode.debug.activeDebugSession;
        assert.equal(session.configuration.test.case, 'greets the pinned name');
        const { stackFrames } = await session.customRequest('stackTrace', { threadId: 1 });
        assert.equal(stackFrames[0].name, 'greet · JavaScriptCodeNode');
        const { scopes } = await session.customRequest('scopes', { frameId: stackFrames[0].id });
        const inputs = scopes.find((s) => s.name === 'Inputs').variablesReference;
        const { variables } = await session.customRequest('variables', { variablesReference: inputs });
        assert.equal(variables.find((v) => v.name === 'name').value, '"Pin"', 'the pinned output fed the node');
        await session.customRequest('continue', { threadId: 1 });
        const r = await until('its result', () => api.tests().results.filter((x) => x.test === id)[0]);
        assert.equal(r.state, 'passed', JSON.stringify(r));
        await debugging;
      } finally {
        tracker.dispose();
        vscode.debug.removeBreakpoints([bp]);
      }
    },
  ],
];

// This run's Python workers: they run in the workflow's folder, so other runs on the machine
// (another suite, another checkout) are not counted.
function workers() {
  let pids = [];
  try {
    pids = execFileSync('pgrep', ['-f', 'guarded_import'], { encoding: 'utf8' }).trim().split('\n').filter(Boolean);
  } catch {
    return 0;
  }
  const folder = fs.realpathSync(ws().fsPath);
  return pids.filter((pid) => {
    try {
      return fs.realpathSync(`/proc/${pid}/cwd`) === folder;
    } catch {
      return false;
    }
  }).length;
}

exports.run = async () => {
  let failed = 0;
  for (const [name, fn] of tests) {
    const t = Date.now();
    try {
      await fn();
      console.log(`  ✓ ${name} (${Date.now() - t} ms)`);
    } catch (e) {
      failed++;
      console.error(`  ✗ ${name}: ${e && e.stack ? e.stack : e}`);
    }
  }
  console.log(`${tests.length - failed} passed, ${failed} failed`);
  if (failed) throw new Error(`${failed} extension-host test(s) failed`);
};
