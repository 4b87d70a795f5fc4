import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { readDocument, parseWorkflow } from '../../runtime/model/parse';
import { resolvePlain } from '../../runtime/model/pyyaml-schema';
import { toValue } from '../../runtime/model/values';
import { pyRepr } from '../../runtime/values/print';
import { PyFloat } from '../../runtime/values/py';
import type { Diagnostic } from '../../runtime/diagnostics';

// What `yaml.safe_load` (PyYAML, how Kailash reads a file) makes of each spelling: written by
// `scripts/oracle/oracle.py scalars` from test/compat/yaml-scalars.json, never by hand.
type Row = { type: string; repr: string; str?: string } | { error: string };
const dir = resolve(import.meta.dirname, '../compat');
const spellings = JSON.parse(readFileSync(resolve(dir, 'yaml-scalars.json'), 'utf8')) as string[];
const expected = JSON.parse(readFileSync(resolve(dir, 'yaml-scalars.expected.json'), 'utf8')) as Record<string, Row>;

function pyType(v: unknown): string {
  if (v === null) return 'NoneType';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'bigint') return 'int';
  if (v instanceof PyFloat) return 'float';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'float';
  return typeof v === 'string' ? 'str' : typeof v;
}

function read(spelling: string): { value: unknown; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const root = readDocument(`v: ${spelling}`, 'yaml', diagnostics);
  assert.ok(root?.kind === 'map', `v: ${spelling} reads as a mapping`);
  return { value: toValue(root.entries[0]!.value), diagnostics };
}

test('the table covers every spelling, and the oracle wrote a row for each', () => {
  assert.ok(spellings.length >= 150);
  assert.deepEqual(Object.keys(expected).sort(), [...new Set(spellings)].sort());
});

test('every plain scalar reads as PyYAML reads it (type and repr)', () => {
  const wrong: string[] = [];
  for (const s of spellings) {
    const row = expected[s]!;
    const { value, diagnostics } = read(s);
    const errors = diagnostics.filter((d) => d.severity === 'error').map((d) => d.message);
    if ('error' in row) {
      if (!errors.some((m) => m.includes(row.error)))
        wrong.push(`${s}: PyYAML refuses it (${row.error}); ours: ${errors.join('; ') || pyRepr(value)}`);
      continue;
    }
    if (errors.length) wrong.push(`${s}: ours refuses it (${errors.join('; ')})`);
    if (row.type === 'date' || row.type === 'datetime') {
      // No date in the value model: the text Python's str() gives, and a warning at the value.
      const warned = diagnostics.some((d) => d.code === 'kailash-compat' && d.message.includes(`datetime.${row.type}`));
      if (value !== row.str || !warned)
        wrong.push(`${s}: ${row.type} ${row.str}; ours ${pyRepr(value)}${warned ? '' : ' without a warning'}`);
      continue;
    }
    const ours = { type: pyType(value), repr: pyRepr(value) };
    if (ours.type !== row.type || ours.repr !== row.repr)
      wrong.push(`${s}: PyYAML ${row.type} ${row.repr}; ours ${ours.type} ${ours.repr}`);
  }
  assert.deepEqual(wrong, []);
});

test('resolvePlain (for readers of their own) agrees with the document reader', () => {
  for (const s of spellings) {
    const row = expected[s]!;
    const r = resolvePlain(s);
    if ('error' in row) {
      if (s !== '<<') assert.equal(r.error, row.error, s); // `<<` can only fail as a value, which resolvePlain is for
      continue;
    }
    const value = r.exact ?? r.value;
    if (row.type === 'date' || row.type === 'datetime') assert.deepEqual([r.value, r.timestamp], [row.str, row.type], s);
    else assert.deepEqual([pyType(value), pyRepr(value)], [row.type, row.repr], s);
  }
});

test('explicit tags construct as PyYAML does, and `<<` as a key still merges', () => {
  const d: Diagnostic[] = [];
  const root = readDocument('a: !!float 1e20\nb: !!int "12"\nc: !!str 1.5\nbase: &b {x: 1}\nm:\n  <<: *b\n  y: 2\n', 'yaml', d);
  assert.deepEqual(d, []);
  const v = toValue(root) as Record<string, unknown>;
  assert.equal(pyRepr(v.a), '1e+20');
  assert.equal(v.b, 12);
  assert.equal(v.c, '1.5');
  assert.deepEqual(v.m, { y: 2, x: 1 });
});

test('a workflow whose config says 1e20 hands the node the string, and validates', () => {
  const model = parseWorkflow('nodes:\n  - {id: a, type: PythonCodeNode, config: {code: "result = x", x: 1e20}}\n');
  assert.deepEqual(model.diagnostics, []);
  const config = model.nodes[0]!.config!;
  assert.equal(toValue(config.entries.find((e) => e.key === 'x')!.value), '1e20');
});
