import type { NodeView, RunView } from './panel';

/** One difference inside a value: where (keys and list indexes from the top) and how. */
export interface Change {
  path: string[];
  kind: 'added' | 'removed' | 'changed';
  before?: unknown;
  after?: unknown;
}

/** How one node differs between the run shown (`after`) and the run compared with (`before`). */
export interface NodeDiff {
  id: string;
  /** `changed`: status or output differ; `added`/`removed`: it ran in only one of the two. */
  kind: 'same' | 'changed' | 'added' | 'removed';
  statusBefore?: NodeView['status'];
  statusAfter?: NodeView['status'];
  output: Change[];
  /** More changes than `limit` were found; the list stops there. */
  more: boolean;
}

const LIMIT = 200;

/**
 * A structural diff: dicts compare by key, lists by index, anything else by value. A changed
 * scalar, or a value that changed kind (dict to list), is one `changed` entry at its path.
 */
export function diffValues(before: unknown, after: unknown, limit = LIMIT): { changes: Change[]; more: boolean } {
  const changes: Change[] = [];
  let more = false;
  const push = (c: Change) => {
    if (changes.length >= limit) more = true;
    else changes.push(c);
  };
  const walk = (a: unknown, b: unknown, path: string[]) => {
    if (more) return;
    const ka = kind(a);
    const kb = kind(b);
    if (ka !== kb || ka === 'scalar') {
      if (!Object.is(a, b)) push({ path, kind: 'changed', before: a, after: b });
      return;
    }
    if (ka === 'list') {
      const la = a as unknown[];
      const lb = b as unknown[];
      for (let i = 0; i < Math.max(la.length, lb.length); i++) {
        if (i >= la.length) push({ path: [...path, String(i)], kind: 'added', after: lb[i] });
        else if (i >= lb.length) push({ path: [...path, String(i)], kind: 'removed', before: la[i] });
        else walk(la[i], lb[i], [...path, String(i)]);
      }
      return;
    }
    const oa = a as Record<string, unknown>;
    const ob = b as Record<string, unknown>;
    for (const k of Object.keys(oa)) {
      if (!Object.prototype.hasOwnProperty.call(ob, k)) push({ path: [...path, k], kind: 'removed', before: oa[k] });
      else walk(oa[k], ob[k], [...path, k]);
    }
    for (const k of Object.keys(ob))
      if (!Object.prototype.hasOwnProperty.call(oa, k)) push({ path: [...path, k], kind: 'added', after: ob[k] });
  };
  walk(before, after, []);
  return { changes, more };
}

function kind(v: unknown): 'list' | 'dict' | 'scalar' {
  if (Array.isArray(v)) return 'list';
  return v !== null && typeof v === 'object' ? 'dict' : 'scalar';
}

/** Every node of `ids`, compared between two runs: status first, then output. */
export function diffRuns(before: RunView, after: RunView, ids: readonly string[]): NodeDiff[] {
  return ids.map((id) => {
    const a = before.nodes[id];
    const b = after.nodes[id];
    const ran = (n: NodeView | undefined) => n !== undefined && n.status !== 'not-run';
    const d: NodeDiff = { id, kind: 'same', output: [], more: false };
    if (a) d.statusBefore = a.status;
    if (b) d.statusAfter = b.status;
    if (!ran(a) && !ran(b)) return d;
    if (!ran(a)) return { ...d, kind: 'added' };
    if (!ran(b)) return { ...d, kind: 'removed' };
    const { changes, more } = diffValues(a!.output, b!.output);
    d.output = changes;
    d.more = more;
    if (a!.status !== b!.status || changes.length > 0) d.kind = 'changed';
    return d;
  });
}

/** A path as users read it: `data[0].name`. */
export function pathText(path: readonly string[]): string {
  let s = '';
  for (const p of path) s += /^\d+$/.test(p) ? `[${p}]` : /^[A-Za-z_][\w]*$/.test(p) ? (s ? `.${p}` : p) : `[${JSON.stringify(p)}]`;
  return s || '(whole value)';
}
