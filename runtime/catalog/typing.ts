import type { BaseType, NodeSpec, OutputSpec, ParamSpec, TypeSpec } from './types';

export type Verdict = 'ok' | 'coercion' | 'mismatch';

const SCALARS: ReadonlySet<BaseType> = new Set(['str', 'int', 'float', 'bool']);

/**
 * The connection rules (docs/workflow-format.md): whether an output of type `from` may feed an input of type `to`.
 * `coercion` means Kailash converts the value at run time (`"15"` → 15), which is allowed but
 * worth a warning; `mismatch` would fail (or silently mangle) at run time.
 */
export function connectionVerdict(from: TypeSpec, to: TypeSpec): Verdict {
  const a = from.type;
  const b = to.type;
  if (a === 'Any' || b === 'Any') return 'ok';
  // Kailash checks only the outer type (`isinstance(value, list)`), so list element types never block.
  if (a === b) return 'ok';
  if (a === 'int' && b === 'float') return 'ok';
  if (a === 'str' && (b === 'int' || b === 'float' || b === 'bool')) return 'coercion';
  if ((a === 'int' || a === 'float' || a === 'bool') && b === 'str') return 'coercion';
  if (SCALARS.has(a) && SCALARS.has(b)) return 'coercion';
  if ((a === 'list' || a === 'dict') && b === 'str') return 'coercion';
  return 'mismatch';
}

/** Kailash type names as users read them: `list[dict]`, `dict`, `int`. */
export function describeType(t: TypeSpec): string {
  if (t.type === 'list' && t.items && t.items.type !== 'Any') return `list[${describeType(t.items)}]`;
  return t.type;
}

export type PathResolution =
  | { ok: true; type: TypeSpec; output?: OutputSpec }
  | { ok: false; /** Index of the failing segment. */ segment: number; reason: 'unknown-key' | 'not-a-dict'; known: string[] };

const ANY: TypeSpec = { type: 'Any' };

/** The outputs a node of this spec and config declares (static ones plus config-dependent ones). */
export function outputsOf(spec: NodeSpec, config: Record<string, unknown>): Record<string, OutputSpec> {
  if (!spec.outputsFor) return spec.outputs;
  let extra: Record<string, OutputSpec> = {};
  try {
    extra = spec.outputsFor(config);
  } catch {
    // A spec hook must never break validation of a half-written file.
  }
  // A table, as spec.outputs is: a `from_output` named `constructor` is no output.
  return Object.assign(Object.create(null) as Record<string, OutputSpec>, spec.outputs, extra);
}

/**
 * Resolves a dotted `from_output` (`response.content`, `result.data`) against declared outputs,
 * as Kailash walks dict keys (list indices are not supported). A dotted name that is itself a
 * declared output key wins, as in Kailash's fallback to the literal key.
 */
export function resolveOutputPath(spec: NodeSpec, config: Record<string, unknown>, path: string): PathResolution {
  const outputs = outputsOf(spec, config);
  const literal = outputs[path];
  if (literal) return { ok: true, type: literal, output: literal };
  const parts = path.split('.');
  const first = outputs[parts[0]!];
  if (!first) {
    if (spec.dynamicOutputs) return { ok: true, type: ANY };
    return { ok: false, segment: 0, reason: 'unknown-key', known: Object.keys(outputs) };
  }
  let t: TypeSpec = first;
  for (let i = 1; i < parts.length; i++) {
    if (t.type === 'Any') return { ok: true, type: ANY, output: first };
    if (t.type !== 'dict') return { ok: false, segment: i, reason: 'not-a-dict', known: [] };
    const next = t.fields?.[parts[i]!];
    if (!next) {
      if (!t.fields || t.open) return { ok: true, type: ANY, output: first };
      return { ok: false, segment: i, reason: 'unknown-key', known: Object.keys(t.fields) };
    }
    t = next;
  }
  return { ok: true, type: t, output: first };
}

/** The param an input name reaches: its own name, or an alias Kailash maps to it. */
export function findParam(spec: NodeSpec, name: string): [string, ParamSpec] | undefined {
  const direct = spec.params[name];
  if (direct) return [name, direct];
  return aliasesOf(spec).get(name);
}

const aliasTables = new WeakMap<NodeSpec, Map<string, [string, ParamSpec]>>();

