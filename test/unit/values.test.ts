import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { evaluateExpression, parseExpression } from '../../runtime/model/expression';
import { parseWorkflow } from '../../runtime/model/parse';
import { toValue } from '../../runtime/model/values';
import { readYamlValue } from '../../runtime/model/yaml-value';
import { coerce } from '../../runtime/engine/values';
import { pyCompare, pyEquals, pyIn } from '../../runtime/values/compare';
import { parseJson } from '../../runtime/values/json';
import { floatRepr, jsonText, pyRepr, pyStr } from '../../runtime/values/print';
import { PyFloat, PyTuple, isDict, keyOf, pyType, toJs, tuple, withKeys } from '../../runtime/values/py';
import { fromTagged, toTagged } from '../../runtime/values/wire';
import { runYaml } from '../support/run';

const intKeys = () =>
  withKeys(
    { '1': 'one', '2.5': 'x', true: 't', null: 'n' },
    new Map<string, never>([
      ['1', 1 as never],
      ['2.5', 2.5 as never],
      ['true', true as never],
      ['null', null as never],
    ]),
  );

describe('the value model: repr and str of each kind, as Python prints them', () => {
  it('floats: shortest digits, exponent from 1e16 and below 1e-4, whole ones with .0', () => {
    const cases: [number, string][] = [
      [2, '2.0'],
      [-0, '-0.0'],
      [0.1 + 0.2, '0.30000000000000004'],
      [1e16, '1e+16'],
      [1e20, '1e+20'],
      [1.5e300, '1.5e+300'],
      [123456.789, '123456.789'],
      [1e-7, '1e-07'],
      [0.0001, '0.0001'],
      [1e-5, '1e-05'],
      [9999999999999998, '9999999999999998.0'],
      [NaN, 'nan'],
      [Infinity, 'inf'],
      [-Infinity, '-inf'],
    ];
    for (const [n, text] of cases) assert.equal(floatRepr(n), text, String(n));
  });

  it('each kind: ints exact, PyFloat as a float, tuples, dicts with non-string keys, strings quoted as Python does', () => {
    assert.equal(pyRepr(9007199254740993n), '9007199254740993');
    assert.equal(pyRepr(new PyFloat(2)), '2.0');
    assert.equal(pyRepr(2), '2');
    assert.equal(pyRepr(0.5), '0.5');
    assert.equal(pyRepr(NaN), 'nan');
    assert.equal(pyRepr(tuple([1])), '(1,)');
    assert.equal(pyRepr(tuple([])), '()');
    assert.equal(pyRepr(tuple([1, 'a'])), "(1, 'a')");
    assert.equal(pyRepr([null, true, false]), '[None, True, False]');
    assert.equal(pyRepr(intKeys()), "{1: 'one', 2.5: 'x', True: 't', None: 'n'}");
    assert.equal(pyRepr({ a: [1, new PyFloat(1e20)] }), "{'a': [1, 1e+20]}");
    assert.equal(pyRepr("it's"), `"it's"`);
    assert.equal(pyRepr('a\nb\\'), "'a\\nb\\\\'");
    assert.equal(pyStr(new PyFloat(5)), '5.0');
    assert.equal(pyStr('text'), 'text');
  });

  it('type names, dicts and numbers: a PyFloat is a float and never a dict', () => {
    assert.deepEqual([1, 1.5, 2n ** 64n, new PyFloat(2), NaN, 's', true, null, [1], tuple([1]), {}].map(pyType), [
      'int',
      'float',
      'int',
      'float',
      'float',
      'str',
      'bool',
      'NoneType',
      'list',
      'tuple',
      'dict',
    ]);
    assert.equal(isDict(new PyFloat(1)), false);
    assert.equal(isDict(tuple([])), false);
    assert.equal(isDict(Object.create(null)), true);
    assert.equal(new PyFloat(2).valueOf() + 1, 3);
    assert.equal(JSON.stringify({ x: new PyFloat(2) }), '{"x":2}');
    assert.deepEqual(toJs({ a: [new PyFloat(2), tuple([1])] }), { a: [2, [1]] });
    assert.ok(tuple([1, 2]).map((x) => x) instanceof Array && !(tuple([1, 2]).map((x) => x) instanceof PyTuple));
  });
});

