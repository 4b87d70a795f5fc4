// Measured inside the extension host by bench/typing.bench.ts: a 2,000-node workflow opened
// (time to its first diagnostics), run with the panel open, then typed into and the cursor moved,
// while a timer measures how late the extension host's event loop runs (its stalls).
const fs = require('node:fs');
const path = require('node:path');
const vscode = require('vscode');

const N = Number(process.env.KAILASH_BENCH_NODES ?? 2000);
const phases = {};
/** Each phase's time as it ends, so a session that hangs still says where. */
const phase = (name, t0) => {
  phases[name] = Math.round(performance.now() - t0);
  fs.writeFileSync(process.env.KAILASH_BENCH_OUT + '.phases', JSON.stringify(phases));
};

function workflow() {
  const lines = ['name: typing-bench', 'nodes:'];
  for (let i = 0; i < N; i++) {
    lines.push(`  - id: m_${i}`, '    type: MergeNode', '    config:', '      merge_type: merge_dict');
    lines.push(i === 0 ? '      data1: {seed: 0}' : `      data2: {step: ${i}, note: "node ${i} of the chain"}`, '      skip_none: false');
  }
  // One warning, so that the first publish is visible as a diagnostic.
  lines[7] = '      skip_nones: false';
  lines.push('connections:');
  for (let i = 1; i < N; i++) lines.push(`  - {from_node: m_${i - 1}, from_output: merged_data, to_node: m_${i}, to_input: data1}`);
  return lines.join('\n') + '\n';
}

function stallMeter() {
  let worst = 0;
  let last = performance.now();
  const gaps = [];
  const timer = setInterval(() => {
    const now = performance.now();
    const late = now - last - 10;
    gaps.push(late);
    worst = Math.max(worst, late);
    last = now;
  }, 10);
  return {
    stop() {
      clearInterval(timer);
      return { worst, over50: gaps.filter((g) => g > 50).length };
    },
  };
}

/**
 * CPU time (ms) of the extension host, the language server and the workbench's renderers: on a
 * machine with few cores, a stall is as often another process holding the CPU as work of the
 * extension host's own, and these tell them apart. Linux only (/proc); elsewhere only the first.
 */
