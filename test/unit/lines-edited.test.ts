import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { commonEnds } from '../../runtime/model/incremental';
import { LineIndex } from '../../runtime/model/lines';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { DocumentState } from '../../server/documents';
import { applyEdit, editArb, SEEDS } from '../support/edits';

const text = fc.string({ unit: fc.constantFrom('a', 'b', ' ', '\n', '\r', '\r\n', '🚀'), maxLength: 40 });

describe('LineIndex.edited', () => {
  it('gives the index a whole scan gives, after any edit (line breaks of every kind)', () => {
    fc.assert(
      fc.property(text, fc.nat(), fc.nat({ max: 10 }), text, (before, at, del, insert) => {
        const a = at % (before.length + 1);
        const after = before.slice(0, a) + insert + before.slice(a + del);
        const { prefix, suffix } = commonEnds(before, after);
        const got = LineIndex.edited(new LineIndex(before), after, prefix, suffix);
        const want = new LineIndex(after);
        assert.equal(got.lineCount, want.lineCount);
        for (let o = 0; o <= after.length; o++) assert.deepEqual(got.position(o), want.position(o));
      }),
      { numRuns: 3000 },
    );
  });
});

describe("a document's line index after edits", () => {
  it('is the one a whole scan gives, edit after edit (the parser lends its common ends)', () => {
    fc.assert(
      fc.property(fc.constantFrom(...SEEDS), fc.array(editArb, { minLength: 1, maxLength: 8 }), (seed, edits) => {
        const state = new DocumentState('file:///w.workflow.yaml', {});
        let text = seed;
        let version = 1;
        for (const e of [undefined, ...edits]) {
          if (e) text = applyEdit(text, e);
          const { lines } = state.analyze(TextDocument.create('file:///w.workflow.yaml', 'yaml', version++, text));
          const want = new LineIndex(text);
          assert.equal(lines.lineCount, want.lineCount);
          for (let o = 0; o <= text.length; o += 7) assert.deepEqual(lines.position(o), want.position(o));
        }
      }),
      { numRuns: 300 },
    );
  });
});
