import { Handles } from '@vscode/debugadapter';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { typeOf } from '../../runtime/engine/values';
import { display } from './expressions';

/**
 * A container the Variables view can expand. `shown` gives the (redacted) value to list; an
 * editable container also names the path inside the paused node's real inputs where an edit goes.
 */
interface Container {
  shown: () => unknown;
  editPath?: (string | number)[];
}

/** The variable references of one stop; they mean nothing after the run moves on. */
export class VariableStore {
  private handles = new Handles<Container>();

  reset(): void {
    this.handles.reset();
  }

  /** A reference for a value's children, 0 for a scalar (nothing to expand). */
  ref(shown: () => unknown, editPath?: (string | number)[]): number {
    const v = shown();
    if (v === null || typeof v !== 'object') return 0;
    return this.handles.create(editPath ? { shown, editPath } : { shown });
  }

  get(ref: number): Container | undefined {
    return this.handles.get(ref);
  }

  variables(ref: number): DebugProtocol.Variable[] {
    const c = this.handles.get(ref);
    if (!c) return [];
    const v = c.shown();
    if (v === null || typeof v !== 'object') return [];
    const entries: [string | number, unknown][] = Array.isArray(v) ? v.map((x, i) => [i, x]) : Object.entries(v);
    return entries.map(([k, x]) => this.variable(String(k), x, () => child(c.shown(), k), c.editPath ? [...c.editPath, k] : undefined));
  }

  variable(name: string, value: unknown, shown: () => unknown, editPath?: (string | number)[]): DebugProtocol.Variable {
    const size = Array.isArray(value) ? value.length : value && typeof value === 'object' ? Object.keys(value).length : undefined;
    return {
      name,
      value: display(value),
      type: typeOf(value),
      variablesReference: this.ref(shown, editPath),
      ...(size !== undefined ? (Array.isArray(value) ? { indexedVariables: size } : { namedVariables: size }) : {}),
      ...(editPath ? {} : { presentationHint: { attributes: ['readOnly'] } }),
    };
  }
}

function child(v: unknown, k: string | number): unknown {
  if (v === null || typeof v !== 'object') return undefined;
  return (v as Record<string | number, unknown>)[k];
}

/** Sets the value at `path` inside `root` (the last key created if missing). */
export function setAt(root: Record<string, unknown>, path: (string | number)[], value: unknown): void {
  let cur: unknown = root;
  for (const k of path.slice(0, -1)) cur = (cur as Record<string | number, unknown>)[k];
  if (cur === null || typeof cur !== 'object') throw new Error('that value is no longer there');
  const last = path[path.length - 1]!;
  if (Array.isArray(cur)) cur[Number(last)] = value;
  else Object.defineProperty(cur, last, { value, writable: true, enumerable: true, configurable: true });
}
