import type { Diagnostic } from '../diagnostics';
import { buildGraph, cyclicComponents } from '../graph/graph';
import type { Span, WorkflowModel } from '../model/types';
import type { Context } from './context';

/**
 * A graph finding, placed by what it is about rather than by offsets: the incremental validator
 * keeps findings while the graph is unchanged and places them again after the text moved.
 */
export interface GraphFinding {
  code: 'cycle' | 'disconnected-node';
  severity: Diagnostic['severity'];
  message: string;
  /** Position in `model.connections` (a cycle), or the node id (a disconnected node). */
  connection?: number;
  node?: string;
}

/** Unmarked cycles and nodes wired to nothing. */
export function checkGraph(ctx: Context): void {
  for (const f of graphFindings(ctx.model)) ctx.report(f.code, f.severity, f.message, findingSpan(ctx.model, f));
}

/**
 * What the graph checks find. They read only node ids and each connection's endpoints and
 * `cycle` flag (and whether the file has syntax errors), so the same inputs give the same findings.
 */
export function graphFindings(model: WorkflowModel): GraphFinding[] {
  const out: GraphFinding[] = [];
  const g = buildGraph(model);
  for (const comp of cyclicComponents(g)) {
    const members = new Set(comp);
    // Report on the last edge of the loop in file order: usually the one just written.
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
  // A broken file reads partially: "not connected" would mostly be noise until it parses.
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

export function findingSpan(model: WorkflowModel, f: GraphFinding): Span {
  return f.connection !== undefined ? model.connections[f.connection]!.span : model.nodesById.get(f.node!)!.idSpan;
}