describe('the value model at its boundaries: every crossing keeps the value', () => {
  const samples: unknown[] = [
    9007199254740993n,
    -(2n ** 70n),
    new PyFloat(2),
    new PyFloat(-0),
    new PyFloat(1e20),
    NaN,
    Infinity,
    -Infinity,
    0.5,
    tuple([1, tuple(['a', null])]),
    { pairs: [tuple([1, 'a'])], nested: { deep: [new PyFloat(3)] } },
    { $int: 'not a tag' },
    intKeys(),
    'Ünïcødé',
  ];

  it('the tagged wire form (Python worker, run host, panel) round-trips each kind, and leaves plain values uncopied', () => {
    for (const v of samples) {
      const back = fromTagged(JSON.parse(JSON.stringify(toTagged(v))));
      assert.equal(pyRepr(back), pyRepr(v), pyRepr(v));
      assert.equal(pyType(back), pyType(v));
    }
    const plain = { a: [1, 'x', { b: null }] };
    assert.equal(toTagged(plain), plain);
    assert.deepEqual(toTagged(new PyFloat(2)), { $float: '2.0' });
    assert.deepEqual(toTagged({ $int: 'x' }), { $dict: [['$int', 'x']] });
    const keyed = fromTagged(toTagged(intKeys())) as Record<string, unknown>;
    assert.equal(keyOf(keyed, '1'), 1);
    assert.equal(keyed['1'], 'one');
  });

  it('JSON text: parsed as json.loads reads it, written as json.dumps writes it', () => {
    const text = '{"big": 9007199254740993, "whole": 2.0, "exp": 1e20, "small": 0.1, "neg": -0.0, "n": NaN, "i": -Infinity, "s": "2.0"}';
    const v = parseJson(text) as Record<string, unknown>;
    assert.equal(v.big, 9007199254740993n);
    assert.deepEqual(v.whole, new PyFloat(2));
    assert.deepEqual(v.exp, new PyFloat(1e20));
    assert.equal(v.small, 0.1);
    assert.ok(Object.is((v.neg as PyFloat).value, -0));
    assert.ok(Number.isNaN(v.n));
    assert.equal(v.s, '2.0');
    assert.equal(
      jsonText(v),
      '{"big": 9007199254740993, "whole": 2.0, "exp": 1e+20, "small": 0.1, "neg": -0.0, "n": NaN, "i": -Infinity, "s": "2.0"}',
    );
    assert.equal(jsonText(v.n, { nonFinite: 'tagged' }), '{"$float": "nan"}');
    assert.equal(
      jsonText({ a: [], b: {}, c: [tuple([1, 2])] }, { indent: 2 }),
      '{\n  "a": [],\n  "b": {},\n  "c": [\n    [\n      1,\n      2\n    ]\n  ]\n}',
    );
    assert.equal(jsonText(intKeys(), { separators: 'compact' }), '{"1":"one","2.5":"x","true":"t","null":"n"}');
    // Text without lossy numbers takes JSON.parse's path, with the same answer.
    assert.deepEqual(parseJson('{"a": [1, 2.5, "x"]}'), { a: [1, 2.5, 'x'] });
    assert.throws(() => parseJson('{"a": 2.0,}'), SyntaxError);
    assert.deepEqual(Object.keys(parseJson('{"__proto__": 1.0}') as object), ['__proto__']);
  });

  it('YAML: the workflow reader and --params know 1.0 from 1 and keep big ints exact', () => {
    const m = parseWorkflow(
      'nodes:\n  - {id: a, type: PythonCodeNode, config: {code: x, v: [1, 2.0, 1.5, 12345678901234567890, 0x10, -0.0, .inf]}}\n',
    );
    const v = (toValue(m.nodes[0]!.config) as { v: unknown[] }).v;
    assert.equal(pyRepr(v), '[1, 2.0, 1.5, 12345678901234567890, 16, -0.0, inf]');
    // Language features keep reading plain numbers.
    const seq = m.nodes[0]!.config!.entries[1]!.value;
    assert.equal(seq.kind === 'seq' && seq.items[1]!.kind === 'scalar' ? seq.items[1]!.value : undefined, 2);
    assert.equal(pyRepr(readYamlValue('{a: {n: 9007199254740993, f: 5.0}}')), "{'a': {'n': 9007199254740993, 'f': 5.0}}");
    // --params reads YAML as PyYAML would (as the workflow file is read), not as YAML 1.2.
    assert.equal(
      pyRepr(readYamlValue('a: 08\nb: 1e20\nc: yes\nd: 1:30\ne: 2024-01-02\nf: ~\n')),
      "{'a': '08', 'b': '1e20', 'c': True, 'd': 90, 'e': '2024-01-02', 'f': None}",
    );
    assert.equal(
      pyRepr(readYamlValue('base: &b {x: 1, y: 2}\nrun:\n  <<: *b\n  y: 3\n')),
      "{'base': {'x': 1, 'y': 2}, 'run': {'x': 1, 'y': 3}}",
    );
    assert.equal(pyRepr(readYamlValue('b: &b {x: 1}\nr: {y: 3, <<: *b, x: 2, x: 4}\n')), "{'b': {'x': 1}, 'r': {'x': 4, 'y': 3}}");
    assert.throws(() => readYamlValue('a: [1, 2\n'), SyntaxError);
    const j = parseWorkflow('{"nodes": [{"id": "a", "type": "PythonCodeNode", "config": {"code": "x", "f": 2.0}}]}');
    assert.deepEqual((toValue(j.nodes[0]!.config) as { f: unknown }).f, new PyFloat(2));
  });

  it("operators: Python's == and ordering across int, float, big int and bool; a tuple is not a list", () => {
    assert.ok(pyEquals(1, new PyFloat(1)));
    assert.ok(pyEquals(true, 1));
    assert.ok(pyEquals(9007199254740993n, 9007199254740993n));
    assert.ok(!pyEquals(9007199254740993n, 9007199254740992));
    assert.ok(!pyEquals(tuple([1]), [1]));
    assert.ok(pyEquals({ a: [new PyFloat(2)] }, { a: [2] }));
    assert.ok(!pyEquals(NaN, NaN));
    assert.equal(pyCompare(9007199254740993n, 9007199254740992), 1);
    assert.ok(pyCompare(new PyFloat(2), 2.5)! < 0);
    assert.equal(pyIn(1, intKeys()), true);
    assert.equal(pyIn(2, [new PyFloat(2)]), true);
  });

  it('the convergence-check language compares and computes with every kind of number', () => {
    const scope = { big: 9007199254740993n, f: new PyFloat(2), t: tuple([1, 2]) };
    const ev = (src: string) => evaluateExpression(parseExpression(src), scope);
    assert.equal(ev('big == 9007199254740993'), true);
    assert.equal(ev('big > 9007199254740992'), true);
    assert.equal(ev('f == 2 and f < 2.5'), true);
    assert.equal(ev('abs(f - 3) == 1'), true);
    assert.equal(ev('len(t) == 2'), true);
  });

  it('declared settings get JS numbers; data keeps its Python type', () => {
    assert.equal(coerce('timeout', new PyFloat(5), { type: 'float' } as never), 5);
    assert.equal(coerce('n', new PyFloat(5), { type: 'int' } as never), 5);
    assert.equal(coerce('n', '12345678901234567890', { type: 'int' } as never), 12345678901234567890n);
    assert.equal(coerce('s', new PyFloat(5), { type: 'str' } as never), '5.0');
    assert.deepEqual(coerce('l', tuple([1]), { type: 'list' } as never), [1]);
    assert.throws(() => coerce('d', new PyFloat(1), { type: 'dict' } as never), /must be of type dict, got float/);
  });

  it('templates use str(): ${x} of 2.0 is 2.0, of a big int every digit', async () => {
    const r = await runYaml(`nodes:
  - {id: a, type: PythonCodeNode, config: {code: "result = {'f': 2.0, 'n': 9007199254740993, 't': (1, 2)}"}}
  - {id: b, type: PythonCodeNode, config: {code: "result = text", text: "\${f} \${n} \${t}"}}
connections:
  - {from: a, from_output: result.f, to: b, to_input: f}
  - {from: a, from_output: result.n, to: b, to_input: n}
  - {from: a, from_output: result.t, to: b, to_input: t}
`);
    assert.deepEqual(r.results.b, { result: '2.0 9007199254740993 (1, 2)' });
  });

  it('JavaScriptCodeNode: a big int is a BigInt, a float a number, a tuple an array, a key its JSON text; BigInt and NaN come back as Python values', async () => {
    const r = await runYaml(`nodes:
  - {id: p, type: PythonCodeNode, config: {code: "result = {'big': 9007199254740993, 'f': 2.0, 't': (1, 2), 'k': {1: 'a'}, 'n': float('nan')}"}}
  - {id: j, type: JavaScriptCodeNode, config: {code: "result = {types: [typeof d.big, typeof d.f, Array.isArray(d.t), Object.keys(d.k)[0], Number.isNaN(d.n)], next: d.big + 1n, inf: -Infinity}"}}
  - {id: q, type: PythonCodeNode, config: {code: "result = [type(x['next']).__name__, x['next'], str(x['inf'])]"}}
connections:
  - {from_node: p, from_output: result, to_node: j, to_input: d}
  - {from_node: j, from_output: result, to_node: q, to_input: x}
`);
    assert.deepEqual((r.results.j!.result as { types: unknown }).types, ['bigint', 'number', true, '1', true]);
    assert.deepEqual(r.results.q, { result: ['int', 9007199254740994n, '-inf'] });
  });
});
