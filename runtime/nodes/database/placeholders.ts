import { NodeFailure } from '../../engine/errors';
import type { Dialect } from './url';

/** A statement ready for the driver: placeholders in its own syntax, values in order. */
export interface Bound {
  text: string;
  values: unknown[];
}

type Marker =
  | { kind: 'named'; name: string; start: number; end: number }
  | { kind: 'positional'; index?: number; start: number; end: number; percent?: boolean };

/**
 * Finds parameter markers outside string literals, quoted identifiers, comments and
 * PostgreSQL dollar-quoted bodies: `:name` (not `::cast`), and `?`, `$1` or `%s`.
 * Getting this wrong would bind into a literal or miss a marker, so every quoting form of the
 * three dialects is skipped the way their servers read it.
 */
function scan(sql: string, dialect: Dialect): Scanned {
  // A node in a loop binds the same text again and again; markers depend only on text and dialect.
  const cache = scanned[dialect];
  let found = cache.get(sql);
  if (!found) {
    if (cache.size >= SCANNED_MAX) cache.clear();
    cache.set(sql, (found = scanText(sql, dialect)));
  }
  return found;
}

type Scanned = { markers: Marker[]; percents: number[]; named: number; positional: number; namedPlan?: Plan; positionalPlan?: Plan };
const SCANNED_MAX = 512;
const scanned: Record<Dialect, Map<string, Scanned>> = { postgresql: new Map(), mysql: new Map(), sqlite: new Map() };

function scanText(sql: string, dialect: Dialect): Scanned {
  const markers: Marker[] = [];
  const percents: number[] = [];
  const n = sql.length;
  let i = 0;
  while (i < n) {
    const c = sql[i]!;
    const next = sql[i + 1];
    if (c === "'" || c === '"' || (c === '`' && dialect !== 'postgresql')) {
      // MySQL reads backslash escapes in both quote kinds; PostgreSQL only in E'…'.
      const backslash = dialect === 'mysql' || (c === "'" && /[eE]/.test(sql[i - 1] ?? '') && !/\w/.test(sql[i - 2] ?? ''));
      i++;
      while (i < n) {
        if (backslash && sql[i] === '\\') i += 2;
        else if (sql[i] === c) {
          if (sql[i + 1] === c) i += 2;
          else break;
        } else i++;
      }
      i++;
      continue;
    }
    if (c === '-' && next === '-') {
      while (i < n && sql[i] !== '\n') i++;
      continue;
    }
    if (c === '#' && dialect === 'mysql') {
      while (i < n && sql[i] !== '\n') i++;
      continue;
    }
    if (c === '/' && next === '*') {
      const end = sql.indexOf('*/', i + 2);
      i = end < 0 ? n : end + 2;
      continue;
    }
    if (c === '$' && dialect === 'postgresql') {
      const tag = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(sql.slice(i));
      if (tag && !/\w/.test(sql[i - 1] ?? '')) {
        const end = sql.indexOf(tag[0], i + tag[0].length);
        i = end < 0 ? n : end + tag[0].length;
        continue;
      }
      const num = /^\$(\d+)/.exec(sql.slice(i));
      if (num) {
        markers.push({ kind: 'positional', index: Number(num[1]), start: i, end: i + num[0].length });
        i += num[0].length;
        continue;
      }
    }
    if (c === ':' && next === ':') {
      i += 2;
      continue;
    }
    if (c === ':' && sql[i - 1] !== ':' && next !== undefined && /[A-Za-z_]/.test(next)) {
      const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(sql.slice(i + 1))![0];
      markers.push({ kind: 'named', name, start: i, end: i + 1 + name.length });
      i += 1 + name.length;
      continue;
    }
    if (c === '?') {
      markers.push({ kind: 'positional', start: i, end: i + 1 });
      i++;
      continue;
    }
    if (c === '%' && next === 's') {
      markers.push({ kind: 'positional', start: i, end: i + 2, percent: true });
      i += 2;
      continue;
    }
    if (c === '%' && next === '%') {
      percents.push(i);
      i += 2;
      continue;
    }
    i++;
  }
  return {
    markers,
    percents,
    named: markers.filter((m) => m.kind === 'named').length,
    positional: markers.filter((m) => m.kind === 'positional').length,
  };
}

const isDict = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Uint8Array);

/** How a text binds, worked out once per text: the driver's SQL and where each value comes from. */
interface Plan {
  text: string;
  /** Named: the parameter name behind each driver placeholder. */
  names?: string[];
  /** Positional: the 0-based index in the list behind each driver placeholder. */
  indexes?: number[];
  /** Positional: how many values the list must hold. */
  expects?: number;
}

function namedPlan(sql: string, s: Scanned, dialect: Dialect): Plan {
  const named = s.markers.filter((m): m is Extract<Marker, { kind: 'named' }> => m.kind === 'named');
  const names: string[] = [];
  const slots = new Map<string, number>();
  const text = rewrite(sql, named, (m) => {
    if (dialect === 'postgresql') {
      // PostgreSQL can refer to one value many times; the others need it repeated.
      let slot = slots.get(m.name);
      if (slot === undefined) slots.set(m.name, (slot = names.push(m.name)));
      return `$${slot}`;
    }
    names.push(m.name);
    return '?';
  });
  return { text, names };
}

