import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { generateWorkflow } from '../../bench/generate';
import { commonEnds } from '../../runtime/model/incremental';
import { layoutOf, relayout } from '../../runtime/model/segments';
import { applyEdit, editArb, SEEDS, tameEditArb } from '../support/edits';

/** `relayout` after an edit, or the whole cut when it declines: what the parser does. */
function cutAfter(prev: string, text: string): ReturnType<typeof layoutOf> {
  const sections = layoutOf(prev);
  const { prefix, suffix } = commonEnds(prev, text);
  return (sections && relayout({ text: prev, sections }, text, prefix, suffix)) ?? layoutOf(text);
}

describe('relayout: re-cutting only around an edit', () => {
  it('gives what a whole cut gives, after every random edit', { timeout: 120_000 }, () => {
    const seeds = [...SEEDS, generateWorkflow(12)];
    fc.assert(
      fc.property(
        fc.constantFrom(...seeds),
        fc.array(fc.oneof(editArb, tameEditArb, tameEditArb), { minLength: 1, maxLength: 8 }),
        (seed, edits) => {
          let text = seed;
          for (const e of edits) {
            const next = applyEdit(text, e);
            assert.deepEqual(cutAfter(text, next), layoutOf(next), `edit of:\n${JSON.stringify(text)}\nto:\n${JSON.stringify(next)}`);
            text = next;
          }
        },
      ),
      { numRuns: 1500 },
    );
  });

  it('takes an edit inside a node without cutting the whole text', () => {
    const text = generateWorkflow(200);
    const at = text.indexOf('\n', text.indexOf('url:', text.indexOf('id: fetch_100')));
    const next = `${text.slice(0, at)}x${text.slice(at)}`;
    const { prefix, suffix } = commonEnds(text, next);
    const got = relayout({ text, sections: layoutOf(text)! }, next, prefix, suffix);
    assert.ok(got, 'declined');
    assert.deepEqual(got, layoutOf(next));
    // An edit that adds a node and one that removes a section header are cut right too.
    const added = text.replace('  - id: fetch_100\n', '  - id: extra\n    type: MergeNode\n  - id: fetch_100\n');
    assert.deepEqual(cutAfter(text, added), layoutOf(added));
    const noHeader = text.replace('\nconnections:\n', '\n');
    assert.deepEqual(cutAfter(text, noHeader), layoutOf(noHeader));
  });
});
