import { buildGraph, topologicalOrder } from '../../runtime/graph/graph';
import type { ConnectionModel, WorkflowModel } from '../../runtime/model/types';

/**
 * cyrb53, a fast 53-bit string hash: staleness only needs "changed or not", and a keystroke in a
 * 2,000-node file re-fingerprints every node downstream of it, so a crypto hash costs too much.
 */
function hash(s: string, seed = 0): string {
  let h1 = 0xdeadbeef ^ seed;
  let h2 = 0x41c6ce57 ^ seed;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(36);
}

/**
 * A fingerprint per node of everything its result depends on: its own text, the connections into
 * it and its upstream nodes' fingerprints. A node whose fingerprint changed since a run has a
 * stale result (n8n's "dirty nodes", computed from the text). Connections are indexed by their
 * target once per version, so the whole pass is linear in the file.
 */
export class Fingerprinter {
  /**
   * Hashes of node and connection texts by their model object: the incremental parser keeps the
   * objects of pieces whose text did not change (it only moves their offsets), so after an edit
   * only the edited node is hashed again. The length is a guard for a model read another way.
   */
  private readonly own = new WeakMap<object, { length: number; hash: string }>();

  private ownHash(item: { readonly span: readonly [number, number] }, text: string): string {
    const length = item.span[1] - item.span[0];
    const known = this.own.get(item);
    if (known?.length === length) return known.hash;
    const h = hash(text.slice(item.span[0], item.span[1]));
    this.own.set(item, { length, hash: h });
    return h;
  }

  fingerprints(model: WorkflowModel): Map<string, string> {
    const text = model.text;
    const g = buildGraph(model);
    const into = new Map<string, ConnectionModel[]>();
    for (const c of model.connections) {
      if (!c.to || !c.from) continue;
      let list = into.get(c.to.value);
      if (!list) into.set(c.to.value, (list = []));
      list.push(c);
    }
    const params = model.parameters ? hash(text.slice(model.parameters.span[0], model.parameters.span[1])) : '';
    const out = new Map<string, string>();
    const { order, leftover } = topologicalOrder(g);
    const visit = (id: string) => {
      const n = model.nodesById.get(id)!;
      let key = `${this.ownHash(n, text)}:${params}`;
      const incoming = into.get(id);
      if (incoming) {
        for (const c of incoming) key += `:${this.ownHash(c, text)}:${out.get(c.from!.value) ?? c.from!.value}`;
        key = hash(key);
      }
      out.set(id, key);
    };
    for (const id of order) visit(id);
    for (const id of leftover) visit(id);
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
