import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { generateWorkflow } from '../../bench/generate';
import type { WorkflowModel } from '../../runtime/model/types';

const ROOT = join(__dirname, '..', '..');
const DIRS = ['test/fixtures/valid', 'test/fixtures/diagnostics', 'test/fixtures/features', 'examples'].map((d) => join(ROOT, d));

/** Every workflow file the tests and examples hold, plus a generated one, as edit starting points. */
export const SEEDS: string[] = [
  ...DIRS.flatMap((d) => {
    try {
      return readdirSync(d)
        .filter((f) => /\.workflow\.(ya?ml|json)$/.test(f))
        .map((f) => readFileSync(join(d, f), 'utf8'));
    } catch {
      return [];
    }
  }),
  generateWorkflow(12),
];

/** Fragments that break YAML structure in interesting ways, and ones that keep it. */
const FRAGMENTS = [
  '\n',
  ':',
  '- ',
  '  ',
  '{',
  '}',
  '[',
  ']',
  '&a ',
  '*a',
  '<<: *a\n',
  '<<: {x: 1}\n',
  '${',
  '${env:',
  '"',
  "'",
  '#',
  '|\n',
  '|+\n',
  '>-\n',
  '\t',
  '---\n',
  '\0',
  '\uFFFD',
  '\r',
  '\r\n',
  'null',
  '~',
  '? ',
  '!!str ',
  'cycle: true',
  'from: ',
  'to_input: ',
  '\n  - id: extra\n    type: JSONReaderNode\n',
  '\n  - {from: a, to: b}\n',
  '\nconnections:\n',
  '\nnodes:\n',
  '\n- id: z\n',
  '\n    config: {url: x}\n',
  'type: HTTPRequestNode',
  '# kailash-disable-next-line\n',
];

export type Edit = { kind: 'insert' | 'delete' | 'replace' | 'line'; at: number; len: number; text: string };

export const editArb: fc.Arbitrary<Edit> = fc.record({
  kind: fc.constantFrom('insert', 'delete', 'replace', 'line'),
  at: fc.nat(),
  len: fc.nat({ max: 60 }),
  text: fc.oneof(
    fc.constantFrom(...FRAGMENTS),
    // What typing produces: names, separators, indentation.
    fc.string({ unit: fc.constantFrom(...'abz_0:- ,{}[]\n'), maxLength: 6 }),
    fc.string({ maxLength: 12 }),
    fc.uint8Array({ maxLength: 16 }).map((b) => String.fromCharCode(...b)),
  ),
});

/** Edits that mostly keep the file readable, so the incremental path (not its fallback) is exercised. */
export const tameEditArb: fc.Arbitrary<Edit> = fc.record({
  kind: fc.constantFrom('insert', 'insert', 'delete', 'line'),
  at: fc.nat(),
  len: fc.nat({ max: 3 }),
  text: fc.oneof(
    fc.constantFrom(
      'a',
      '_',
      '1',
      ' ',
      '\n',
      '\n# c\n',
      '\n\n',
      '  # trailing\n',
      '\n    # deeper\n',
      '\n  - id: n9\n    type: MergeNode\n',
      ' # c',
      '|\n',
    ),
    fc.string({ unit: fc.constantFrom(...'abz_0'), maxLength: 4 }),
  ),
});

/** Applies an edit; `line` duplicates or deletes the line at `at` (whole-line edits move pieces). */
export function applyEdit(text: string, e: Edit): string {
  const at = text.length === 0 ? 0 : e.at % (text.length + 1);
  switch (e.kind) {
    case 'insert':
      return text.slice(0, at) + e.text + text.slice(at);
    case 'delete':
      return text.slice(0, at) + text.slice(at + e.len);
    case 'replace':
      return text.slice(0, at) + e.text + text.slice(at + e.len);
    case 'line': {
      const start = at <= 0 ? 0 : text.lastIndexOf('\n', at - 1) + 1;
      const nl = text.indexOf('\n', at);
      const end = nl === -1 ? text.length : nl + 1;
      return e.len % 2 ? text.slice(0, start) + text.slice(end) : text.slice(0, end) + text.slice(start, end) + text.slice(end);
    }
  }
}

/** A model as comparable plain data (its map of ids by key order). */
export function modelShape(m: WorkflowModel): string {
  // `tuple` is a value's span once read (runtime/model/spanned.ts): its fields say the same.
  // A value's `kind` is on its class's prototype, which JSON leaves out: it is written first.
  return JSON.stringify(m, (k, v) =>
    k === 'tuple'
      ? undefined
      : v instanceof Map
        ? [...v.keys()]
        : v && typeof v === 'object' && 'kind' in v && !Object.hasOwn(v, 'kind')
          ? { kind: v.kind, ...v }
          : v,
  );
}
