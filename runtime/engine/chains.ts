import type { Unit } from './units';

/**
 * Linear chains of code nodes, found before a run: consecutive units in Kailash's order, each a
 * single node that `canChain` accepts, each joined to the next by `links` (the engine's rules:
 * the next node is fed by this one alone, with plain output keys, and needs nothing resolved
 * once this one has run). A chain becomes one unit (`chain: true`) that the engine sends to the
 * worker as one request (`Run.runChain`); its nodes keep their own records and events.
 *
 * Units are consecutive in Kailash's order so that nothing else could have run between two
 * nodes of a chain: a failure inside it stops the run at that node's rank, as it would alone.
 */
export function chainUnits(units: Unit[], canChain: (id: string) => boolean, links: (from: string, to: string) => boolean): Unit[] {
  const single = (u: Unit | undefined) => u !== undefined && u.cycleEdges.length === 0 && u.nodes.length === 1;
  const merged = new Map<Unit, Unit>();
  const out: Unit[] = [];
  for (let i = 0; i < units.length; i++) {
    const head = units[i]!;
    if (!single(head) || !canChain(head.nodes[0]!)) {
      out.push(head);
      continue;
    }
    const members = [head];
    while (
      single(units[i + members.length]) &&
      canChain(units[i + members.length]!.nodes[0]!) &&
      links(members[members.length - 1]!.nodes[0]!, units[i + members.length]!.nodes[0]!)
    )
      members.push(units[i + members.length]!);
    if (members.length === 1) {
      out.push(head);
      continue;
    }
    const chain: Unit = { nodes: members.map((m) => m.nodes[0]!), cycleEdges: [], after: head.after, key: head.key, chain: true };
    for (const m of members) merged.set(m, chain);
    out.push(chain);
    i += members.length - 1;
  }
  if (merged.size === 0) return units;
  // Whatever waited for a chain's node now waits for the chain.
  for (const u of out) {
    if (![...u.after].some((a) => merged.has(a))) continue;
    const after = new Set<Unit>();
    for (const a of u.after) {
      const m = merged.get(a) ?? a;
      if (m !== u) after.add(m);
    }
    u.after = after;
  }
  return out;
}
