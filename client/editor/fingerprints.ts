import { buildGraph, topologicalOrder } from '../../runtime/graph/graph';
import type { ConnectionModel, WorkflowModel } from '../../runtime/model/types';

/**
 * cyrb53, a fast 53-bit string hash: staleness only needs "changed or not", and a keystroke in a
 * 2,000-node file re-fingerprints every node downstream of it, so a crypto hash costs too much.
 */
function hash(s: string, seed = 0): number {
  let h1 = 0xdeadbeef ^ seed;
  let h2 = 0x41c6ce57 ^ seed;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  return finish(h1, h2);
}

function finish(h1: number, h2: number): number {
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

/**
 * cyrb53's mixing fed with 53-bit numbers instead of characters: a node's fingerprint combines
 * its own hash with its inputs' without building (and scanning) a string per node, which was
 * most of a restale pass in a 2,000-node file.
 */
class Mix {
  private h1 = 0xdeadbeef;
  private h2 = 0x41c6ce57;
  add(n: number): this {
    const lo = n >>> 0;
    const hi = (n / 4294967296) >>> 0;
    this.h1 = Math.imul(Math.imul(this.h1 ^ lo, 2654435761) ^ hi, 2654435761);
    this.h2 = Math.imul(Math.imul(this.h2 ^ lo, 1597334677) ^ hi, 1597334677);
    return this;
  }
  done(): number {
    const out = finish(this.h1, this.h2);
    this.h1 = 0xdeadbeef;
    this.h2 = 0x41c6ce57;
    return out;
  }
}

/** A node's fingerprint: a number that changes when anything its result depends on changes. */
export type Fingerprints = Map<string, number>;

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
  private readonly own = new WeakMap<object, { length: number; hash: number }>();
  private readonly mix = new Mix();

  private ownHash(item: { readonly span: readonly [number, number] }, text: string): number {
    const length = item.span[1] - item.span[0];
    const known = this.own.get(item);
    if (known?.length === length) return known.hash;
    const h = hash(text.slice(item.span[0], item.span[1]));
    this.own.set(item, { length, hash: h });
    return h;
  }

  /**
   * The last pass: its connections (the objects), the order it visited the nodes in, each
   * node's own hash and the result. While an edit leaves the connections and node ids alone
   * (typing inside a node), the next pass reuses the order and recomputes only the nodes whose
   * own hash changed and what is downstream of them: no graph, no sort, no hashing per node.
   */
  private last?: {
    connections: readonly ConnectionModel[];
    order: string[];
    into: Map<string, ConnectionModel[]>;
    params: number;
    own: Map<string, number>;
    out: Fingerprints;
  };

  fingerprints(model: WorkflowModel): Fingerprints {
    const text = model.text;
    const params = model.parameters ? hash(text.slice(model.parameters.span[0], model.parameters.span[1])) : 0;
    const last = this.last;
    const reuse = last !== undefined && last.params === params && this.sameShape(model, last.connections, last.order);
    const order = reuse ? last.order : this.order(model);
    const into = reuse ? last.into : incomingOf(model);
    const own = new Map<string, number>();
    const out: Fingerprints = new Map();
    const changed = new Set<string>();
    const mix = this.mix;
    for (const id of order) {
      const h = this.ownHash(model.nodesById.get(id)!, text);
      own.set(id, h);
      const incoming = into.get(id);
      if (reuse && last.own.get(id) === h && !incoming?.some((c) => changed.has(c.from!.value))) {
        out.set(id, last.out.get(id)!);
        continue;
      }
      mix.add(h).add(params);
      if (incoming)
        for (const c of incoming) {
          // An upstream id that is no node (or sits in a cycle, not yet visited) counts by its name.
          mix.add(this.ownHash(c, text)).add(out.get(c.from!.value) ?? hash(c.from!.value, 1));
        }
      const f = mix.done();
      out.set(id, f);
      if (!reuse || last.out.get(id) !== f) changed.add(id);
    }
    this.last = { connections: model.connections, order, into, params, own, out };
    return out;
  }

  /** Kailash's order (then the nodes in cycles), so that a node comes after what feeds it. */
  private order(model: WorkflowModel): string[] {
    const { order, leftover } = topologicalOrder(buildGraph(model));
    return leftover.length ? order.concat(leftover) : order;
  }

  /** Whether the model has the last pass's connections (the same objects: unchanged text) and node ids. */
  private sameShape(model: WorkflowModel, connections: readonly ConnectionModel[], order: string[]): boolean {
    if (model.connections.length !== connections.length || model.nodesById.size !== order.length) return false;
    for (let i = 0; i < connections.length; i++) if (model.connections[i] !== connections[i]) return false;
    for (const id of order) if (!model.nodesById.has(id)) return false;
    return true;
  }
}

/** Each node's incoming connections, in file order. */
function incomingOf(model: WorkflowModel): Map<string, ConnectionModel[]> {
  const into = new Map<string, ConnectionModel[]>();
  for (const c of model.connections) {
    if (!c.to || !c.from) continue;
    let list = into.get(c.to.value);
    if (!list) into.set(c.to.value, (list = []));
    list.push(c);
  }
  return into;
}

/** The fingerprints of one version, without a cache (tests, and the first run of a file). */
export function fingerprints(model: WorkflowModel): Fingerprints {
  return new Fingerprinter().fingerprints(model);
}

/** Nodes whose results no longer match the text. */
export function staleNodes<F>(atRun: Map<string, F>, now: Map<string, F>): Set<string> {
  const stale = new Set<string>();
  for (const [id, f] of atRun) if (now.get(id) !== f) stale.add(id);
  return stale;
}
