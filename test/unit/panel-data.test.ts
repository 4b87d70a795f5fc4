import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { diffRuns, diffValues, pathText } from '../../client/common/diff';
import type { RunView } from '../../client/common/panel';
import { inferType, schemaLines } from '../../client/common/schema';
import { recordTable, tableOf } from '../../client/common/table';
import { numberText, valueJson } from '../../client/common/value-text';
import { toTagged } from '../../runtime/values/wire';
import { PyFloat, tuple } from '../../runtime/values/py';
import { describeType } from '../../runtime/catalog/typing';

describe('structural diff', () => {
  it('reports changed, added and removed keys by path, lists by index', () => {
    const { changes, more } = diffValues(
      { data: [{ id: 1, name: 'Ada' }, { id: 2 }], count: 2, gone: true },
      { data: [{ id: 1, name: 'Grace' }], count: 3, extra: null },
    );
    assert.equal(more, false);
    assert.deepEqual(
      changes.map((c) => [pathText(c.path), c.kind]),
      [
        ['data[0].name', 'changed'],
        ['data[1]', 'removed'],
        ['count', 'changed'],
        ['gone', 'removed'],
        ['extra', 'added'],
      ],
    );
    assert.deepEqual(changes[0], { path: ['data', '0', 'name'], kind: 'changed', before: 'Ada', after: 'Grace' });
  });

  it('equal values have no changes; a change of kind is one change; the list stops at the limit', () => {
    assert.deepEqual(diffValues({ a: [1, { b: null }] }, { a: [1, { b: null }] }).changes, []);
    assert.deepEqual(diffValues({ a: [1] }, { a: { 0: 1 } }).changes, [{ path: ['a'], kind: 'changed', before: [1], after: { 0: 1 } }]);
    const big = diffValues(
      Array.from({ length: 10 }, (_, i) => i),
      Array.from({ length: 10 }, (_, i) => -i - 1),
      4,
    );
    assert.equal(big.changes.length, 4);
    assert.equal(big.more, true);
    assert.equal(pathText([]), '(whole value)');
    assert.equal(pathText(['odd key', '0']), '["odd key"][0]');
  });

  it('compares runs node by node: status, output, ran in one only', () => {
    const run = (nodes: RunView['nodes']): RunView => ({
      runId: 'r',
      file: 'f',
      label: 'l',
      startedAt: 0,
      status: 'succeeded',
      nodes,
      breakers: {},
    });
    const before = run({
      a: { status: 'succeeded', output: { n: 1 } },
      b: { status: 'succeeded', output: { n: 1 } },
      c: { status: 'failed' },
    });
    const after = run({
      a: { status: 'succeeded', output: { n: 1 } },
      b: { status: 'succeeded', output: { n: 2 } },
      c: { status: 'succeeded' },
      d: { status: 'succeeded' },
    });
    const d = diffRuns(before, after, ['a', 'b', 'c', 'd', 'e']);
    assert.deepEqual(
      d.map((x) => [x.id, x.kind]),
      [
        ['a', 'same'],
        ['b', 'changed'],
        ['c', 'changed'],
        ['d', 'added'],
        ['e', 'same'],
      ],
    );
    assert.deepEqual(
      d[1]!.output.map((c) => pathText(c.path)),
      ['n'],
    );
    assert.equal(d[2]!.statusBefore, 'failed');
  });
});

