import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { Diagnostic as LspDiagnostic, Position } from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { DocumentState } from '../../server/documents';
import { LineIndex } from '../../runtime/model/lines';
import { toLspDiagnostic } from '../../server/features/diagnostics';
import { applyEdit, editArb, SEEDS, type Edit } from '../support/edits';

/** Lines split as LSP counts them, independently of LineIndex. */
function linesOf(text: string): string[] {
  return text.split(/\r\n|\r|\n/);
}

const isHigh = (c: number) => c >= 0xd800 && c <= 0xdbff;
const isLow = (c: number) => c >= 0xdc00 && c <= 0xdfff;
const LONE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function checkPosition(lines: string[], p: Position, what: string): void {
  const line = lines[p.line];
  assert.ok(line !== undefined, `${what}: line ${p.line} of ${lines.length}`);
  // Past the end of the line would point into (or between the halves of) its line break.
  assert.ok(p.character >= 0 && p.character <= line.length, `${what}: character ${p.character} on a line of ${line.length}`);
  assert.ok(
    !(isHigh(line.charCodeAt(p.character - 1)) && isLow(line.charCodeAt(p.character))),
    `${what}: splits a surrogate pair at ${p.line}:${p.character}`,
  );
}

function check(text: string, diagnostics: LspDiagnostic[]): void {
  const lines = linesOf(text);
  for (const d of diagnostics) {
    checkPosition(lines, d.range.start, `start of ${d.code}`);
    checkPosition(lines, d.range.end, `end of ${d.code}`);
    assert.ok(
      d.range.start.line < d.range.end.line ||
        (d.range.start.line === d.range.end.line && d.range.start.character <= d.range.end.character),
      'start before end',
    );
    assert.ok(!LONE.test(d.message), `lone surrogate in ${JSON.stringify(d.message)}`);
    // What a strict client does with the notification.
    assert.doesNotThrow(() => new TextDecoder('utf-8', { fatal: true }).decode(new TextEncoder().encode(JSON.stringify(d))));
  }
}

/** Text where characters are easy to split: emoji (two UTF-16 units), escapes before them, CRLF. */
const NASTY = [
  '"a\\🚀b"',
  '🚀',
  '\\🚀',
  "'🚀",
  '"\\',
  '\r\n',
  '\r',
  '\n',
  ' 𝄞',
  'é',
  '\t',
  'name: "a\\🚀b"\r\n',
  '- id: 🚀\r\n    type: 🚀Node\r\n',
  '{🚀: [',
  '"\\x',
  '\\U0001F680',
];
const nastyEditArb: fc.Arbitrary<Edit> = fc.record({
  kind: fc.constantFrom('insert', 'insert', 'replace', 'delete'),
  at: fc.nat(),
  len: fc.nat({ max: 4 }),
  text: fc.oneof(fc.constantFrom(...NASTY), fc.string({ unit: fc.constantFrom(...NASTY), maxLength: 4 })),
});

describe('published diagnostics (property)', () => {
  it('never split a surrogate pair or a line break, never point past a line, never hold a lone surrogate', { timeout: 120_000 }, () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...SEEDS),
        fc.boolean(),
        fc.array(fc.oneof(nastyEditArb, nastyEditArb, editArb), { minLength: 1, maxLength: 6 }),
        (seed, crlf, edits) => {
          // Through the server's own incremental path: one document, edited version after version.
          const state = new DocumentState('file:///p/prop.workflow.yaml', {});
          let text = crlf ? seed.replace(/\n/g, '\r\n') : seed;
          let version = 1;
          for (const e of [undefined, ...edits]) {
            if (e) text = applyEdit(text, e);
            const doc = TextDocument.create('file:///p/prop.workflow.yaml', 'kailash-workflow', version++, text);
            const { doc: checked, diagnostics } = state.diagnose(doc);
            // The line index carried across versions is the one the text itself gives.
            const fresh = new LineIndex(text);
            for (let at = 0; at <= text.length; at += 7) assert.deepEqual(checked.lines.position(at), fresh.position(at));
            check(
              text,
              diagnostics.map((d) => toLspDiagnostic(checked.lines, d)),
            );
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('quote the whole emoji after a bad escape, over a range that covers it', () => {
    const state = new DocumentState('file:///p/e.workflow.yaml', {});
    const text = 'name: "a\\🚀b"\nnodes: []\n';
    const { doc, diagnostics } = state.diagnose(TextDocument.create('file:///p/e.workflow.yaml', 'yaml', 1, text));
    const d = diagnostics.map((x) => toLspDiagnostic(doc.lines, x)).find((x) => x.code === 'yaml-syntax')!;
    assert.equal(d.message, 'Invalid escape sequence \\🚀');
    assert.deepEqual(d.range, { start: { line: 0, character: 8 }, end: { line: 0, character: 11 } });
  });
});
