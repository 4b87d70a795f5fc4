import type { NodeOutput } from '../catalog/types';
import type { ConnectionModel } from '../model/types';
import { parseExpression } from '../model/expression';

export interface Check {
  source: string;
  expression: ReturnType<typeof parseExpression>;
}

/** The loop's `convergence_check` expressions, parsed once (validation already rejected bad ones). */
export function convergenceChecks(edges: ConnectionModel[]): Check[] {
  const out: Check[] = [];
  for (const c of edges) {
    const src = c.convergenceCheck?.value;
    if (typeof src === 'string' && src.trim()) out.push({ source: src, expression: parseExpression(src) });
  }
  return out;
}

/**
 * What a check can read, as Kailash builds it: `results`, `iteration`, `history`,
 * `elapsed_time`, each node id, and scalar values lifted to the top level from each node's
 * `result` dict (or from its output itself).
 */
export function convergenceScope(
  nodes: string[],
  outputs: Map<string, NodeOutput | null>,
  iteration: number,
  history: Record<string, unknown>[],
  elapsed: number,
): Record<string, unknown> {
  const results = Object.fromEntries(nodes.map((id) => [id, outputs.get(id) ?? null]));
  const scope: Record<string, unknown> = {};
  for (const id of nodes) {
    const out = outputs.get(id);
    if (!out) continue;
    const inner = out.result;
    const source = inner !== null && typeof inner === 'object' && !Array.isArray(inner) ? (inner as Record<string, unknown>) : out;
    for (const [k, v] of Object.entries(source)) if (v === null || typeof v !== 'object') scope[k] = v;
  }
  return { ...scope, ...results, results, iteration, history, elapsed_time: elapsed };
}
