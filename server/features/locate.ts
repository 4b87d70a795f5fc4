import type { ConnectionModel, Entry, MapValue, NodeModel, Value, WorkflowModel } from '../../runtime/model/types';
import { touches } from './types';

export type PathSegment = string | number;

/** What the cursor is on: a key or a value, with the keys and indices that lead to it. */
export interface Hit {
  /** Keys and list indices from the root to `value` (a key's path ends with that key). */
  path: PathSegment[];
  /** The values from the root down to `value`, one per path segment plus the root. */
  chain: Value[];
  value: Value;
  on: 'key' | 'value';
  /** The mapping entry whose key or value the cursor is on. */
  entry?: Entry;
}

/** The deepest key or value under an offset. */
export function locate(root: MapValue | undefined, offset: number): Hit | undefined {
  if (!root) return undefined;
  const path: PathSegment[] = [];
  const chain: Value[] = [root];
  let v: Value = root;
  let found: Hit | undefined;
  for (;;) {
    let next: Value | undefined;
    // Keys first, then values from the last: a block value's span runs to the start of the next
    // line, so an offset there belongs to what starts there, not to what ends there.
    if (v.kind === 'map') {
      for (const e of v.entries) {
        if (touches(e.keySpan, offset) && !(e.keySpan[0] === e.keySpan[1] && e.keySpan[0] !== offset)) {
          return { path: [...path, e.key], chain: [...chain, e.value], value: e.value, on: 'key', entry: e };
        }
      }
      for (let i = v.entries.length - 1; i >= 0; i--) {
        const e = v.entries[i]!;
        if (!touches(e.value.span, offset)) continue;
        path.push(e.key);
        chain.push(e.value);
        found = { path: path.slice(), chain: chain.slice(), value: e.value, on: 'value', entry: e };
        next = e.value;
        break;
      }
    } else if (v.kind === 'seq') {
      for (let i = v.items.length - 1; i >= 0; i--) {
        const item = v.items[i]!;
        if (!touches(item.span, offset)) continue;
        path.push(i);
        chain.push(item);
        found = { path: path.slice(), chain: chain.slice(), value: item, on: 'value' };
        next = item;
        break;
      }
    }
    if (!next || next.kind === 'scalar') return found;
    v = next;
  }
}

/** The value at a path (keys and indices), if the document has it. */
export function valueAt(root: MapValue | undefined, path: readonly PathSegment[]): Value | undefined {
  let v: Value | undefined = root;
  for (const seg of path) {
    if (!v) return undefined;
    if (typeof seg === 'number') v = v.kind === 'seq' ? v.items[seg] : undefined;
    else v = v.kind === 'map' ? v.entries.find((e) => e.key === seg)?.value : undefined;
  }
  return v;
}

/** The node a path leads into (`nodes.<i or id>...`), when it is a node the model read. */
export function nodeAtPath(model: WorkflowModel, path: readonly PathSegment[]): NodeModel | undefined {
  if (path[0] !== 'nodes' || path.length < 2) return undefined;
  const entry = valueAt(model.root, path.slice(0, 2));
  return entry ? model.nodes.find((n) => n.entry === entry) : undefined;
}

/** The connection a path leads into (`connections.<i>...`). */
export function connectionAtPath(model: WorkflowModel, path: readonly PathSegment[]): ConnectionModel | undefined {
  if (path[0] !== 'connections' || path.length < 2) return undefined;
  const entry = valueAt(model.root, path.slice(0, 2));
  return entry ? model.connections.find((c) => c.entry === entry) : undefined;
}

/** The node whose id is written at an offset (its `id:` value or its map-form key). */
export function nodeDeclaredAt(model: WorkflowModel, offset: number): NodeModel | undefined {
  return model.nodes.find((n) => touches(n.idSpan, offset));
}

/** Inner span of a scalar's source: without the quotes of a quoted scalar. */
export function innerSpan(text: string, span: readonly [number, number]): [number, number] {
  const first = text[span[0]];
  if ((first === '"' || first === "'") && span[1] - span[0] >= 2 && text[span[1] - 1] === first) return [span[0] + 1, span[1] - 1];
  return [span[0], span[1]];
}