function positionalPlan(sql: string, s: Scanned, dialect: Dialect): Plan {
  const positional = s.markers.filter((m): m is Extract<Marker, { kind: 'positional' }> => m.kind === 'positional');
  const numbered = positional.filter((m) => m.index !== undefined);
  if (numbered.length) {
    if (numbered.length !== positional.length)
      throw new NodeFailure('NodeValidationError', 'The query mixes $n with ? or %s placeholders; use one style.');
    // Only PostgreSQL reads $n, and it takes the list as it is.
    const expects = Math.max(...numbered.map((m) => m.index!));
    return { text: sql, indexes: Array.from({ length: expects }, (_, i) => i), expects };
  }
  const indexes: number[] = [];
  const usesPercent = positional.some((m) => m.percent);
  const percents = usesPercent ? s.percents.map((p) => ({ kind: 'percent' as const, start: p, end: p + 2 })) : [];
  const text = rewrite(sql, [...positional, ...percents], (m) => {
    if (m.kind === 'percent') return '%';
    indexes.push(indexes.length);
    return dialect === 'postgresql' ? `$${indexes.length}` : '?';
  });
  return { text, indexes, expects: positional.length };
}

/**
 * Turns Kailash's parameters into the driver's placeholders: a dict binds `:name` markers, a list
 * (or a scalar) binds `?`, `$n` or `%s` in order. Values never enter the SQL text.
 */
export function bind(sql: string, parameters: unknown, dialect: Dialect): Bound {
  const s = scan(sql, dialect);
  const none = parameters === undefined || parameters === null;
  if (isDict(parameters) || (none && s.named > 0)) {
    const params = (parameters ?? {}) as Record<string, unknown>;
    // PostgreSQL's `?` is also a jsonb operator, so only the other dialects can refuse it here.
    if (s.positional > 0 && dialect !== 'postgresql') {
      throw new NodeFailure(
        'NodeValidationError',
        s.named
          ? 'The query mixes named (:name) and positional (?) placeholders; use one style.'
          : 'parameters is a dict but the query uses positional placeholders; use :name placeholders or pass a list.',
      );
    }
    const plan = (s.namedPlan ??= namedPlan(sql, s, dialect));
    const values = new Array<unknown>(plan.names!.length);
    for (let i = 0; i < values.length; i++) {
      const name = plan.names![i]!;
      if (!(name in params)) {
        const missing = [...new Set(plan.names!.filter((k) => !(k in params)))];
        throw new NodeFailure(
          'NodeValidationError',
          `No value for the query parameter${missing.length > 1 ? 's' : ''} ${missing.map((k) => `:${k}`).join(', ')} (parameters has ${
            Object.keys(params)
              .map((k) => `'${k}'`)
              .join(', ') || 'no keys'
          }).`,
        );
      }
      values[i] = params[name];
    }
    return { text: plan.text, values };
  }
  if (none) return { text: sql, values: [] };
  const list = Array.isArray(parameters) ? parameters : [parameters];
  if (s.named)
    throw new NodeFailure(
      'NodeValidationError',
      `parameters is a list but the query uses named placeholders (:${(s.markers.find((m) => m.kind === 'named') as { name: string }).name}); pass a dict.`,
    );
  const plan = (s.positionalPlan ??= positionalPlan(sql, s, dialect));
  if (plan.expects !== list.length) {
    const numbered =
      plan.text === sql &&
      plan.expects! > 0 &&
      dialect === 'postgresql' &&
      s.markers.some((m) => m.kind === 'positional' && m.index !== undefined);
    throw new NodeFailure(
      'NodeValidationError',
      numbered
        ? `The query refers to $${plan.expects} but ${list.length} parameter${list.length === 1 ? ' was' : 's were'} given.`
        : `The query has ${plan.expects} placeholder${plan.expects === 1 ? '' : 's'} but ${list.length} parameter${list.length === 1 ? ' was' : 's were'} given.`,
    );
  }
  return { text: plan.text, values: plan.indexes!.map((i) => list[i]) };
}

function rewrite<M extends { start: number; end: number }>(sql: string, markers: M[], replace: (m: M) => string): string {
  const sorted = [...markers].sort((a, b) => a.start - b.start);
  let out = '';
  let at = 0;
  for (const m of sorted) {
    out += sql.slice(at, m.start) + replace(m);
    at = m.end;
  }
  return out + sql.slice(at);
}

/** Adds AsyncSQL's `parameter_types` casts (`$1::jsonb`) after rewriting; type names are checked, never trusted. */
export function castNamed(sql: string, parameters: unknown, types: Record<string, unknown> | undefined, dialect: Dialect): Bound {
  if (!types || dialect !== 'postgresql' || !isDict(parameters)) return bind(sql, parameters, dialect);
  for (const [name, t] of Object.entries(types)) {
    if (typeof t !== 'string' || !/^[A-Za-z_][A-Za-z0-9_ ]*(\(\d+(,\s*\d+)?\))?(\[\])?$/.test(t)) {
      throw new NodeFailure('NodeValidationError', `parameter_types['${name}'] is not a type name: ${JSON.stringify(t)}`);
    }
  }
  const { markers } = scan(sql, dialect);
  const typed = markers.filter((m): m is Extract<Marker, { kind: 'named' }> => m.kind === 'named' && typeof types[m.name] === 'string');
  const withCasts = rewrite(sql, typed, (m) => `:${m.name}::${String(types[m.name])}`);
  return bind(withCasts, parameters, dialect);
}
