import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { generateWorkflow } from '../../bench/generate';
import { LineIndex } from '../../runtime/model/lines';
import { validateText } from '../../runtime/validate';
import { toLspDiagnostic } from '../../server/features/diagnostics';
import { applyEdit, editArb, SEEDS, tameEditArb, type Edit } from '../support/edits';
import { startLsp, within } from '../support/lsp-client';

const REQUESTS = [
  'textDocument/completion',
  'textDocument/hover',
  'textDocument/definition',
  'textDocument/references',
  'textDocument/documentSymbol',
  'textDocument/semanticTokens/full',
  'textDocument/codeAction',
  'textDocument/codeLens',
  'textDocument/documentLink',
  'textDocument/prepareRename',
] as const;

/** The LSP change an edit makes (range in the text before it), as an editor sends it. */
function change(
  text: string,
  e: Edit,
): { range: { start: { line: number; character: number }; end: { line: number; character: number } }; text: string } {
  const after = applyEdit(text, e);
  let start = 0;
  while (start < text.length && start < after.length && text[start] === after[start]) start++;
  let end = 0;
  while (end < text.length - start && end < after.length - start && text[text.length - 1 - end] === after[after.length - 1 - end]) end++;
  const lines = new LineIndex(text);
  return { range: { start: lines.position(start), end: lines.position(text.length - end) }, text: after.slice(start, after.length - end) };
}

describe('language server under random edits (robustness)', () => {
  it('never crashes, answers every request within a second, and ends with the whole-text diagnostics', { timeout: 120_000 }, async () => {
    const lsp = await startLsp();
    const uri = 'file:///tmp/robust.workflow.yaml';
    try {
      let text = `${SEEDS.find((s) => s.includes('connections:') && s.includes('SwitchNode')) ?? SEEDS[0]!}\n${generateWorkflow(30).split('\n').slice(3).join('\n')}`;
      await within(15_000, 'open', lsp.open(uri, text));
      const script = fc.sample(
        fc.record({ edit: fc.oneof(editArb, tameEditArb), at: fc.nat(), request: fc.nat({ max: REQUESTS.length - 1 }) }),
        { numRuns: 250, seed: 20261126 },
      );
      let version = 1;
      for (const step of script) {
        const c = change(text, step.edit);
        text = applyEdit(text, step.edit);
        await lsp.change(uri, ++version, [c]);
        const lines = new LineIndex(text);
        const position = lines.position(text.length ? step.at % (text.length + 1) : 0);
        const method = REQUESTS[step.request]!;
        const params = {
          textDocument: { uri },
          position,
          range: { start: position, end: position },
          context: { includeDeclaration: true, diagnostics: [] },
        };
        // prepareRename answers "not a node id" with an error response: still an answer.
        await within(
          1_000,
          `${method} after edit ${version}`,
          lsp.request(method, params).catch((e: Error) => e),
        );
        assert.equal(lsp.process.exitCode, null, `server exited: ${lsp.stderr()}`);
      }
      const final = await within(
        5_000,
        'diagnostics of the last version',
        lsp.diagnostics(uri, (p) => p.version === version),
      );
      const lines = new LineIndex(text);
      const expected = validateText(text).diagnostics.map((d) => toLspDiagnostic(lines, d));
      assert.deepEqual(final.diagnostics, JSON.parse(JSON.stringify(expected)));
      assert.ok(!/failed/.test(lsp.stderr()), lsp.stderr());
    } finally {
      await lsp.close();
    }
  });
});
