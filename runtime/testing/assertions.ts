export type { Failure } from './report';
import type { NodeOutput } from '../catalog/types';
import type { NodeRecord, RunResult } from '../engine/types';
import { readPath } from '../engine/values';
import { evaluateExpression, ExpressionError, parseExpression, truthy } from '../model/expression';
import { toPlain } from '../model/values';
import { schemaValidator } from './check';
import { align, show } from './diff';
import type { Failure } from './report';
import type { NodeExpectation, TestCase } from './format';

/** Every assertion of a case against a finished run; an empty list means the case passed. */
export function assertCase(c: TestCase, result: RunResult): Failure[] {
  const failures: Failure[] = [];
  const want = c.status?.value ?? 'succeeded';
  if (result.status !== want) {
    const why = result.error ? ` (${result.error.node ? `${result.error.node}: ` : ''}${result.error.type}: ${result.error.message})` : '';
    failures.push({
      assertion: 'run-status',
      message: `The run ${result.status}${why}; expected it to be ${want}.`,
      span: c.status?.span ?? c.name.span,
      expected: want,
      actual: result.status,
    });
  }
  for (const x of c.expect) failures.push(...assertNode(x, result));
  return failures;
}

function assertNode(x: NodeExpectation, result: RunResult): Failure[] {
  const id = x.node.value;
  const record: NodeRecord | undefined = Object.prototype.hasOwnProperty.call(result.nodes, id) ? result.nodes[id] : undefined;
  const output: NodeOutput | null = Object.prototype.hasOwnProperty.call(result.results, id) ? (result.results[id] ?? null) : null;
  const out: Failure[] = [];
  const status = record?.status ?? 'not-run';
  if (x.status && status !== x.status.value) {
    const why = record?.error ? ` (${record.error.type}: ${record.error.message})` : '';
    out.push({
      node: id,
      assertion: 'status',
      message: `${id} ${status}${why}; expected ${x.status.value}.`,
      span: x.status.span,
      expected: x.status.value,
      actual: status,
    });
  }
  let value: unknown = output;
  if (x.path) {
    const found = output ? readPath(output, x.path.value) : { found: false };
    if (!found.found) {
      out.push({
        node: id,
        assertion: 'path',
        message: `${id} has no output at '${x.path.value}'${output ? ` (it has ${Object.keys(output).join(', ') || 'no keys'})` : ` (its output is ${status === 'succeeded' ? 'empty' : `none: it ${status}`})`}.`,
        span: x.path.span,
        actual: show(output),
      });
      return out;
    }
    value = found.value;
  }
  const where = x.path ? `${id}.${x.path.value}` : id;
  if (x.equals) {
    const expected = toPlain(x.equals);
    if (!deepEqual(expected, value))
      out.push({
        node: id,
        assertion: 'equals',
        message: `${where} does not equal the expected value.`,
        span: x.equals.span,
        expected: show(expected),
        actual: show(align(value, expected)),
      });
  }
  if (x.subset) {
    const expected = toPlain(x.subset);
    if (!isSubset(expected, value))
      out.push({
        node: id,
        assertion: 'subset',
        message: `${where} does not contain the expected part.`,
        span: x.subset.span,
        expected: show(expected),
        actual: show(project(value, expected)),
      });
  }
  if (x.schema) {
    const check = schemaValidator().compile(toPlain(x.schema) as object);
    if (!check(value)) {
      const errors = (check.errors ?? []).map((e) => `${e.instancePath || '(the value)'} ${e.message ?? 'is invalid'}`);
      out.push({
        node: id,
        assertion: 'schema',
        message: `${where} does not match the schema: ${errors.slice(0, 5).join('; ')}${errors.length > 5 ? ` (and ${errors.length - 5} more)` : ''}.`,
        span: x.schema.span,
        actual: show(value),
      });
    }
  }
  for (const e of x.expressions) {
    const scope = expressionScope(result, value, status);
    let verdict: unknown;
    try {
      verdict = evaluateExpression(parseExpression(e.value), scope);
    } catch (err) {
      if (!(err instanceof ExpressionError)) throw err;
      out.push({ node: id, assertion: 'expression', message: `\`${e.value}\` failed: ${err.message}.`, span: e.span, actual: show(value) });
      continue;
    }
    if (!truthy(verdict))
      out.push({
        node: id,
        assertion: 'expression',
        message: `\`${e.value}\` is not true for ${where}.`,
        span: e.span,
        actual: show(value),
      });
  }
  return out;
}

/**
 * What an assertion's expression reads: every node id (its output), then the asserted value's own
 * keys when it is a dict (`len(data) == 3`), and `output` (the asserted value), `status` (the
 * node's) and `results` (all outputs). Later names win.
 */
export function expressionScope(result: RunResult, value: unknown, status: string): Record<string, unknown> {
  const scope: Record<string, unknown> = Object.create(null);
  for (const [k, v] of Object.entries(result.results)) scope[k] = v;
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) Object.assign(scope, value);
  scope.output = value;
  scope.status = status;
  scope.results = result.results;
  return scope;
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) return a.length === (b as unknown[]).length && a.every((x, i) => deepEqual(x, (b as unknown[])[i]));
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return (
    ka.length === kb.length && ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && deepEqual((a as never)[k], (b as never)[k]))
  );
}

/**
 * Whether `actual` contains `expected`: a dict has at least the expected keys, each containing the
 * expected value; a list has the same length, item by item; anything else is equal.
 */
export function isSubset(expected: unknown, actual: unknown): boolean {
  if (Array.isArray(expected))
    return Array.isArray(actual) && actual.length === expected.length && expected.every((x, i) => isSubset(x, actual[i]));
  if (expected !== null && typeof expected === 'object') {
    if (actual === null || typeof actual !== 'object' || Array.isArray(actual)) return false;
    return Object.entries(expected).every(
      ([k, v]) => Object.prototype.hasOwnProperty.call(actual, k) && isSubset(v, (actual as Record<string, unknown>)[k]),
    );
  }
  return deepEqual(expected, actual);
}

/** The part of `actual` that `expected` talks about, so a subset's diff shows no unrelated keys. */
function project(actual: unknown, expected: unknown): unknown {
  if (Array.isArray(expected) && Array.isArray(actual)) return actual.map((a, i) => (i < expected.length ? project(a, expected[i]) : a));
  if (expected === null || typeof expected !== 'object' || Array.isArray(expected)) return actual;
  if (actual === null || typeof actual !== 'object' || Array.isArray(actual)) return actual;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(expected))
    if (Object.prototype.hasOwnProperty.call(actual, k))
      out[k] = project((actual as Record<string, unknown>)[k], (expected as Record<string, unknown>)[k]);
  return out;
}
