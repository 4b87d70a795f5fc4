import type { Diagnostic } from '../diagnostics';
import type { Span, WorkflowModel } from '../model/types';
import type { Context } from './context';
import { cyclicComponentsOf, graphIndex } from './graph-index';

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
  const g = graphIndex(model);
  const comps = cyclicComponentsOf(g);
  if (comps.length > 0) {
    const compOf = new Int32Array(g.ids.length).fill(-1);
    comps.forEach((comp, k) => {
      for (const v of comp) compOf[v] = k;
    });
    // Report on the last edge of the loop in file order: usually the one just written.
    const last = new Int32Array(comps.length).fill(-1);
    for (let i = 0; i < model.connections.length; i++) {
      const a = g.from[i]!;
      const b = g.to[i]!;
      if (a < 0 || a === b || model.connections[i]!.cycle || compOf[a]! < 0 || compOf[a] !== compOf[b]) continue;
      last[compOf[a]!] = i;
    }
    comps.forEach((comp, k) => {
      if (last[k]! < 0) return;
      const loop = [...comp, comp[0]!].map((v) => g.ids[v]).join(' → ');
      out.push({
        code: 'cycle',
        severity: 'error',
        message: `Workflow contains an unmarked cycle: ${loop}. Mark the connection that loops back with \`cycle: true\` and \`max_iterations\`, or remove it.`,
        connection: last[k]!,
      });
    });
  }
  // A broken file reads partially: "not connected" would mostly be noise until it parses.
  if (model.nodes.length < 2 || model.diagnostics.some((d) => d.code === 'yaml-syntax')) return out;
  for (let v = 0; v < g.ids.length; v++) {
    if (g.connected[v]) continue;
    out.push({
      code: 'disconnected-node',
      severity: 'warning',
      message: `Node '${g.ids[v]}' is not connected to any other node.`,
      node: g.ids[v]!,
    });
  }
  return out;
}

export function findingSpan(model: WorkflowModel, f: GraphFinding): Span {
  return f.connection !== undefined ? model.connections[f.connection]!.span : model.nodesById.get(f.node!)!.idSpan;
}
