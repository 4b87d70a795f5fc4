import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { generateWorkflow } from '../../bench/generate';
import { buildGraph, cyclicComponents } from '../../runtime/graph/graph';
import { parseWorkflowFile } from '../../runtime/model/load';
import type { WorkflowModel } from '../../runtime/model/types';
import { graphFindings, type GraphFinding } from '../../runtime/validate/graph';

/** The graph findings as they were worked out over the engine's `Map`/`Set` graph (the reference). */
function reference(model: WorkflowModel): GraphFinding[] {
  const out: GraphFinding[] = [];
  const g = buildGraph(model);
  for (const comp of cyclicComponents(g)) {
    const members = new Set(comp);
    let last = -1;
    model.connections.forEach((c, i) => {
      if (!c.cycle && c.from && c.to && members.has(c.from.value) && members.has(c.to.value) && c.from.value !== c.to.value) last = i;
    });
    if (last === -1) continue;
    const loop = [...comp, comp[0]].join(' → ');
    out.push({
      code: 'cycle',
      severity: 'error',
      message: `Workflow contains an unmarked cycle: ${loop}. Mark the connection that loops back with \`cycle: true\` and \`max_iterations\`, or remove it.`,
      connection: last,
    });
  }
  if (model.nodes.length < 2 || model.diagnostics.some((d) => d.code === 'yaml-syntax')) return out;
  for (const node of model.nodesById.values()) {
    if (g.connected.has(node.id)) continue;
    out.push({
      code: 'disconnected-node',
      severity: 'warning',
      message: `Node '${node.id}' is not connected to any other node.`,
      node: node.id,
    });
  }
  return out;
}

const DIRS = ['valid', 'diagnostics'].map((d) => join(__dirname, '..', 'fixtures', d)).concat(join(__dirname, '..', '..', 'examples'));

/** A workflow of `n` nodes (some ids missing or repeated) wired by the given edges. */
function wired(n: number, edges: [number, number, boolean][]): string {
  const nodes = Array.from(
    { length: n },
    (_, i) => `  - id: n${i}\n    type: PythonCodeNode\n    config:\n      code: "result = 1"\n`,
  ).join('');
  const conns = edges
    .map(([a, b, cycle]) => `  - from: n${a}\n    to: n${b}\n${cycle ? '    cycle: true\n    max_iterations: 3\n' : ''}`)
    .join('');
  return `nodes:\n${nodes}connections:\n${conns || '  []\n'}`;
}

describe('graph findings over the typed graph index', () => {
  it('equal the reference on every fixture and example', () => {
    let files = 0;
    for (const dir of DIRS)
      for (const f of readdirSync(dir).filter((x) => /\.workflow\.(ya?ml|json)$/.test(x))) {
        const model = parseWorkflowFile(readFileSync(join(dir, f), 'utf8'), f);
        assert.deepEqual(graphFindings(model), reference(model), f);
        files++;
      }
    assert.ok(files > 20, `only ${files} files`);
  });

  it('equal the reference on generated workflows', () => {
    for (const n of [2, 50, 500]) {
      const model = parseWorkflowFile(generateWorkflow(n), 'g.workflow.yaml');
      assert.deepEqual(graphFindings(model), reference(model));
    }
  });

  it('equal the reference on random graphs: cycles, self-loops, marked cycles, missing endpoints', () => {
    const edge = (n: number) => fc.tuple(fc.nat(n + 1), fc.nat(n + 1), fc.boolean());
    let cycles = 0;
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 12 }).chain((n) => fc.tuple(fc.constant(n), fc.array(edge(n), { minLength: n, maxLength: 3 * n }))),
        ([n, edges]) => {
          const model = parseWorkflowFile(wired(n, edges), 'r.workflow.yaml');
          const found = graphFindings(model);
          assert.deepEqual(found, reference(model));
          cycles += found.filter((f) => f.code === 'cycle').length;
        },
      ),
      { numRuns: 400, seed: 15 },
    );
    assert.ok(cycles > 40, `only ${cycles} cycles among the random graphs`);
  });

  it('finds the cycles of a long ring without overflowing the stack', () => {
    const n = 20_000;
    const edges: [number, number, boolean][] = Array.from({ length: n }, (_, i) => [i, (i + 1) % n, false]);
    const model = parseWorkflowFile(wired(n, edges), 'ring.workflow.yaml');
    const found = graphFindings(model);
    assert.deepEqual(found, reference(model));
    assert.equal(found.length, 1);
    assert.equal(found[0]!.connection, n - 1);
  });
});
