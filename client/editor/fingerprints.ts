import { createHash } from 'node:crypto';
import { buildGraph, topologicalOrder } from '../../runtime/graph/graph';
import type { ConnectionModel, WorkflowModel } from '../../runtime/model/types';

const sha1 = (s: string) => createHash('sha1').update(s).digest('hex');

/**
 * A fingerprint per node of everything its result depends on: its own text, the connections into
 * it and its upstream nodes' fingerprints. A node whose fingerprint changed since a run has a
 * stale result (n8n's "dirty nodes", computed from the text).
 *
 * `Fingerprinter` keeps the hash of each text it has seen, so after an edit only the texts that
 * changed are hashed again; the rest is one pass over the graph.
 */
export class Fingerprinter {
  private own = new Map<string, string>();
  private next = new Map<string, string>();

  private hash(text: string): string {
    let h = this.own.get(text) ?? this.next.get(text);
    if (h === undefined) h = sha1(text);
    this.next.set(text, h);
    return h;
  }

  fingerprints(model: WorkflowModel): Map<string, string> {
    const g = buildGraph(model);
    const into = new Map<string, ConnectionModel[]>();
    for (const c of model.connections) {
      if (!c.to || !c.from) continue;
      let list = into.get(c.to.value);
      if (!list) into.set(c.to.value, (list = []));
      list.push(c);
    }
    const params = model.parameters ? this.hash(model.text.slice(model.parameters.span[0], model.parameters.span[1])) : '';
    const out = new Map<string, string>();
    const { order, leftover } = topologicalOrder(g);
    for (const id of [...order, ...leftover]) {
      const n = model.nodesById.get(id)!;
      let key = `${this.hash(model.text.slice(n.span[0], n.span[1]))}\0${params}`;
      for (const c of into.get(id) ?? []) key += `\0${this.hash(model.text.slice(c.span[0], c.span[1]))}\0${out.get(c.from!.value) ?? c.from!.value}`;
      out.set(id, into.has(id) ? this.hash(key) : key);
    }
    // Only the texts of this version are kept: a long session does not grow the cache.
    this.own = this.next;
    this.next = new Map();
    return out;
  }
}

/** The fingerprints of one version, without a cache (tests, and the first run of a file). */
export function fingerprints(model: WorkflowModel): Map<string, string> {
  return new Fingerprinter().fingerprints(model);
}

/** Nodes whose results no longer match the text. */
export function staleNodes(atRun: Map<string, string>, now: Map<string, string>): Set<string> {
  const stale = new Set<string>();
  for (const [id, f] of atRun) if (now.get(id) !== f) stale.add(id);
  return stale;
}
