import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { DIAGNOSTIC_CODES } from '../../runtime/diagnostics';
import { validateText } from '../../runtime/validate';

const DIRS = [
  join(__dirname, '..', 'fixtures', 'valid'),
  join(__dirname, '..', 'fixtures', 'diagnostics'),
  join(__dirname, '..', '..', 'examples'),
];
const SEEDS = DIRS.flatMap((d) =>
  readdirSync(d)
    .filter((f) => /\.workflow\./.test(f))
    .map((f) => readFileSync(join(d, f), 'utf8')),
);
const SEVERITIES = ['error', 'warning', 'info', 'hint'];

/** YAML-ish fragments that tend to break structure in interesting ways. */
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
  '${',
  '${env:',
  '}',
  '"',
  "'",
  '#',
  '|\n',
  '>-\n',
  '\t',
  '---\n',
  '\0',
  '\uFFFD',
  'null',
  '~',
  '? ',
  '!!binary ',
  'cycle: true',
  'from: ',
  'to_input: ',
];

type Edit = { kind: 'insert' | 'delete' | 'replace'; at: number; len: number; text: string };

const edit: fc.Arbitrary<Edit> = fc.record({
  kind: fc.constantFrom('insert', 'delete', 'replace'),
  at: fc.nat(),
  len: fc.nat({ max: 40 }),
  text: fc.oneof(
    fc.constantFrom(...FRAGMENTS),
    fc.string({ maxLength: 12 }),
    fc.uint8Array({ maxLength: 16 }).map((b) => String.fromCharCode(...b)),
  ),
});

function apply(text: string, e: Edit): string {
  const at = text.length === 0 ? 0 : e.at % (text.length + 1);
  switch (e.kind) {
    case 'insert':
      return text.slice(0, at) + e.text + text.slice(at);
    case 'delete':
      return text.slice(0, at) + text.slice(at + e.len);
    case 'replace':
      return text.slice(0, at) + e.text + text.slice(at + e.len);
  }
}

function checkInvariants(text: string): void {
  const { diagnostics } = validateText(text);
  for (const d of diagnostics) {
    assert.ok(DIAGNOSTIC_CODES.includes(d.code), `code ${d.code}`);
    assert.ok(SEVERITIES.includes(d.severity), `severity ${d.severity}`);
    assert.ok(d.message.length > 0);
    assert.ok(Number.isInteger(d.span[0]) && Number.isInteger(d.span[1]), 'integer offsets');
    assert.ok(0 <= d.span[0] && d.span[0] <= d.span[1] && d.span[1] <= text.length, `span ${d.span} in 0..${text.length}: ${d.message}`);
  }
}

describe('validator under random mutation (property)', () => {
  it('never throws and keeps every diagnostic inside the text', { timeout: 120_000 }, () => {
    fc.assert(
      fc.property(fc.constantFrom(...SEEDS), fc.array(edit, { minLength: 1, maxLength: 8 }), (seed, edits) => {
        checkInvariants(edits.reduce(apply, seed));
      }),
      { numRuns: 600 },
    );
  });

  it('survives arbitrary text and bytes', { timeout: 60_000 }, () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), (s) => checkInvariants(s)),
      { numRuns: 300 },
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), (b) => checkInvariants(Buffer.from(b).toString('latin1'))),
      { numRuns: 200 },
    );
  });

  it('bounds alias bombs, deep nesting, huge and binary files', { timeout: 60_000 }, () => {
    const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 12; i++)
      bomb.push(
        `${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9)
          .fill(`*${String.fromCharCode(96 + i)}`)
          .join(',')}]`,
      );
    const bombText = `${bomb.join('\n')}\nnodes:\n  - id: n\n    type: JSONReaderNode\n    config: {file_path: *l}\n`;
    const codes = validateText(bombText).diagnostics.map((d) => d.code);
    assert.ok(codes.includes('yaml-syntax'), 'alias bomb reported');
    checkInvariants(bombText);

    const deep = `nodes: ${'['.repeat(5000)}${']'.repeat(5000)}\n`;
    checkInvariants(deep);
    const deepBlock = 'nodes:\n' + Array.from({ length: 300 }, (_, i) => `${'  '.repeat(i + 1)}k${i}:`).join('\n') + ' x\n';
    assert.ok(validateText(deepBlock).diagnostics.some((d) => d.code === 'schema'));

    const huge = 'nodes: []\n#' + 'x'.repeat(9 * 1024 * 1024);
    assert.match(validateText(huge).diagnostics[0]!.message, /MB/);
    assert.match(validateText('nodes:\0\0\0').diagnostics[0]!.message, /binary/);
  });
});
