import { IncrementalParser } from '../../runtime/model/incremental';
import { formatOf } from '../../runtime/model/json';
import type { NodeModel, WorkflowModel } from '../../runtime/model/types';

interface Cached {
  parser: IncrementalParser;
  version: number;
  model: WorkflowModel;
  /** Nodes by where they start, for finding the node at an offset without a scan. */
  sorted?: NodeModel[];
}

/**
 * The extension's models of open workflow documents, one per version: every feature of the
 * extension (annotations, lenses, the panel's cursor sync, runs) reads the same parse, and a new
 * version re-reads only the pieces an edit touched (`IncrementalParser`), so a keystroke in a big
 * file costs what the edit touched, not the whole file.
 */
export class DocumentModels {
  private readonly docs = new Map<string, Cached>();

  /** The model of `uri` at `version`; `text` is read only when that version is not cached yet. */
  get(uri: string, version: number, text: () => string): WorkflowModel {
    let c = this.docs.get(uri);
    if (c?.version === version) return c.model;
    const parser = c?.parser ?? new IncrementalParser();
    const model = parser.parse(text(), formatOf(uri));
    c = { parser, version, model };
    this.docs.set(uri, c);
    return model;
  }

  /** The node whose entry holds `offset` in the model last returned for `uri` (`span` or `idSpan`). */
  nodeAt(uri: string, offset: number, which: 'span' | 'idSpan' = 'span'): NodeModel | undefined {
    const nodes = this.sortedOf(uri);
    let lo = 0;
    let hi = nodes.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (nodes[mid]!.span[0] <= offset) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    const n = found >= 0 ? nodes[found] : undefined;
    if (!n) return undefined;
    const [start, end] = n[which];
    return offset >= start && offset <= end ? n : undefined;
  }

  /** The nodes of the model last returned for `uri` whose id starts within [from, to], in text order. */
  nodesBetween(uri: string, from: number, to: number): NodeModel[] {
    const nodes = this.sortedOf(uri);
    // Entries do not overlap, so their ends are sorted too: the first node that ends at or after `from`.
    let lo = 0;
    let hi = nodes.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (nodes[mid]!.span[1] < from) lo = mid + 1;
      else hi = mid;
    }
    const out: NodeModel[] = [];
    for (let i = lo; i < nodes.length; i++) {
      const at = nodes[i]!.idSpan[0];
      if (at > to && nodes[i]!.span[0] > to) break;
      if (at >= from && at <= to) out.push(nodes[i]!);
    }
    return out;
  }

  private sortedOf(uri: string): NodeModel[] {
    const c = this.docs.get(uri);
    if (!c) return [];
    return (c.sorted ??= [...c.model.nodesById.values()].sort((a, b) => a.span[0] - b.span[0]));
  }

  forget(uri: string): void {
    this.docs.delete(uri);
  }
}
