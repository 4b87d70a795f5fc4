import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, it } from 'node:test';
import { diskFiles } from '../../runtime/testing/runner';
import { testCompletion, testDiagnostics, testDoc, testedWorkflow } from '../../server/features/test-file';
import { isTestDocument, isWorkflowDocument } from '../../server/features/scope';
import { toLspDiagnostic } from '../../server/features/diagnostics';
import { cursor, wantMarkers } from '../support/markers';

const DIR = join(__dirname, '..', 'fixtures', 'tests');
const testFiles = () =>
  readdirSync(DIR)
    .filter((f) => f.endsWith('.workflow.test.yaml'))
    .sort();

function check(name: string, text = readFileSync(join(DIR, name), 'utf8')) {
  const file = join(DIR, name);
  const doc = testDoc(pathToFileURL(file).href, text);
  return { doc, diagnostics: testDiagnostics(doc, diskFiles(file)), files: diskFiles(file) };
}

describe('test files: diagnostics (every `# want:` marker and nothing else)', () => {
  for (const name of testFiles()) {
    it(name, () => {
      const text = readFileSync(join(DIR, name), 'utf8');
      const { doc, diagnostics } = check(name, text);
      const got = new Map<number, string[]>();
      for (const d of diagnostics) {
        const line = doc.lines.position(d.span[0]).line;
        got.set(line, [...(got.get(line) ?? []), d.code].sort());
      }
      const want = wantMarkers(text);
      const all = diagnostics.map((d) => `  ${doc.lines.position(d.span[0]).line + 1}: ${d.code}: ${d.message}`).join('\n');
      for (const line of new Set([...want.keys(), ...got.keys()]))
        assert.deepEqual(got.get(line) ?? [], want.get(line) ?? [], `line ${line + 1} of ${name}:\n${all}`);
    });
  }

  it('points a pin of the wrong type at the value itself, with the declared and given types', () => {
    const { doc, diagnostics } = check('problems.workflow.test.yaml');
    const d = diagnostics.find((x) => x.code === 'pin-output-type' && x.severity === 'error')!;
    assert.equal(doc.text.slice(d.span[0], d.span[1]), '"200"');
    assert.match(d.message, /fetch\.response\.status_code is declared int, but the pin gives str/);
    const lsp = toLspDiagnostic(doc.lines, d);
    assert.deepEqual(lsp.range, { start: { line: 4, character: 28 }, end: { line: 4, character: 33 } });
  });

  it('suggests the node id a misspelt one was meant to be', () => {
    const { diagnostics } = check('problems.workflow.test.yaml');
    assert.deepEqual(diagnostics.find((x) => x.message.includes("'fecth'"))!.suggestions, ['fetch']);
  });

  it('test files are not workflow files, and the other way round', () => {
    assert.equal(isTestDocument('file:///p/a.workflow.test.yaml'), true);
    assert.equal(isTestDocument('file:///p/a.workflow.test.json'), true);
    assert.equal(isTestDocument('file:///p/a.workflow.yaml'), false);
    assert.equal(isWorkflowDocument('file:///p/a.workflow.test.yaml', 'yaml', 'workflow: a.workflow.yaml\n'), false);
  });
});

describe('test files: completion', () => {
  const complete = (fixture: string) => {
    const { text, offset } = cursor(fixture);
    const file = join(DIR, 'typing.workflow.test.yaml');
    const doc = testDoc(pathToFileURL(file).href, text);
    return testCompletion(doc, doc.lines.position(offset), testedWorkflow(doc, diskFiles(file))).items.map((i) => i.label);
  };
  const HEAD = 'workflow: orders.workflow.yaml\n';

  it('offers the node ids of the workflow under pins and expect', () => {
    assert.deepEqual(complete(`${HEAD}pins:\n  |\n`), ['fetch', 'count']);
    assert.deepEqual(complete(`${HEAD}cases:\n  - name: a\n    expect:\n      co|\n`), ['fetch', 'count']);
    assert.deepEqual(complete(`${HEAD}cases:\n  - name: a\n    pins:\n      |\n`), ['fetch', 'count']);
  });

  it("offers a node's declared output keys inside its pin and in path", () => {
    const pin = complete(`${HEAD}pins:\n  fetch:\n    |\n`);
    assert.ok(pin.includes('response') && pin.includes('status_code') && pin.includes('success'), pin.join());
    const path = complete(`${HEAD}cases:\n  - name: a\n    expect:\n      fetch:\n        path: |\n`);
    assert.ok(path.includes('response'), path.join());
  });

  it('offers assertion keys, statuses and the top-level keys', () => {
    assert.deepEqual(complete(`${HEAD}cases:\n  - name: a\n    expect:\n      fetch:\n        |\n`), [
      'status',
      'path',
      'equals',
      'subset',
      'schema',
      'expression',
    ]);
    assert.ok(complete(`${HEAD}cases:\n  - name: a\n    expect:\n      fetch:\n        status: |\n`).includes('skipped'));
    assert.ok(complete(`${HEAD}|\n`).includes('pins'));
  });
});