function cpuNow() {
  const own = process.cpuUsage();
  const out = {
    extensionHost: (own.user + own.system) / 1000,
    languageServer: 0,
    workbench: 0,
    rendererMain: 0,
    rendererWorkers: 0,
    rendererOther: 0,
  };
  let pids = [];
  try {
    pids = fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d));
  } catch {
    return out;
  }
  const tick = 10; // USER_HZ is 100 on Linux
  for (const pid of pids) {
    try {
      const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      const server = cmd.includes(`dist${path.sep}server.js`);
      if (!server && !(cmd.includes('chromium') && cmd.includes('--type=renderer'))) continue;
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (server && Number(f[1]) !== process.pid) continue;
      out[server ? 'languageServer' : 'workbench'] += (Number(f[11]) + Number(f[12])) * tick;
      if (!server) rendererThreads(pid, out, tick);
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

/**
 * The renderers' CPU split by thread: the page's main thread (rendering, the editor's models)
 * against its dedicated workers (VS Code's TextMate tokenizer runs in one), so a grammar's cost
 * shows apart from what the tokens cost the main thread.
 */
function rendererThreads(pid, out, tick) {
  for (const tid of fs.readdirSync(`/proc/${pid}/task`)) {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const key = tid === pid ? 'rendererMain' : name.startsWith('DedicatedWorker') ? 'rendererWorkers' : 'rendererOther';
      out[key] = (out[key] ?? 0) + (Number(f[11]) + Number(f[12])) * tick;
    } catch {
      // thread gone meanwhile
    }
  }
}

const settle = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Waits until the workbench's renderers go quiet (under 10% of a core over half a second) and
 * returns when (ms since t0) and their CPU since `from`: VS Code tokenizes a big file in the
 * background for seconds after it opens, so this is what a grammar costs, typing included.
 */
function since(from) {
  const now = cpuNow();
  return Object.fromEntries(
    ['workbench', 'rendererMain', 'rendererWorkers', 'rendererOther'].map((k) => [k, Math.round(now[k] - from[k])]),
  );
}

async function renderersQuiet(t0, from, limitMs = 30_000) {
  let last = cpuNow().workbench;
  const tEnd = performance.now() + limitMs;
  while (performance.now() < tEnd) {
    await settle(500);
    const now = cpuNow().workbench;
    const quiet = now - last <= 50;
    last = now;
    if (quiet) return { at: Math.round(performance.now() - t0), ...since(from), quiet: true };
  }
  return { at: Math.round(performance.now() - t0), ...since(from), quiet: false };
}

/** With KAILASH_BENCH_PROFILE=FILE, a CPU profile of the extension host over the session (to find a stall's cause). */
function profiler() {
  if (!process.env.KAILASH_BENCH_PROFILE) return { stop: async () => undefined };
  const inspector = require('node:inspector');
  const session = new inspector.Session();
  session.connect();
  const post = (m, p) => new Promise((r, j) => session.post(m, p, (e, v) => (e ? j(e) : r(v))));
  const started = post('Profiler.enable').then(() => post('Profiler.start'));
  return {
    stop: async () => {
      await started;
      const { profile } = await post('Profiler.stop');
      fs.writeFileSync(process.env.KAILASH_BENCH_PROFILE, JSON.stringify(profile));
      session.disconnect();
    },
  };
}

exports.run = async () => {
  const prof = profiler();
  const ws = vscode.workspace.workspaceFolders[0].uri;
  const uri = vscode.Uri.joinPath(ws, 'big.workflow.yaml');
  fs.writeFileSync(uri.fsPath, workflow());
  const ext = vscode.extensions.getExtension('kailash-workflows.kailash-workflows');
  const cpuOpen = cpuNow();
  const t0 = performance.now();
  const diagnosed = new Promise((resolve) => {
    const sub = vscode.languages.onDidChangeDiagnostics((e) => {
      if (!e.uris.some((u) => u.toString() === uri.toString())) return;
      if (!vscode.languages.getDiagnostics(uri).some((d) => d.source === 'kailash')) return;
      sub.dispose();
      resolve(performance.now() - t0);
    });
  });
  const doc = await vscode.workspace.openTextDocument(uri);
  const editor = await vscode.window.showTextDocument(doc);
  const openToDiagnostics = await Promise.race([diagnosed, settle(60_000).then(() => -1)]);
  phase('diagnostics', t0);
  if (!ext.isActive) await ext.activate();
  const tRun = performance.now();

  const result = await vscode.commands.executeCommand('kailash.runWorkflow', uri.toString());
  if (!result || result.status !== 'succeeded') throw new Error(`the run did not succeed: ${JSON.stringify(result && result.error)}`);
  phase('run', tRun);
  await settle(1000);

  // Typing into a value in the middle of the file, a character at a time, the cursor following.
  const line = doc.lineAt(Math.floor(doc.lineCount / 3));
  let at = line.range.end;
  await vscode.window.showTextDocument(doc, { selection: new vscode.Selection(at, at) });
  const meter = stallMeter();
  const cpuBefore = cpuNow();
  const tTyping = performance.now();
  const edits = [];
  for (const ch of 'abcdefghijklmnopqrst') {
    const t = performance.now();
    await editor.edit((b) => b.insert(at, ch));
    at = at.translate(0, 1);
    editor.selection = new vscode.Selection(at, at);
    edits.push(performance.now() - t);
    await settle(30);
  }
  // Moving the cursor across nodes, as when reading the file.
  for (let i = 0; i < 20; i++) {
    const p = new vscode.Position(Math.floor(doc.lineCount / 4) + i * 7, 4);
    editor.selection = new vscode.Selection(p, p);
    await settle(30);
  }
  phase('typing', t0);
  await settle(1000);
  const typing = meter.stop();
  const cpuAfter = cpuNow();
  const typingMs = Math.round(performance.now() - tTyping);
  const settled = await renderersQuiet(t0, cpuOpen);
  const cpu = Object.fromEntries(Object.keys(cpuAfter).map((k) => [k, Math.round(cpuAfter[k] - cpuBefore[k])]));
  edits.sort((a, b) => a - b);
  fs.writeFileSync(
    process.env.KAILASH_BENCH_OUT,
    JSON.stringify({
      openToDiagnostics,
      worstStall: typing.worst,
      stallsOver50: typing.over50,
      medianEdit: edits[edits.length >> 1],
      cpu,
      typingMs,
      beforeTyping: { workbench: Math.round(cpuBefore.workbench - cpuOpen.workbench), ms: Math.round(tTyping - t0) },
      settled,
    }),
  );
  await prof.stop();
  fs.rmSync(path.join(ws.fsPath, 'big.workflow.yaml'), { force: true });
};
