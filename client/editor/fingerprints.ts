import { createHash } from 'node:crypto';
import { buildGraph, topologicalOrder } from '../../runtime/graph/graph';
import type { WorkflowModel } from '../../runtime/model/types';

/**
 * A fingerprint per node of everything its result depends on: its own text, the connections into
 * it and its upstream nodes' fingerprints. A node whose fingerprint changed since a run has a
 * stale result (n8n's "dirty nodes", computed from the text).
 */
export function fingerprints(model: WorkflowModel): Map<string, string> {
  const g = buildGraph(model);
  const out = new Map<string, string>();
  const own = (id: string) => {
    const n = model.nodesById.get(id)!;
    return model.text.slice(n.span[0], n.span[1]);
  };
  const params = model.parameters ? model.text.slice(model.parameters.span[0], model.parameters.span[1]) : '';
  const { order, leftover } = topologicalOrder(g);
  for (const id of [...order, ...leftover]) {
    const h = createHash('sha1').update(own(id)).update('\0').update(params);
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

/** Nodes whose results no longer match the text. */
export function staleNodes(atRun: Map<string, string>, now: Map<string, string>): Set<string> {
  const stale = new Set<string>();
  for (const [id, f] of atRun) if (now.get(id) !== f) stale.add(id);
  return stale;
}
