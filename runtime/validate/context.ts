import type { Diagnostic, DiagnosticCode, Severity } from '../diagnostics';
import { diag } from '../model/parse';
import { getSpec } from '../catalog';
import { findTemplates } from '../model/templates';
import { closest } from '../util/suggest';
import type { ConnectionModel, MapValue, NodeModel, Span, Value, WorkflowModel } from '../model/types';
import { toValue } from '../model/values';

export interface ValidateOptions {
  /**
   * Connection type checking (the client's "connection-type check level"): `strict` makes
   * coercions errors too, `off` skips type checks (existence checks stay).
   */
  connectionTypes?: 'strict' | 'default' | 'off';
  /**
   * Whether a path, relative to the workflow file's folder, exists as a file or folder. Given,
   * `missing-file` is checked (files.ts); the language server checks it apart, with a cache.
   */
  fileExists?: FileExists;
  /**
   * Only the error-severity findings, as a run needs them (it never shows warnings, hints or
   * compat notes): the checks that only ever warn are skipped. Gives exactly the errors of a
   * full validation (test/unit/validate-errors-only.test.ts): a check that warns but also asks
   * for did-you-mean names still runs, as the names' budget is shared with the errors'.
   */
  errorsOnly?: boolean;
}

export type FileExists = (relativePath: string, kind: 'file' | 'directory') => boolean;

/** Did-you-mean candidates one validation may compare in total. */
export const SUGGEST_BUDGET = 200_000;

/** What every check shares: the model, indexes over it, and the diagnostics list. */
export class Context {
  readonly diagnostics: Diagnostic[] = [];
  /** Connections into each node (endpoints that exist). */
  readonly incoming: Map<string, ConnectionModel[]>;
  /** Node-specific default run parameters, from the top-level `parameters` block. */
  readonly nodeParameters = new Map<string, MapValue>();
  /** Flat run parameters, which Kailash offers to every node. */
  readonly flatParameters = new Set<string>();

  /** `options.errorsOnly`: reports below error severity are dropped (see `keepAll`). */
  readonly errorsOnly: boolean;
  /** While above 0, every severity is kept: a check that turns warnings into errors is running. */
  keepAll = 0;

  constructor(
    readonly model: WorkflowModel,
    readonly options: ValidateOptions = {},
    budget = SUGGEST_BUDGET,
    /** The `incoming` index, when the caller keeps one up to date (the incremental validator). */
    incoming?: Map<string, ConnectionModel[]>,
  ) {
    this.budget = budget;
    this.errorsOnly = options.errorsOnly === true;
    this.incoming = incoming ?? incomingIndex(model);
    for (const e of model.parameters?.entries ?? []) {
      if (model.nodesById.has(e.key) && e.value.kind === 'map') this.nodeParameters.set(e.key, e.value);
      else this.flatParameters.add(e.key);
    }
  }

  /** Candidates did-you-mean may still compare: a file with thousands of typos stays fast. */
  budget: number;
  /**
   * The candidate-list length of every did-you-mean call, and whether one went unanswered for
   * want of budget: the incremental validator records these per item to replay the budget.
   */
  calls: number[] = [];
  starved = false;

  /** Did-you-mean names for `word`, until the budget is spent (then none: the message stays plain). */
  closest(word: string, candidates: Iterable<string>): string[] {
    const list = Array.isArray(candidates) ? (candidates as string[]) : [...candidates];
    this.calls.push(list.length);
    if (this.budget < list.length) {
      this.starved = true;
      return [];
    }
    this.budget -= list.length;
    return closest(word, list);
  }

  private ids?: string[];

  /** Every node id, in file order (first of duplicates). */
  nodeIds(): string[] {
    return (this.ids ??= [...this.model.nodesById.keys()]);
  }

  private readonly configs = new Map<string, Record<string, unknown>>();

  /** A node's config as plain values (what spec hooks such as SwitchNode's outputs read). */
  plainConfig(node: NodeModel): Record<string, unknown> {
    let c = this.configs.get(node.id);
    if (!c) this.configs.set(node.id, (c = (toValue(node.config) as Record<string, unknown> | undefined) ?? {}));
    return c;
  }