describe('type inference for the schema view', () => {
  it('names types as the checker does', () => {
    assert.equal(describeType(inferType([{ id: 1 }, { id: 2, x: 'a' }])), 'list[dict]');
    assert.equal(describeType(inferType([1, 2.5])), 'list[float]');
    assert.equal(describeType(inferType([1, 'a'])), 'list');
    assert.equal(describeType(inferType('s')), 'str');
    assert.equal(inferType(null).type, 'Any');
    // The panel's tagged values (runtime/values/wire.ts) are numbers and lists, not one-key dicts.
    const tagged = inferType({ n: { $int: '9007199254740993' }, f: { $float: '2.0' }, t: { $tuple: [1, 2] }, d: { $dict: [[1, 'a']] } });
    assert.deepEqual(Object.fromEntries(Object.entries(tagged.fields ?? {}).map(([k, t]) => [k, describeType(t)])), {
      n: 'int',
      f: 'float',
      t: 'list[int]',
      d: 'dict',
    });
    assert.equal(describeType(inferType([{ $float: '1.0' }, 2.5])), 'list[float]');
    assert.equal(describeType(inferType([1, 2, '… 30 more items'])), 'list[int]', 'preview marks are not data');
  });

  it('lists fields, nested and merged across records', () => {
    const lines = schemaLines(
      inferType({
        data: [
          { id: 1, tags: ['a'] },
          { id: 2, name: 'x' },
        ],
        count: 2,
      }),
    );
    assert.deepEqual(
      lines.map((l) => `${'  '.repeat(l.depth)}${l.name}: ${l.type}`),
      ['data: list[dict]', '  []: dict', '    id: int', '    tags: list[str]', '    name: str', 'count: int'],
    );
  });
});

describe('table of records', () => {
  it('takes columns from the keys in first-seen order and shows every cell as one line', () => {
    const t = recordTable([{ id: 1, name: 'Ada' }, { id: 2, tags: ['x'], name: null }, '… 5 more items'])!;
    assert.deepEqual(t.columns, ['id', 'name', 'tags']);
    assert.deepEqual(t.rows, [
      ['1', 'Ada', ''],
      ['2', 'null', '["x"]'],
    ]);
    assert.equal(t.moreRows, 5);
  });

  it('finds the list of records in an output; scalars and mixed lists are no table', () => {
    assert.equal(tableOf({ count: 1, rows: [{ a: 1 }] })!.key, 'rows');
    assert.equal(tableOf({ data: [1, 2] }), undefined);
    assert.equal(tableOf([{ a: 1 }, 2]), undefined);
    assert.equal(tableOf('x'), undefined);
    assert.equal(tableOf([]), undefined);
  });
});

// Expected texts are Python's own: repr(x) / json.dumps(x) printed by CPython 3.11.
describe('values as Python prints them', () => {
  it('a fractional float is its repr, a whole JSON number an int with every digit', () => {
    const cases: [number, string][] = [
      [0.1 + 0.2, '0.30000000000000004'],
      [1e-7, '1e-07'],
      [1e-5, '1e-05'],
      [0.0001, '0.0001'],
      [1e15 + 0.5, '1000000000000000.5'],
      [1.5e-300, '1.5e-300'],
      [-2.5e-10, '-2.5e-10'],
      [123456.789, '123456.789'],
      [1 / 3, '0.3333333333333333'],
      // A whole JS number is a Python int (int(1e21), 2**60), never JavaScript's `1e+21`.
      [1e21, '1000000000000000000000'],
      [2 ** 60, '1152921504606846976'],
    ];
    for (const [n, text] of cases) assert.equal(numberText(n), text, String(n));
  });

  it('a value in the tagged form is written as json.dumps writes it, and is left unchanged', () => {
    const value = toTagged({
      a: [1e-7, new PyFloat(2), 12345678901234567890n, new PyFloat(1e21), 0.1 + 0.2],
      t: tuple([1, new PyFloat(2)]),
      n: null,
      s: 'ü',
    });
    const before = JSON.stringify(value);
    assert.equal(
      valueJson(value),
      '{"a": [1e-07, 2.0, 12345678901234567890, 1e+21, 0.30000000000000004], "t": [1, 2.0], "n": null, "s": "ü"}',
    );
    assert.equal(JSON.stringify(value), before);
    assert.equal(
      valueJson(toTagged({ a: [1e-7, new PyFloat(2)], b: { c: new PyFloat(1e21) } }), 2),
      '{\n  "a": [\n    1e-07,\n    2.0\n  ],\n  "b": {\n    "c": 1e+21\n  }\n}',
    );
    assert.equal(valueJson(toTagged({ r: new PyFloat(2), x: NaN })), '{"r": 2.0, "x": NaN}');
  });

  it('table cells and diff texts use the same printer', () => {
    const t = recordTable(toTagged([{ r: new PyFloat(2), f: 1e-7, l: [new PyFloat(1e21)] }]) as unknown)!;
    assert.deepEqual(t.rows, [['2.0', '1e-07', '[1e+21]']]);
  });
});
