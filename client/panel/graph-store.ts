import type { PanelGraph, RunView } from '../common/panel';

/**
 * The graphs of the runs in the history, by key: each run is drawn with the graph it ran, not
 * with its file as it is now. A graph no run (and not the one on show) names any more is dropped.
 */
export class GraphStore {
  private readonly byKey = new Map<string, PanelGraph>();

  /** Keeps a graph and returns its key (a graph equal to one kept is the one kept). */
  add(g: PanelGraph): string {
    const key = g.key ?? `${g.file}\n${g.nodes.length}`;
    if (!this.byKey.has(key)) this.byKey.set(key, { ...g, key });
    return key;
  }

  get(key: string): PanelGraph | undefined {
    return this.byKey.get(key);
  }

  /** The graphs these runs name but `shown` (a state message carries that one itself), dropping those nothing names. */
  of(runs: readonly RunView[], shown?: string): Record<string, PanelGraph> {
    const used = new Set(runs.flatMap((r) => (r.graph ? [r.graph] : [])));
    for (const k of this.byKey.keys()) if (!used.has(k) && k !== shown) this.byKey.delete(k);
    const out: Record<string, PanelGraph> = {};
    for (const k of used) {
      const g = this.byKey.get(k);
      if (g && k !== shown) out[k] = g;
    }
    return out;
  }
}
