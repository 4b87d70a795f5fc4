import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { generateWorkflow } from '../../bench/generate';
import { isFastYamlFallback, readFastYaml, refused } from '../../runtime/model/fast-yaml';
import { IncrementalParser } from '../../runtime/model/incremental';
import { fastYamlCounts, parseWorkflow, readDocument, setFastYaml } from '../../runtime/model/parse';
import type { Diagnostic } from '../../runtime/diagnostics';
import type { Value, WorkflowModel } from '../../runtime/model/types';
import { PyFloat } from '../../runtime/values/py';

/** Every model `parseWorkflow` gives with the `yaml` library alone (the reference). */
function slowParse(text: string): WorkflowModel {
  const was = setFastYaml(false);
  try {
    return parseWorkflow(text);
  } finally {
    setFastYaml(was);
  }
}

function slowDocument(text: string): { root: Value | undefined; diagnostics: Diagnostic[] } {
  const was = setFastYaml(false);
  try {
    const diagnostics: Diagnostic[] = [];
    return { root: readDocument(text, 'yaml', diagnostics), diagnostics };
  } finally {
    setFastYaml(was);
  }
}

/** Whether the fast reader takes `text` (whole). */
function readsFast(text: string): boolean {
  try {
    readFastYaml(text);
    return true;
  } catch (err) {
    if (!isFastYamlFallback(err)) throw err;
    return false;
  }
}

/** Both paths agree on `text`: the whole-file model, the bare document, and the incremental parser's model. */
function assertSame(text: string, label: string): boolean {
  const fast = readsFast(text);
  assert.deepStrictEqual(parseWorkflow(text), slowParse(text), `${label}: parseWorkflow differs\n${JSON.stringify(text)}`);
  const diagnostics: Diagnostic[] = [];
  const root = readDocument(text, 'yaml', diagnostics);
  assert.deepStrictEqual({ root, diagnostics }, slowDocument(text), `${label}: readDocument differs\n${JSON.stringify(text)}`);
  assert.deepStrictEqual(
    new IncrementalParser().parse(text),
    slowParse(text),
    `${label}: incremental parse differs\n${JSON.stringify(text)}`,
  );
  return fast;
}

function yamlFiles(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names.flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? yamlFiles(p) : /\.ya?ml$/.test(n) ? [p] : [];
  });
}

