// Mutations of workflow text for the fuzz tests: what a half-typed, corrupted or hostile file
// looks like. Each mutation is a fast-check arbitrary, so a failure shrinks to a small case.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';

const ROOT = join(__dirname, '..', '..');

/** The examples and the valid fixtures: the seeds every mutation starts from. */
export function seeds(): { name: string; text: string }[] {
  const dirs = [join(ROOT, 'examples'), join(ROOT, 'test', 'fixtures', 'valid')];
  return dirs.flatMap((d) =>
    readdirSync(d)
      .filter((f) => /\.workflow\.(ya?ml|json)$/.test(f))
      .sort()
      .map((f) => ({ name: f, text: readFileSync(join(d, f), 'utf8') })),
  );
}

/** Keys that name members of Object.prototype (or replace it). */
export const HOSTILE_KEYS = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'valueOf',
  'hasOwnProperty',
  '__defineGetter__',
  'isPrototypeOf',
];

const HOSTILE_VALUES = [
  '{x: 1}',
  '1',
  'null',
  '[1, 2]',
  '"${__proto__}"',
  '1e308',
  '-1e400',
  '123456789012345678901234567890',
  '.nan',
  '-.inf',
  '0x7fffffffffffffff',
  '!!binary aGVsbG8=',
  '*nosuchanchor',
  '&a [*a]',
  '"\\u0000"',
  '"' + 'x'.repeat(5000) + '"',
];

/** `[[[…]]]` or `{a: {a: …}}` nested `depth` levels deep. */
export function nested(depth: number, map: boolean): string {
  return map ? '{a: '.repeat(depth) + '1' + '}'.repeat(depth) : '['.repeat(depth) + ']'.repeat(depth);
}

type Mutation = (text: string) => string;

const lineOps = (lines: string[], i: number, j: number) => ({ i: i % Math.max(1, lines.length), j: j % Math.max(1, lines.length) });

/** One mutation of a text. */
export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  // Byte flips: a character replaced by any other (control characters and surrogates included).
  fc.tuple(fc.nat(), fc.integer({ min: 0, max: 0xffff })).map(([at, code]): Mutation => (t) => {
    const i = at % Math.max(1, t.length);
    return t.slice(0, i) + String.fromCharCode(code) + t.slice(i + 1);
  }),
  // Truncation: what the editor sees mid-typing.
  fc.nat().map(
    (at): Mutation =>
      (t) =>
        t.slice(0, at % (t.length + 1)),
  ),
  fc.tuple(fc.nat(), fc.nat()).map(([a, b]): Mutation => (t) => {
    const lines = t.split('\n');
    const { i } = lineOps(lines, a, b);
    lines.splice(i, 1);
    return lines.join('\n');
  }),
  fc.tuple(fc.nat(), fc.nat()).map(([a, b]): Mutation => (t) => {
    const lines = t.split('\n');
    const { i } = lineOps(lines, a, b);
    lines.splice(i, 0, lines[i] ?? '');
    return lines.join('\n');
  }),
  // Swapped lines, which swaps keys, values and whole entries.
  fc.tuple(fc.nat(), fc.nat()).map(([a, b]): Mutation => (t) => {
    const lines = t.split('\n');
    const { i, j } = lineOps(lines, a, b);
    [lines[i], lines[j]] = [lines[j]!, lines[i]!];
    return lines.join('\n');
  }),
  // A hostile key at the indentation of some line (so it lands in that line's mapping).
  fc.tuple(fc.nat(), fc.constantFrom(...HOSTILE_KEYS), fc.constantFrom(...HOSTILE_VALUES)).map(([a, key, value]): Mutation => (t) => {
    const lines = t.split('\n');
    const i = a % Math.max(1, lines.length);
    const indent = /^\s*(- )?/.exec(lines[i] ?? '')![0].replace('- ', '  ');
    lines.splice(i + 1, 0, `${indent}${key}: ${value}`);
    return lines.join('\n');
  }),
  // A hostile key inside a flow mapping (`{…}`), as config is often written.
  fc.tuple(fc.nat(), fc.constantFrom(...HOSTILE_KEYS), fc.constantFrom(...HOSTILE_VALUES)).map(([a, key, value]): Mutation => (t) => {
    const opens = [...t.matchAll(/\{/g)].map((m) => m.index!);
    if (!opens.length) return t;
    const at = opens[a % opens.length]! + 1;
    return `${t.slice(0, at)}${key}: ${value}, ${t.slice(at)}`;
  }),
  // A hostile name where a node id, type, output or input goes.
  fc.tuple(fc.constantFrom('id', 'type', 'from_node', 'to_node', 'from_output', 'to_input'), fc.constantFrom(...HOSTILE_KEYS)).map(
    ([field, key]): Mutation =>
      (t) =>
        t.replace(new RegExp(`(${field}: )[A-Za-z_.]+`), `$1${key}`),
  ),
  // Numbers made huge, negative or not numbers at all.
  fc
    .tuple(fc.nat(), fc.constantFrom('1e308', '-1', '0', '99999999999999999999', '-0', '.nan', '.inf', '1.5', '"3"'))
    .map(([a, n]): Mutation => (t) => {
      const nums = [...t.matchAll(/\b\d+\b/g)];
      if (!nums.length) return t;
      const m = nums[a % nums.length]!;
      return t.slice(0, m.index) + n + t.slice(m.index! + m[0].length);
    }),
  // Deep nesting where a value goes.
  fc.tuple(fc.nat(), fc.integer({ min: 50, max: 1500 }), fc.boolean()).map(([a, depth, map]): Mutation => (t) => {
    const colons = [...t.matchAll(/: /g)].map((m) => m.index!);
    if (!colons.length) return t + `\nx: ${nested(depth, map)}`;
    const at = colons[a % colons.length]! + 2;
    const end = t.indexOf('\n', at);
    return `${t.slice(0, at)}${nested(depth, map)}${end === -1 ? '' : t.slice(end)}`;
  }),
  // Alias expansion (a small "billion laughs").
  fc.constant<Mutation>(
    (t) =>
      `${t}\nx0: &a0 [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]\n${Array.from({ length: 8 }, (_, i) => `x${i + 1}: &a${i + 1} [${Array(10).fill(`*a${i}`).join(', ')}]`).join('\n')}\n`,
  ),
);

/** A seed text with 1–4 mutations applied. */
export function mutated(texts: string[]): fc.Arbitrary<string> {
  return fc
    .tuple(fc.constantFrom(...texts), fc.array(mutation, { minLength: 1, maxLength: 4 }))
    .map(([t, ms]) => ms.reduce((acc, m) => m(acc), t));
}
