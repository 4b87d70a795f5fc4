// The extension host's work while typing in a 2,000-node file after a run: what 0.1.0 did on
// every keystroke and cursor move, against what now runs once typing pauses (the keystroke
// itself only re-arms a timer). Node, no VS Code: the model, staleness and the annotations'
// data, which is where the time went.
import { createHash } from 'node:crypto';
import { DocumentModels } from '../client/editor/documents';
import { failureSpan } from '../client/editor/failures';
import { Fingerprinter, staleNodes } from '../client/editor/fingerprints';
import { statusText } from '../client/editor/summary';
import { buildGraph, topologicalOrder } from '../runtime/graph/graph';
import { LineIndex } from '../runtime/model/lines';
import { parseWorkflow } from '../runtime/model/parse';
import type { WorkflowModel } from '../runtime/model/types';
import { generateWorkflow } from './generate';
import { median, report, time } from './measure';

/** 0.1.0's fingerprints: every connection scanned for every node. */
function oldFingerprints(model: WorkflowModel): Map<string, string> {
  const g = buildGraph(model);
  const out = new Map<string, string>();
  const params = model.parameters ? model.text.slice(model.parameters.span[0], model.parameters.span[1]) : '';
  const { order, leftover } = topologicalOrder(g);
  for (const id of [...order, ...leftover]) {
    const n = model.nodesById.get(id)!;
    const h = createHash('sha1').update(model.text.slice(n.span[0], n.span[1])).update('\0').update(params);
    for (const c of model.connections) {
      if (c.to?.value !== id || !c.from) continue;
      h.update('\0')
        .update(model.text.slice(c.span[0], c.span[1]))
        .update(out.get(c.from.value) ?? c.from.value);
    }
    out.set(id, h.digest('hex'));
  }
  return out;
}

type Nodes = Record<string, { status: 'succeeded' | 'failed'; durationMs: number; attempts: number; output?: unknown; error?: never }>;

/** The annotations' data for one redraw: a status per node at the end of its line. */
function marks(wf: WorkflowModel, lines: LineIndex, nodes: Nodes, stale: Set<string>): number {
  let n = 0;
  for (const [id, v] of Object.entries(nodes)) {
    const node = wf.nodesById.get(id);
    if (!node) continue;
    const line = lines.position(node.idSpan[0]).line;
    const text = statusText({ status: v.status, durationMs: v.durationMs, attempts: v.attempts }, v.output);
    if (stale.has(id) || v.status === 'failed') failureSpan(node, wf.text, { type: 'x', message: 'x' });
    n += line + text.length;
  }
  return n;
}

export function run(): void {
  const N = 2000;
  const base = generateWorkflow(N);
  const wf0 = parseWorkflow(base);
  const nodes: Nodes = {};
  for (const id of wf0.nodesById.keys()) nodes[id] = { status: 'succeeded', durationMs: 12, attempts: 1, output: { data: [1, 2, 3] } };
  // Typing `abcdefghij` into a URL near the middle of the file, one character per version.
  const at = base.indexOf('https://example.com/1000') + 'https://example.com/1000'.length;
  const versions = Array.from({ length: 10 }, (_, i) => base.slice(0, at) + 'abcdefghij'.slice(0, i + 1) + base.slice(at));
  const cursor = at;

  // 0.1.0: onDidChangeTextDocument re-parsed and re-fingerprinted, its redraw parsed again (with
  // a fresh LineIndex), and the cursor move that follows a keystroke parsed a third time.
  const atRunOld = oldFingerprints(wf0);
  const before: number[] = [];
  for (const text of versions) {
    before.push(
      time(() => {
        const stale = staleNodes(atRunOld, oldFingerprints(parseWorkflow(text)));
        const wf = parseWorkflow(text);
        marks(wf, new LineIndex(wf.text), nodes, stale);
        [...parseWorkflow(text).nodesById.values()].find((n) => cursor >= n.span[0] && cursor <= n.span[1]);
      }),
    );
  }

  // Now: the trailing update after a pause, on the shared incremental model. VS Code keeps its
  // own line index, so the bench builds one per version outside the timing, as VS Code has it.
  const docs = new DocumentModels();
  const uri = 'file:///bench.workflow.yaml';
  const fp = new Fingerprinter();
  const atRun = fp.fingerprints(docs.get(uri, 0, () => base));
  let stale = new Set<string>();
  const after: number[] = [];
  versions.forEach((text, i) => {
    const lines = new LineIndex(text);
    after.push(
      time(() => {
        const wf = docs.get(uri, i + 1, () => text);
        const next = staleNodes(atRun, fp.fingerprints(wf));
        const changed = next.size !== stale.size || [...next].some((id) => !stale.has(id));
        stale = next;
        if (changed) marks(wf, lines, nodes, stale);
        docs.nodeAt(uri, cursor);
      }),
    );
  });
  const opening: number[] = [];
  for (let i = 0; i < 3; i++) opening.push(time(() => new Fingerprinter().fingerprints(new DocumentModels().get(uri, 1, () => base))));

  const worst = Math.max(...after);
  report(`Extension host work per keystroke, ${N}-node file after a run (ms)`, [
    {
      name: 'worst trailing update after a keystroke (incremental model, linear fingerprints)',
      value: worst,
      baseline: Math.max(...before),
      baselineName: '0.1.0 worst keystroke (3 parses + fingerprints)',
      goalText: `≤ 50 ms ${worst <= 50 ? 'met' : 'MISSED'}`,
    },
    {
      name: 'median trailing update',
      value: median(after),
      baseline: median(before),
      baselineName: '0.1.0 median keystroke',
    },
    {
      name: 'first model and fingerprints of the file (a run starts)',
      value: median(opening),
      baseline: median(before),
      baselineName: '0.1.0 median keystroke',
    },
  ]);
}
