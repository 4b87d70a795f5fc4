import { buildGraph, cyclicComponents } from '../graph/graph';
import type { Context } from './context';

/** Unmarked cycles and nodes wired to nothing. */
export function checkGraph(ctx: Context): void {
  const model = ctx.model;
  const g = buildGraph(model);
  for (const comp of cyclicComponents(g)) {
    const members = new Set(comp);
    // Report on the last edge of the loop in file order: usually the one just written.
    const edges = model.connections.filter(
      (c) => !c.cycle && c.from && c.to && members.has(c.from.value) && members.has(c.to.value) && c.from.value !== c.to.value,
    );
    const last = edges[edges.length - 1];
    if (!last) continue;
    const loop = [...comp, comp[0]].join(' → ');
    ctx.report(
      'cycle',
      'error',
      `Workflow contains an unmarked cycle: ${loop}. Mark the connection that loops back with \`cycle: true\` and \`max_iterations\`, or remove it.`,
      last.span,
    );
  }
  // A broken file reads partially: "not connected" would mostly be noise until it parses.
  if (model.nodes.length < 2 || model.diagnostics.some((d) => d.code === 'yaml-syntax')) return;
  for (const node of model.nodesById.values()) {
    if (g.connected.has(node.id)) continue;
    ctx.report('disconnected-node', 'warning', `Node '${node.id}' is not connected to any other node.`, node.idSpan);
  }
}
