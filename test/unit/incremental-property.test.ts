import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { generateWorkflow } from '../../bench/generate';
import { IncrementalParser } from '../../runtime/model/incremental';
import { parseWorkflow } from '../../runtime/model/parse';
import { applyEdit, editArb, modelShape, SEEDS } from '../support/edits';

describe('incremental parse (property)', () => {
  it('gives the same model as a whole-text parse after every random edit', { timeout: 120_000 }, () => {
    fc.assert(
      fc.property(fc.constantFrom(...SEEDS), fc.array(editArb, { minLength: 1, maxLength: 12 }), (seed, edits) => {
        const parser = new IncrementalParser();
        let text = seed;
        assert.equal(modelShape(parser.parse(text)), modelShape(parseWorkflow(text)));
        for (const e of edits) {
          text = applyEdit(text, e);
          assert.equal(modelShape(parser.parse(text)), modelShape(parseWorkflow(text)), `after edits, text:\n${JSON.stringify(text)}`);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('reparses only the piece an edit touched', () => {
    const parser = new IncrementalParser();
    let text = generateWorkflow(200);
    parser.parse(text);
    const at = text.indexOf('url: https://example.com/100') + 28;
    text = `${text.slice(0, at)}7${text.slice(at)}`;
    const m = parser.parse(text);
    assert.deepEqual({ ...parser.stats }, { piecewise: true, parsed: 1, reused: 2 + 200 + 199 - 1 });
    assert.equal(modelShape(m), modelShape(parseWorkflow(text)));
  });
});