  private readonly templateCache = new Map<string, Set<string>>();

  /**
   * Names a node's config reads through `${name}` templates. They are inputs of that node even
   * when it does not declare them (Kailash resolves templates against whatever inputs arrive).
   */
  templateInputs(nodeId: string): Set<string> {
    let names = this.templateCache.get(nodeId);
    if (names) return names;
    names = new Set();
    const node = this.model.nodesById.get(nodeId);
    const spec = node?.type ? getSpec(node.type.value) : undefined;
    const visit = (v: Value | undefined): void => {
      if (!v) return;
      if (v.kind === 'map') v.entries.forEach((e) => visit(e.value));
      else if (v.kind === 'seq') v.items.forEach(visit);
      else if (typeof v.value === 'string') for (const t of findTemplates(v.value)) if (t.kind === 'input') names!.add(t.name);
    };
    for (const e of node?.config?.entries ?? []) if (!spec?.params[e.key]?.raw) visit(e.value);
    this.templateCache.set(nodeId, names);
    return names;
  }

  /** Whether findings of `severity` are wanted: a check may skip the work of one that is not. */
  wants(severity: Severity): boolean {
    return severity === 'error' || !this.errorsOnly || this.keepAll > 0;
  }

  report(code: DiagnosticCode, severity: Severity, message: string, span: Span, suggestions?: string[]): void {
    if (severity !== 'error' && !this.wants(severity)) return;
    this.diagnostics.push(diag(code, severity, message, span, suggestions));
  }

  /** The narrowest span of `needle` inside a scalar's source, or the whole scalar. */
  spanWithin(span: Span, needle: string, from = 0): Span {
    const src = this.model.text.slice(span[0], span[1]);
    const i = src.indexOf(needle, from);
    return i === -1 ? span : [span[0] + i, span[0] + i + needle.length];
  }

  /** Whether an input of a node gets a value from a connection or from run parameters. */
  providedAtRun(nodeId: string, names: readonly string[]): boolean {
    for (const c of this.incoming.get(nodeId) ?? []) if (names.includes(c.toInput.value)) return true;
    const own = this.nodeParameters.get(nodeId);
    if (own?.entries.some((e) => names.includes(e.key))) return true;
    return names.some((n) => this.flatParameters.has(n));
  }
}

/** Connections into each node id (endpoints that exist or not), in file order. */
export function incomingIndex(model: WorkflowModel): Map<string, ConnectionModel[]> {
  const out = new Map<string, ConnectionModel[]>();
  for (const c of model.connections) {
    const to = c.to?.value;
    if (to === undefined) continue;
    const list = out.get(to);
    if (list) list.push(c);
    else out.set(to, [c]);
  }
  exactLists(out);
  return out;
}

/**
 * Replaces each list of two or more with an exact-size copy: a list grown by `push` keeps room
 * for 16 more items, and the validator keeps three such indexes, one list per node (about 3 MB
 * of spare room at 10,000 nodes).
 */
export function exactLists<K, V>(map: Map<K, V[]>): void {
  // `forEach`, not `for…of`: no iterator result per entry while the code is still cold (on open).
  map.forEach((list, k) => {
    if (list.length > 1) map.set(k, list.slice());
  });
}

/**
 * The order diagnostics are published in: by span, then code and message. A total order, so a
 * result does not depend on the order checks ran in (the incremental validator runs fewer).
 */
export function compareDiagnostics(a: Diagnostic, b: Diagnostic): number {
  return (
    a.span[0] - b.span[0] ||
    a.span[1] - b.span[1] ||
    (a.code < b.code ? -1 : a.code > b.code ? 1 : 0) ||
    (a.message < b.message ? -1 : a.message > b.message ? 1 : 0) ||
    (a.severity < b.severity ? -1 : a.severity > b.severity ? 1 : 0)
  );
}

export function didYouMean(suggestions: string[]): string {
  return suggestions.length ? ` Did you mean '${suggestions[0]}'?` : '';
}
