// docs/guide.md shows only patterns that work: every workflow in it validates without errors, and
// the only warnings are the Python-SDK differences it describes and the required values its text
// gives at run time.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { validateText } from '../../runtime/validate';

const doc = readFileSync(join(__dirname, '..', '..', 'docs', 'guide.md'), 'utf8');
const blocks = [...doc.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]!);
/** The text from a block to the next heading: where its run-time values are given. */
const after = (block: string) => doc.slice(doc.indexOf(block) + block.length).split(/\n## /)[0]!;

describe('docs/guide.md workflows', () => {
  it('has one per pattern', () => assert.equal(blocks.length, 23));
  for (const text of blocks) {
    const name = /^name: (.+)$/m.exec(text)?.[1] ?? '?';
    it(name, () => {
      const { diagnostics } = validateText(text);
      // A required value left to the run is fine when the text says how the run gives it.
      const givenAtRun = (d: (typeof diagnostics)[number]) =>
        d.code === 'missing-required-param' &&
        d.severity === 'warning' &&
        (d.suggestions ?? []).some((p) => new RegExp(`\\.${p}=|"${p}"`).test(after(text)));
      const unexpected = diagnostics.filter((d) => d.code !== 'kailash-compat' && !givenAtRun(d));
      assert.deepEqual(
        unexpected.map((d) => `${d.code}: ${d.message}`),
        [],
      );
    });
  }
  it('says which ones differ in the Python SDK', () => {
    const compat = (n: string) =>
      validateText(blocks.find((b) => b.startsWith(`name: ${n}\n`))!).diagnostics.filter((d) => d.code === 'kailash-compat').length;
    assert.equal(compat('invoices'), 1);
    assert.equal(compat('rest-users'), 1);
    assert.equal(compat('transfer'), 0);
  });
});