/** A spec's aliases, each to its parameter (the first that declares it): asked per connection and parameter. */
function aliasesOf(spec: NodeSpec): Map<string, [string, ParamSpec]> {
  let table = aliasTables.get(spec);
  if (!table) {
    table = new Map();
    for (const [key, p] of Object.entries(spec.params))
      for (const alias of p.aliases ?? []) if (!table.has(alias)) table.set(alias, [key, p]);
    aliasTables.set(spec, table);
  }
  return table;
}

/**
 * Whether a global run parameter (a key that is not a node id) reaches a node: a name or alias
 * it declares and may take at run time, a `${name}` its config reads, or any name for code nodes
 * (their inputs are variables). Kailash also guesses by fuzzy and substring matches; we do not:
 * a guess that lands on the wrong node is worse than a warning that names the right one.
 */
export function takesGlobal(spec: NodeSpec, key: string, templateInputs: ReadonlySet<string>): boolean {
  const found = findParam(spec, key);
  if (found) return found[1].configOnly !== true;
  return spec.acceptsAnyInput === true || templateInputs.has(key);
}

export type ValueCheck = { verdict: Verdict; message?: string };

/**
 * Checks a literal config value against a declared type as Kailash's `type(value)` coercion
 * would treat it: what converts cleanly is `coercion`, what fails or mangles is `mismatch`.
 */
export function checkLiteral(value: unknown, t: TypeSpec): ValueCheck {
  if (value === null || value === undefined || t.type === 'Any') return { verdict: 'ok' };
  const kind = typeof value;
  switch (t.type) {
    case 'str':
      if (kind === 'string') return { verdict: 'ok' };
      if (kind === 'number' || kind === 'boolean') return { verdict: 'ok' };
      return { verdict: 'mismatch', message: `expected str, got ${Array.isArray(value) ? 'list' : 'dict'}` };
    case 'int':
      if (kind === 'number') {
        return Number.isInteger(value)
          ? { verdict: 'ok' }
          : { verdict: 'mismatch', message: `expected int, got float ${value} (Kailash would truncate it)` };
      }
      if (kind === 'boolean') return { verdict: 'coercion', message: 'expected int, got bool' };
      if (kind === 'string') {
        return /^\s*[-+]?\d+\s*$/.test(value as string)
          ? { verdict: 'coercion', message: `expected int, got str "${value}" (converted at run time)` }
          : { verdict: 'mismatch', message: `expected int, got str "${clip(value as string)}"` };
      }
      return { verdict: 'mismatch', message: `expected int, got ${Array.isArray(value) ? 'list' : 'dict'}` };
    case 'float':
      if (kind === 'number') return { verdict: 'ok' };
      if (kind === 'boolean') return { verdict: 'coercion', message: 'expected float, got bool' };
      if (kind === 'string') {
        return value !== '' && !Number.isNaN(Number(value))
          ? { verdict: 'coercion', message: `expected float, got str "${value}" (converted at run time)` }
          : { verdict: 'mismatch', message: `expected float, got str "${clip(value as string)}"` };
      }
      return { verdict: 'mismatch', message: `expected float, got ${Array.isArray(value) ? 'list' : 'dict'}` };
    case 'bool':
      if (kind === 'boolean') return { verdict: 'ok' };
      if (kind === 'number') return { verdict: 'coercion', message: `expected bool, got int ${value}` };
      if (kind === 'string') {
        // Python's bool("false") is True: a quoted boolean silently means the opposite.
        return {
          verdict: 'mismatch',
          message: `expected bool, got str "${clip(value as string)}" (Python's bool() makes any non-empty string True); write true or false unquoted`,
        };
      }
      return { verdict: 'mismatch', message: `expected bool, got ${Array.isArray(value) ? 'list' : 'dict'}` };
    case 'list':
      if (Array.isArray(value)) return { verdict: 'ok' };
      return { verdict: 'mismatch', message: `expected list, got ${typeName(value)}` };
    case 'dict':
      if (kind === 'object' && !Array.isArray(value)) return { verdict: 'ok' };
      return { verdict: 'mismatch', message: `expected dict, got ${typeName(value)}` };
  }
}

function typeName(value: unknown): string {
  if (Array.isArray(value)) return 'list';
  if (typeof value === 'string') return 'str';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'float';
  return 'dict';
}

function clip(s: string): string {
  return s.length > 40 ? `${s.slice(0, 37)}...` : s;
}