/** mulberry32: a small seeded generator, so a failure names the iteration that made it. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const KEYS = [
  'id',
  'type',
  'config',
  'on',
  'yes',
  'No',
  '08',
  '1',
  '1.0',
  '~',
  'null',
  'a b',
  '"quoted key"',
  "'single'",
  'x-y',
  '-k',
  'über',
  '🚀',
];
const SCALARS = [
  'plain',
  'GET',
  'https://example.com/a:b#frag',
  '12345678901234567890',
  '9007199254740993',
  '2.0',
  '1e+20',
  '1.0e+20',
  '1.0e+3',
  '1e20',
  '-0.0',
  '.inf',
  '-.inf',
  '.nan',
  '0x1F',
  '0b101',
  '017',
  '08',
  '1:30',
  '190:20:30.15',
  '1_000',
  '~',
  'null',
  'Null',
  'true',
  'on',
  'off',
  'yes',
  'y',
  'n',
  '"a\\nb\\t\\u00e9\\x41"',
  '"\\U0001F680"',
  "'it''s'",
  '"with # hash"',
  '""',
  "''",
  'a #b',
  'a#b',
  'emoji 🚀 text',
  'ünïcödé',
  '{a: 1, b: [x, "y"], c: {}}',
  '[1, 2.0, ~, on]',
  '[]',
  '{}',
  '{url: http://x.y/z}',
  // Not taken by the fast reader: each must fall back and still agree.
  '2001-12-14',
  '2001-12-14t21:59:43.10-05:00',
  '&anchor value',
  '*alias',
  '!!str 12',
  '!custom x',
  '|\n  block\n  text',
  '|-\n  code = 1\n\n    indented\n  last',
  '|\n\n  after blank\n     \n  x\n\n',
  '|  # header comment\n  x = 1',
  '|+\n  keep\n\n',
  '|2\n  explicit',
  '|\n    deep\n  shallow',
  '>-\n  folded\n  text',
  '"multi\n  line"',
  '[a,\n  b]',
  '{a: 1,}',
  '<<',
  '=',
  '0b12',
  'a: b',
  '- x',
  '"bad \\q escape"',
  '"a\\🚀b"',
  '@at',
  '`tick',
  '%pct',
  'tab\there',
];

/** A small random document: block maps and sequences with scalars, comments and blank lines. */
function randomDoc(next: () => number): string {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!;
  const lines: string[] = [];
  const trivia = (indent: number) => {
    const r = next();
    if (r < 0.12) lines.push('');
    else if (r < 0.22) lines.push(`${' '.repeat(Math.max(0, indent + pick([-4, -2, 0, 2, 4])))}# note ${pick(['x', '🚀', ''])}`);
    else if (r < 0.25) lines.push('   ');
  };
  // Multi-line scalars (block scalars) indented under the line they start on.
  const scalar = (pad: string) => pick(SCALARS).replace(/\n/g, `\n${pad}`);
  const block = (indent: number, depth: number, kind: 'map' | 'seq') => {
    const n = 1 + Math.floor(next() * 3);
    const used = new Set<string>();
    for (let i = 0; i < n; i++) {
      trivia(indent);
      const pad = ' '.repeat(indent);
      const nested = depth < 3 && next() < 0.35;
      if (kind === 'map') {
        let key = pick(KEYS);
        if (used.has(key) && next() < 0.8) continue;
        used.add(key);
        if (nested) {
          lines.push(`${pad}${key}:${pick(['', ' ', '  # c'])}`);
          trivia(indent + 2);
          const inner = next() < 0.5 ? 'map' : 'seq';
          block(inner === 'seq' && next() < 0.3 ? indent : indent + 2, depth + 1, inner);
        } else if (next() < 0.1) lines.push(`${pad}${key}:${pick(['', ' '])}`);
        else lines.push(`${pad}${key}:${pick([' ', '  '])}${scalar(pad)}${pick(['', '', ' # trailing', '  '])}`);
      } else if (nested) {
        const key = pick(KEYS);
        lines.push(`${pad}- ${key}: ${scalar(pad + '  ')}`);
        block(indent + 2, depth + 1, 'map');
      } else lines.push(`${pad}-${pick([' ', '  '])}${scalar(pad)}${pick(['', ' # c'])}`);
    }
    trivia(indent);
  };
  if (next() < 0.05) lines.push(pick(['---', '%YAML 1.1\n---', '# header']));
  block(next() < 0.15 ? 2 : 0, 0, next() < 0.8 ? 'map' : 'seq');
  const text = lines.join('\n') + pick(['', '\n', '\n\n']);
  return next() < 0.15 ? text.replace(/\n/g, '\r\n') : text;
}

