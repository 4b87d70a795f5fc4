import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { generateWorkflow } from '../../bench/generate';
import { IncrementalParser } from '../../runtime/model/incremental';
import { fastYamlCounts, parseWorkflow } from '../../runtime/model/parse';
import { validateText } from '../../runtime/validate';
import { IncrementalValidator } from '../../runtime/validate/incremental';
import { applyEdit, editArb, modelShape, SEEDS, tameEditArb } from '../support/edits';

/** An edit inside the value after the `n`th `: ` of the file (config values, ports, types, ids). */
const valueEditArb = fc.record({
  n: fc.nat(),
  offset: fc.nat({ max: 6 }),
  del: fc.nat({ max: 2 }),
  text: fc.oneof(
    fc.constantFrom('', 'x', '_1', '.', 'result', 'data', '${a}', 'Node', ' '),
    fc.string({ unit: fc.constantFrom(...'abz_0.'), maxLength: 3 }),
  ),
});

function applyValueEdit(text: string, e: { n: number; offset: number; del: number; text: string }): string {
  const seps: number[] = [];
  for (let i = text.indexOf(': '); i !== -1; i = text.indexOf(': ', i + 1)) seps.push(i + 2);
  if (seps.length === 0) return text;
  const start = seps[e.n % seps.length]!;
  let end = start;
  while (end < text.length && !'\n\r,}'.includes(text[end]!)) end++;
  const at = Math.min(start + e.offset, end);
  return text.slice(0, at) + e.text + text.slice(Math.min(at + e.del, end));
}

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

  it('gives the same diagnostics after edits inside values, most of them checked by the quick pass', { timeout: 120_000 }, () => {
    let steps = 0;
    let quick = 0;
    fc.assert(
      fc.property(fc.constantFrom(...SEEDS), fc.array(valueEditArb, { minLength: 1, maxLength: 12 }), (seed, edits) => {
        const parser = new IncrementalParser();
        const validator = new IncrementalValidator();
        let text = seed;
        for (const e of [undefined, ...edits]) {
          if (e) text = applyValueEdit(text, e);
          const got = validator.validate(parser.parse(text));
          assert.deepEqual(got, validateText(text).diagnostics, `text:\n${JSON.stringify(text)}`);
          if (e) (steps++, validator.stats.quick && quick++);
        }
      }),
      { numRuns: 400 },
    );
    // The quick pass must carry most value edits, or this test would only check the full one.
    assert.ok(quick > steps / 3, `quick pass in ${quick} of ${steps} edits`);
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

  it("takes a first read's items from the whole text as each piece read alone gives them", { timeout: 120_000 }, () => {
    // What a piece keeps (its place, its value, where its collection starts), then what each parse reused.
    const pieces = (p: IncrementalParser) =>
      JSON.stringify(
        (
          p as unknown as { pieces: { kind: string; base: number; end: number; entry?: unknown; item?: unknown; containerStart: number }[] }
        ).pieces.map((r) => [r.kind, r.base, r.end, r.entry ?? null, r.item ?? null, r.containerStart]),
      );
    const seeds = [
      ...SEEDS,
      generateWorkflow(40),
      `# a comment\n${generateWorkflow(6).replace(/\n  - id/g, '\n  # note\n  - id')}\n# end\n`,
    ];
    fc.assert(
      fc.property(fc.constantFrom(...seeds), edits, (seed, edits) => {
        const whole = new IncrementalParser();
        const alone = new IncrementalParser(false);
        let text = seed;
        for (const e of [undefined, ...edits]) {
          if (e) text = applyEdit(text, e);
          assert.equal(modelShape(whole.parse(text)), modelShape(alone.parse(text)), `text:\n${JSON.stringify(text)}`);
          assert.equal(pieces(whole), pieces(alone));
          assert.deepEqual({ ...whole.stats }, { ...alone.stats });
        }
      }),
      { numRuns: 300 },
    );
    // The generated file's items all come from the one read.
    const before = { ...fastYamlCounts };
    new IncrementalParser().parse(generateWorkflow(100));
    assert.equal(fastYamlCounts.fast - before.fast, 1 + 2 + 1 + 1, 'the whole text, two whole sections, two tails');
  });

  it('reparses only the piece an edit touched', () => {
    const parser = new IncrementalParser();
    let text = generateWorkflow(200);
    parser.parse(text);
    const at = text.indexOf('url: https://example.com/100') + 28;
    text = `${text.slice(0, at)}7${text.slice(at)}`;
    const m = parser.parse(text);
    assert.deepEqual({ ...parser.stats }, { piecewise: true, patched: true, parsed: 1, reused: 2 + 200 + 199 - 1 });
    assert.equal(modelShape(m), modelShape(parseWorkflow(text)));
    const validator = new IncrementalValidator();
    validator.validate(m);
    text = `${text.slice(0, at)}8${text.slice(at)}`;
    validator.validate(parser.parse(text));
    // The node edited and the two connections that read it.
    assert.deepEqual({ ...validator.stats }, { checked: 3, reused: 200 + 199 - 3, quick: true });
  });
});
