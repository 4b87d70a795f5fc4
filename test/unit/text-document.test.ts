import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { LineIndex } from '../../runtime/model/lines';
import { WORKFLOW_DOCUMENTS } from '../../server/text-document';

// Texts made of what moves positions: every kind of line break, a surrogate pair, plain text.
const piece = fc.constantFrom('a', 'bc', ' ', '\n', '\r\n', '\r', '🚀', 'é', '- id: x\n', '');
const textArb = fc.array(piece, { maxLength: 30 }).map((xs) => xs.join(''));
// Positions past the ends too: clients send them, and the library clamps them.
const positionArb = fc.record({ line: fc.integer({ min: -2, max: 14 }), character: fc.integer({ min: -2, max: 12 }) });
const changeArb = fc.oneof(
  { weight: 6, arbitrary: fc.record({ range: fc.record({ start: positionArb, end: positionArb }), text: textArb }) },
  { weight: 1, arbitrary: fc.record({ text: textArb }) },
);

describe("the server's documents (server/text-document.ts) against vscode-languageserver-textdocument", () => {
  it('give the same text, positions and offsets after any edits', { timeout: 60_000 }, () => {
    fc.assert(
      fc.property(
        textArb,
        fc.array(fc.array(changeArb, { minLength: 1, maxLength: 3 }), { maxLength: 6 }),
        fc.array(fc.integer({ min: -3, max: 80 }), { maxLength: 12 }),
        fc.array(positionArb, { maxLength: 12 }),
        (text, batches, offsets, positions) => {
          // The library's own document, made afresh for each change: its incremental update of its
          // line list goes wrong for a range past the last line (the list then has holes).
          let theirs = TextDocument.create('file:///a.workflow.yaml', 'yaml', 1, text);
          let ours = WORKFLOW_DOCUMENTS.create('file:///a.workflow.yaml', 'yaml', 1, text);
          let version = 1;
          const same = () => {
            assert.equal(ours.getText(), theirs.getText());
            assert.equal(ours.lineCount, theirs.lineCount);
            assert.equal(ours.version, theirs.version);
            for (const o of offsets) assert.deepEqual(ours.positionAt(o), theirs.positionAt(o), `positionAt(${o})`);
            for (const p of positions) {
              assert.equal(ours.offsetAt(p), theirs.offsetAt(p), `offsetAt(${JSON.stringify(p)})`);
              assert.deepEqual(ours.getLineRange(p.line), theirs.getLineRange(p.line), `getLineRange(${p.line})`);
              assert.equal(ours.getEOLCharacters(p.line), theirs.getEOLCharacters(p.line), `getEOLCharacters(${p.line})`);
              const range = { start: p, end: positions[0]! };
              assert.equal(ours.getText(range), theirs.getText(range));
            }
            // The index an edit derives is the one the text itself gives.
            const fresh = new LineIndex(ours.getText());
            for (let l = 0; l < fresh.lineCount; l++) assert.equal(ours.lines.lineStart(l), fresh.lineStart(l));
            assert.equal(ours.lines.lineCount, fresh.lineCount);
          };
          same();
          for (const changes of batches) {
            version++;
            for (const change of changes) {
              theirs = TextDocument.create(theirs.uri, 'yaml', version, theirs.getText());
              TextDocument.update(theirs, [change], version);
            }
            theirs = TextDocument.create(theirs.uri, 'yaml', version, theirs.getText());
            ours = WORKFLOW_DOCUMENTS.update(ours, changes, version);
            same();
          }
        },
      ),
      { numRuns: 2000 },
    );
  });
});