describe('fast YAML reader', () => {
  it('reads every workflow file of the repository as the yaml path does (or falls back)', { timeout: 120_000 }, () => {
    const files = ['examples', 'test/fixtures', 'test/compat', 'test/guide'].flatMap(yamlFiles);
    assert.ok(files.length > 100, `only ${files.length} files found`);
    let fast = 0;
    for (const f of files) if (assertSame(readFileSync(f, 'utf8'), f)) fast++;
    for (const n of [1, 10, 101, 500]) if (assertSame(generateWorkflow(n), `generateWorkflow(${n})`)) fast++;
    console.log(`fast reader: ${fast} of ${files.length + 4} corpus files read fast, the rest fell back`);
    // Most of the corpus is plain block style: the reader must take it, not fall back on everything.
    assert.ok(fast > (files.length + 4) / 2, `only ${fast} read fast`);
  });

  it('refuses exactly the characters its expression names', () => {
    const REFUSED = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\t\u2028\u2029\ufeff]|\r(?!\n)/;
    // Every UTF-16 code unit alone, before a line feed, and at the end after text.
    for (let c = 0; c < 0x10000; c++) {
      const ch = String.fromCharCode(c);
      for (const text of [ch, `${ch}\n`, `ab ${ch}`, `${ch}\r\n`]) assert.equal(refused(text), REFUSED.test(text), JSON.stringify(text));
    }
    const next = rng(20261204);
    const pool = ['a', ' ', '\n', '\r', '\r\n', '\t', '\x7f', '\x9f', '\xa0', '\u2028', '\ufeff', 'é', '😀', '\x00'];
    for (let i = 0; i < 5000; i++) {
      let text = '';
      for (let k = Math.floor(next() * 12); k > 0; k--) text += pool[Math.floor(next() * pool.length)];
      assert.equal(refused(text), REFUSED.test(text), JSON.stringify(text));
    }
  });

  it('agrees with the yaml path on seeded random documents', { timeout: 120_000 }, () => {
    const next = rng(Number(process.env.FAST_YAML_SEED ?? 20261202));
    let fast = 0;
    const runs = Number(process.env.FAST_YAML_RUNS ?? 1500);
    for (let i = 0; i < runs; i++) if (assertSame(randomDoc(next), `random document ${i}`)) fast++;
    console.log(`fast reader: ${fast} of ${runs} random documents read fast`);
    assert.ok(fast > runs / 5 && fast < runs, `${fast} of ${runs} read fast: the generator must exercise both paths`);
  });

  const value = (text: string) => {
    const root = readFastYaml(text);
    assert.ok(root?.kind === 'map');
    const v = root.entries[0]!.value;
    assert.ok(v.kind === 'scalar');
    return v.exact === undefined
      ? { kind: v.kind, span: v.span, value: v.value }
      : { kind: v.kind, span: v.span, value: v.value, exact: v.exact };
  };

  it('keeps numbers exact as Python reads them', () => {
    assert.deepStrictEqual(value('n: 12345678901234567890'), {
      kind: 'scalar',
      span: [3, 23],
      value: 12345678901234567000,
      exact: 12345678901234567890n,
    });
    assert.deepStrictEqual(value('n: 2.0'), { kind: 'scalar', span: [3, 6], value: 2, exact: new PyFloat(2) });
    assert.deepStrictEqual(value('n: 1.0e+20'), { kind: 'scalar', span: [3, 10], value: 1e20, exact: new PyFloat(1e20) });
    // PyYAML's float needs a dot: these are strings there.
    assert.deepStrictEqual(value('n: 1e+20'), { kind: 'scalar', span: [3, 8], value: '1e+20' });
    assert.deepStrictEqual(value('n: 1e20'), { kind: 'scalar', span: [3, 7], value: '1e20' });
    assert.deepStrictEqual(value('n: 08'), { kind: 'scalar', span: [3, 5], value: '08' });
    assert.deepStrictEqual(value('n: 017'), { kind: 'scalar', span: [3, 6], value: 15 });
    assert.deepStrictEqual(value('n: 1:30'), { kind: 'scalar', span: [3, 7], value: 90 });
    assert.deepStrictEqual(value('n: ~'), { kind: 'scalar', span: [3, 4], value: null });
    for (const t of ['n: 12345678901234567890', 'n: 2.0', 'n: 1.0e+20', 'n: 1e+20', 'n: 1:30', 'n: -0.0']) assertSame(t, t);
  });

  it('reads PyYAML 1.1 booleans, keys included, and `key:` as null', () => {
    const root = readFastYaml('on: yes\nNo: off\nk:\n');
    assert.ok(root?.kind === 'map');
    assert.deepStrictEqual(
      root.entries.map((e) => [e.key, e.value.kind === 'scalar' ? e.value.value : undefined, e.value.span]),
      [
        ['true', true, [4, 7]],
        ['false', false, [12, 15]],
        ['k', null, [18, 18]],
      ],
    );
    assertSame('on: yes\nNo: off\nk:\n', 'booleans');
  });

  it('gives spans in UTF-16 code units past emoji, and reads CRLF files', () => {
    const text = 'a: "🚀 x" # 🚀\r\nb: über 🚀\r\nc:\r\n  - [🚀, ü]\r\n';
    const root = readFastYaml(text);
    assert.ok(root?.kind === 'map');
    const b = root.entries[1]!;
    assert.equal(text.slice(b.value.span[0], b.value.span[1]), 'über 🚀');
    assert.equal(readsFast(text), true);
    assertSame(text, 'emoji and CRLF');
  });

  it('reads quoted strings with escapes and comments after values', () => {
    const text = `s: "tab\\there \\"q\\" \\u00e9 \\x41 \\U0001F680" # c\nt: 'it''s' # c\nu: a#b # c\n`;
    const root = readFastYaml(text);
    assert.ok(root?.kind === 'map');
    assert.deepStrictEqual(
      root.entries.map((e) => (e.value.kind === 'scalar' ? e.value.value : undefined)),
      ['tab\there "q" é A 🚀', "it's", 'a#b'],
    );
    assertSame(text, 'escapes');
  });

  it('reads literal block scalars (PythonCodeNode code) as yaml does', () => {
    const text =
      'nodes:\n  - id: a\n    type: PythonCodeNode\n    config:\n      code: |\n        x = 1\n\n        if x:\n            result = {"x": x}\n\n  # next\n  - id: b\n    code: |-\n      y\n';
    const root = readFastYaml(text);
    assert.ok(root?.kind === 'map');
    assert.equal(readsFast(text), true);
    assertSame(text, 'block scalars');
  });

  it('reads a mapping of many keys', () => {
    const text = Array.from({ length: 40 }, (_, i) => `k${i}: ${i}`).join('\n');
    assert.equal(readsFast(text), true);
    assertSame(text, 'many keys');
  });

  it('reads an empty or comment-only text as no value, as yaml does', () => {
    assert.equal(readFastYaml(''), undefined);
    assert.equal(readFastYaml('# only a comment\n\n'), undefined);
    for (const t of ['', '# c', '\n\n', '  \n']) assertSame(t, JSON.stringify(t));
  });

  it('falls back for what yaml reports or reads apart', () => {
    for (const t of [
      'a: &x 1\nb: *x',
      'a: !!str 1',
      'a: >\n  x',
      'a: |+\n  x\n',
      'a: 2001-12-14',
      'a: 1\na: 2',
      '---\na: 1',
      'a:\n\tb: 1',
      '? a\n: b',
      '<<: {a: 1}',
      'a: "x\n  y"',
      'a: b: c',
      'name: "a\\🚀b"',
      // A duplicate past the first 16 keys (where the check switches to a set).
      `${Array.from({ length: 20 }, (_, i) => `k${i}: ${i}`).join('\n')}\nk3: again`,
    ]) {
      assert.equal(readsFast(t), false, JSON.stringify(t));
      assertSame(t, JSON.stringify(t));
    }
  });

  it('gives the same values with every span moved by `base` when told where the text sits', () => {
    // Plain copies (the values are class instances), with every offset moved by `by`.
    const moved = (v: Value | undefined, by: number): unknown =>
      v === undefined
        ? undefined
        : v.kind === 'map'
          ? {
              kind: v.kind,
              span: [v.start + by, v.end + by],
              entries: v.entries.map((e) => ({ key: e.key, keySpan: [e.keyStart + by, e.keyEnd + by], value: moved(e.value, by) })),
            }
          : v.kind === 'seq'
            ? { kind: v.kind, span: [v.start + by, v.end + by], items: v.items.map((i) => moved(i, by)) }
            : { kind: v.kind, span: [v.start + by, v.end + by], value: v.value, exact: v.exact };
    const next = rng(15);
    const texts = ['examples', 'test/fixtures'].flatMap(yamlFiles).map((f) => readFileSync(f, 'utf8'));
    for (let i = 0; i < 300; i++) texts.push(randomDoc(next));
    texts.push(generateWorkflow(20));
    let read = 0;
    for (const text of texts) {
      if (!readsFast(text)) continue;
      read++;
      for (const base of [1, 977])
        assert.deepStrictEqual(moved(readFastYaml(text, 0, base), 0), moved(readFastYaml(text), base), JSON.stringify(text));
    }
    assert.ok(read > 100, `only ${read} read fast`);
  });

  it('reads the pieces of a generated file without the yaml library', () => {
    const before = fastYamlCounts.fallback;
    const model = new IncrementalParser().parse(generateWorkflow(200));
    assert.equal(fastYamlCounts.fallback, before);
    assert.equal(model.nodes.length, 200);
  });
});

describe('the CLI stub and fast-yaml', () => {
  it('names an existing method in its TurboFan filter (a renamed reader would be compiled again, for nothing)', () => {
    const stub = readFileSync(join(__dirname, '../../scripts/bundles.mjs'), 'utf8');
    const filtered = /--turbo-filter=-(\w+)/.exec(stub)?.[1];
    assert.ok(filtered, 'the stub filters a function out of TurboFan');
    const source = readFileSync(join(__dirname, '../../runtime/model/fast-yaml.ts'), 'utf8');
    assert.match(source, new RegExp(`\\n  private ${filtered}\\(p: number, depth: number\\)`));
  });
});
