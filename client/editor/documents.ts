import { IncrementalParser } from '../../runtime/model/incremental';
import { formatOf } from '../../runtime/model/json';
import { layoutOf } from '../../runtime/model/segments';
import type { NodeModel, WorkflowModel } from '../../runtime/model/types';

/** Text read per step of a first read in steps (`prepare`): about 10 to 20 ms of parsing. */
export const STEP_CHARS = 4000;
/** Smaller documents are read at once when first needed: that costs less than a frame or two. */
export const PREPARE_MIN_CHARS = 50_000;

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

  /** Parsers of documents being read in steps (`prepare`), until their first model. */
  private readonly warming = new Map<string, IncrementalParser>();
  private readonly preparing = new Map<string, Promise<void>>();

  /** The model of `uri` at `version`; `text` is read only when that version is not cached yet. */
  get(uri: string, version: number, text: () => string): WorkflowModel {
    let c = this.docs.get(uri);
    if (c?.version === version) return c.model;
    // A read in steps under way is taken over: its parser keeps the pieces it has read so far.
    const parser = c?.parser ?? this.warming.get(uri) ?? new IncrementalParser();
    this.warming.delete(uri);
    const model = parser.parse(text(), formatOf(uri));
    c = { parser, version, model };
    this.docs.set(uri, c);
    return model;
  }

  /**
   * Reads a big document's first model in steps that yield to the event loop between them: the
   * parser is given longer and longer beginnings of the text, cut where its pieces end, so each
   * step reads only the pieces it adds (the incremental parser keeps the rest) and no step holds
   * the extension host for long. A whole-text read of a 2,000-node file took 0.8 to 2 s in one go
   * when the first run or feature asked for it. A `get` meanwhile takes the parser over.
   */
  prepare(
    uri: string,
    version: number,
    text: string,
    { step = STEP_CHARS, pause = nextTurn }: { step?: number; pause?: () => Promise<void> } = {},
  ): Promise<void> {
    const under = this.preparing.get(uri);
    if (under) return under;
    if (this.docs.has(uri) || formatOf(uri) !== 'yaml' || text.length < PREPARE_MIN_CHARS) return Promise.resolve();
    const parser = new IncrementalParser();
    this.warming.set(uri, parser);
    const ours = () => this.warming.get(uri) === parser;
    const read = async () => {
      for (const cut of cutsOf(text, step)) {
        await pause();
        if (!ours()) return;
        parser.parse(text.slice(0, cut));
      }
      await pause();
      if (!ours()) return;
      this.warming.delete(uri);
      this.docs.set(uri, { parser, version, model: parser.parse(text) });
    };
    const done = read().finally(() => this.preparing.delete(uri));
    this.preparing.set(uri, done);
    return done;
  }

  /** Whether the model of `uri` at `version` is read already (a `get` of it costs nothing). */
  has(uri: string, version: number): boolean {
    return this.docs.get(uri)?.version === version;
  }

  /** Resolves once a `prepare` of `uri` under way has finished (at once when there is none). */
  settled(uri: string): Promise<void> {
    return this.preparing.get(uri) ?? Promise.resolve();
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
    this.warming.delete(uri);
  }
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Where `prepare` cuts the text: at the end of a piece, once `step` characters have been added since the last cut. */
export function cutsOf(text: string, step: number): number[] {
  const cuts: number[] = [];
  let last = 0;
  for (const s of layoutOf(text) ?? [])
    for (const p of s.pieces) if (p.end - last >= step && p.end < text.length) cuts.push((last = p.end));
  return cuts;
}
