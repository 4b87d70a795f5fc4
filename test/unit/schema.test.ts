import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import Ajv from 'ajv';
import { parse } from 'yaml';
import { allSpecs } from '../../runtime/catalog';
import { catalogReference } from '../../runtime/catalog/reference';
import { DIAGNOSTIC_CODES } from '../../runtime/diagnostics';
import { workflowSchema } from '../../runtime/schema/generate';
import { testFileSchema } from '../../runtime/schema/test-file';

const ROOT = join(__dirname, '..', '..');

describe('docs/nodes.md', () => {
  it('is up to date with the catalog (run `npm run docs` after changing a spec)', () => {
    assert.equal(readFileSync(join(ROOT, 'docs', 'nodes.md'), 'utf8'), catalogReference(allSpecs) + '\n');
  });
});

describe('docs/workflow-format.md', () => {
  it('explains every diagnostic code', () => {
    const doc = readFileSync(join(ROOT, 'docs', 'workflow-format.md'), 'utf8');
    for (const code of DIAGNOSTIC_CODES) assert.match(doc, new RegExp(`^\\| \`${code}\` \\|`, 'm'), code);
  });
});

describe('schemas/workflow.schema.json', () => {
  it('is up to date with the catalog (run `npm run schema` after changing a spec)', () => {
    const checkedIn = JSON.parse(readFileSync(join(ROOT, 'schemas', 'workflow.schema.json'), 'utf8'));
    assert.deepEqual(checkedIn, JSON.parse(JSON.stringify(workflowSchema())));
  });

  const ajv = new Ajv({ allErrors: true, strict: false });
  const check = ajv.compile(workflowSchema());

  it('is a valid draft-07 schema that accepts every example', () => {
    const dir = join(ROOT, 'examples');
    for (const f of readdirSync(dir).filter((x) => x.endsWith('.workflow.yaml'))) {
      const ok = check(parse(readFileSync(join(dir, f), 'utf8'), { version: '1.1', merge: true }));
      assert.ok(ok, `${f}: ${ajv.errorsText(check.errors)}`);
    }
  });

  it('rejects what the validator rejects, for tools that only read the schema', () => {
    const bad = (doc: unknown) => assert.equal(check(doc), false, JSON.stringify(doc));
    bad({ nodes: [{ id: 'a', type: 'NoSuchNode' }] });
    bad({ nodes: [{ id: 'a', type: 'HTTPRequestNode', config: { method: 'FETCH' } }] });
    bad({ nodes: [{ id: 'a', type: 'HTTPRequestNode', config: { timeout: 'soon' } }] });
    bad({ nodes: [{ id: 'a', type: 'HTTPRequestNode', retry: { max_attempts: 0 } }] });
    bad({ nodes: [{ type: 'HTTPRequestNode' }] });
    bad({ nodes: [], connections: [{ from_output: 'x' }] });
    assert.equal(check({ nodes: { a: { type: 'HTTPRequestNode', config: { url: 'http://x', timeout: '${t}' } } } }), true);
  });
});

describe('schemas/workflow-test.schema.json', () => {
  it('is up to date with the catalog (run `npm run schema` after changing a spec)', () => {
    const checkedIn = JSON.parse(readFileSync(join(ROOT, 'schemas', 'workflow-test.schema.json'), 'utf8'));
    assert.deepEqual(checkedIn, JSON.parse(JSON.stringify(testFileSchema())));
  });

  it('accepts every example test file and rejects what the test-file reader rejects', () => {
    const ajv = new Ajv({ allErrors: true, strict: false });
    const check = ajv.compile(testFileSchema());
    const dir = join(ROOT, 'examples');
    const files = readdirSync(dir).filter((x) => x.endsWith('.workflow.test.yaml'));
    assert.ok(files.length > 0);
    for (const f of files) {
      const ok = check(parse(readFileSync(join(dir, f), 'utf8'), { version: '1.1', merge: true }));
      assert.ok(ok, `${f}: ${ajv.errorsText(check.errors)}`);
    }
    const bad = (doc: unknown) => assert.equal(check(doc), false, JSON.stringify(doc));
    bad({ cases: [] });
    bad({ workflow: 'a.workflow.yaml', cases: [{ expect: {} }] });
    bad({ workflow: 'a.workflow.yaml', cases: [{ name: 'x', stauts: 'failed' }] });
    bad({ workflow: 'a.workflow.yaml', cases: [{ name: 'x', expect: { a: { status: 'done' } } }] });
    bad({ workflow: 'a.workflow.yaml', pins: { a: [1] }, cases: [] });
  });

  it("holds each node type's outputs from the catalog", () => {
    const s = testFileSchema() as { definitions: Record<string, { properties: Record<string, unknown> }> };
    for (const spec of allSpecs)
      assert.deepEqual(Object.keys(s.definitions[`${spec.type}.outputs`]!.properties), Object.keys(spec.outputs));
  });
});
