import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { generateWorkflow } from '../../bench/generate';
import { IncrementalParser } from '../../runtime/model/incremental';
import { parseWorkflow } from '../../runtime/model/parse';
import { validateText } from '../../runtime/validate';
import { IncrementalValidator } from '../../runtime/validate/incremental';
import { applyEdit, editArb, modelShape, SEEDS, tameEditArb } from '../support/edits';

const edits = fc.array(fc.oneof(editArb, tameEditArb, tameEditArb), { minLength: 1, maxLength: 12 });

describe('incremental parse (property)', () => {
  it('gives the same model as a whole-text parse after every random edit', { timeout: 120_000 }, () => {
    fc.assert(
      fc.property(fc.constantFrom(...SEEDS), edits, (seed, edits) => {
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

  it('gives the same diagnostics as a whole-text validation after every random edit', { timeout: 120_000 }, () => {
    fc.assert(
      fc.property(fc.constantFrom(...SEEDS), edits, (seed, edits) => {
        const parser = new IncrementalParser();
        const validator = new IncrementalValidator();
        let text = seed;
        for (const e of [undefined, ...edits]) {
          if (e) text = applyEdit(text, e);
          const got = validator.validate(parser.parse(text));
          assert.deepEqual(got, validateText(text).diagnostics, `text:\n${JSON.stringify(text)}`);
        }
      }),
      { numRuns: 400 },
    );
  });

  it('replays the did-you-mean budget as a whole pass spends it', () => {
    // Every connection names a missing node: suggestions run out part way through the file.
    let text = generateWorkflow(900).replace(/to_node: save_/g, 'to_node: sav_');
    const parser = new IncrementalParser();
    const validator = new IncrementalValidator();
    const unknown = validator.validate(parser.parse(text)).filter((d) => d.code === 'unknown-connection-node');
    assert.ok(unknown.some((d) => d.suggestions) && unknown.some((d) => !d.suggestions), 'the budget runs out part way');
    for (const at of [text.indexOf('to_node: sav_5') + 9, text.indexOf('connections:') + 40, 0, text.length - 3]) {
      text = `${text.slice(0, at)}q${text.slice(at)}`;
      assert.deepEqual(validator.validate(parser.parse(text)), validateText(text).diagnostics);
    }
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
    const validator = new IncrementalValidator();
    validator.validate(m);
    text = `${text.slice(0, at)}8${text.slice(at)}`;
    validator.validate(parser.parse(text));
    // The node edited and the two connections that read it.
    assert.deepEqual({ ...validator.stats }, { checked: 3, reused: 200 + 199 - 3 });
  });
});
