import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { codeActions } from '../../server/features/actions';
import { complete } from '../../server/features/completion';
import { hover } from '../../server/features/hover';
import { codeLenses } from '../../server/features/lenses';
import { documentLinks } from '../../server/features/links';
import { definition, prepareRename, references, rename } from '../../server/features/references';
import { documentSymbols } from '../../server/features/symbols';
import { semanticTokens } from '../../server/features/tokens';
import { Workspace } from '../../server/workspace';
import { applyEdit, editArb, SEEDS, tameEditArb } from '../support/edits';
import { featureDoc, lspDiagnostics } from '../support/features';

describe('features on any text at any position (property)', () => {
  it('never throw, and return ranges inside the document', { timeout: 120_000 }, () => {
    const workspace = new Workspace();
    fc.assert(
      fc.property(
        fc.constantFrom(...SEEDS),
        fc.array(fc.oneof(editArb, tameEditArb), { maxLength: 6 }),
        fc.array(fc.nat(), { minLength: 1, maxLength: 8 }),
        (seed, edits, offsets) => {
          const doc = featureDoc(edits.reduce(applyEdit, seed));
          const lines = doc.lines.lineCount;
          const inside = (r: { start: { line: number }; end: { line: number } }) =>
            assert.ok(r.start.line >= 0 && r.end.line < lines, JSON.stringify(r));
          documentSymbols(doc);
          codeLenses(doc).forEach((l) => inside(l.range));
          documentLinks(doc, workspace);
          assert.equal(semanticTokens(doc).data.length % 5, 0);
          const diagnostics = lspDiagnostics(doc);
          for (const o of offsets) {
            const position = doc.lines.position(o % (doc.text.length + 1));
            complete(doc, position).items.forEach((i) => i.textEdit && 'range' in i.textEdit && inside(i.textEdit.range));
            const h = hover(doc, position);
            if (h?.range) inside(h.range);
            definition(doc, position);
            references(doc, position, true).forEach((l) => inside(l.range));
            prepareRename(doc, position);
            rename(doc, position, 'renamed_node');
            codeActions(doc, { start: position, end: position }, diagnostics);
          }
        },
      ),
      { numRuns: 400 },
    );
  });
});
