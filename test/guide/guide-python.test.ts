// The guide's PythonCodeNode patterns that import boto3 or requests: the editor warns at the import
// and names `sandbox_mode: trusted`; the run fails there and says the same, once.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { PYTHON_ALLOWED_MODULES } from '../../runtime/catalog/python-allowlist';
import { sandboxImportMessage } from '../../runtime/catalog/python-sandbox';
import { cli, count, folder, run, validate } from './cli';

describe('guide: PythonCodeNode imports outside the sandbox', () => {
  const files = folder();
  after(() => files.cleanup());

  const workflow = `name: upload-report
nodes:
  - id: build
    type: PythonCodeNode
    config:
      code: |
        import json
        result = json.dumps({"rows": 3})
  - id: upload
    type: PythonCodeNode
    config:
      code: |
        import boto3
        s3 = boto3.client("s3")
        s3.put_object(Bucket="reports", Key="daily.json", Body=report)
        result = {"uploaded": True}
  - id: notify
    type: PythonCodeNode
    config:
      code: |
        import os, requests
        requests.post("http://127.0.0.1:9/hook", json={"done": done})
        result = True
connections:
  - {from_node: build, from_output: result, to_node: upload, to_input: report}
  - {from_node: upload, from_output: result.uploaded, to_node: notify, to_input: done}
`;
  const lines = workflow.split('\n');
  const lineOf = (text: string) => lines.findIndex((l) => l.includes(text)) + 1;

  it('the editor warns at each refused import, naming sandbox_mode: trusted and the node that does the job', async () => {
    const v = await validate(files.write('imports.workflow.yaml', workflow));
    assert.equal(v.code, 0, 'warnings only: the sandbox may be lifted');
    const found = v.findings.filter((f) => f.code === 'sandbox-import');
    assert.deepEqual(
      found.map((f) => [f.line, f.column, f.severity]),
      [
        [lineOf('import boto3'), lines[lineOf('import boto3') - 1]!.indexOf('boto3') + 1, 'warning'],
        [lineOf('import os, requests'), lines[lineOf('import os, requests') - 1]!.indexOf('requests') + 1, 'warning'],
      ],
    );
    assert.equal(found[0]!.message, sandboxImportMessage('boto3'));
    assert.match(found[0]!.message, /Set `sandbox_mode: trusted` on this node.*S3ReaderNode \/ S3WriterNode/);
    assert.match(found[1]!.message, /'requests'.*HTTPRequestNode/);
    assert.equal(v.findings.length, found.length, JSON.stringify(v.findings));
  });

  it('sandbox_mode: trusted lifts the warning', async () => {
    const text = workflow.replace(
      '  - id: upload\n    type: PythonCodeNode\n    config:\n',
      '  - id: upload\n    type: PythonCodeNode\n    config:\n      sandbox_mode: trusted\n',
    );
    const v = await validate(files.write('trusted.workflow.yaml', text));
    assert.deepEqual(
      v.findings.map((f) => [f.line, f.code]),
      [[lineOf('import os, requests') + 1, 'sandbox-import']],
    );
  });

  it('the run fails at the import and says so once, as the editor did', async () => {
    const file = files.write('run.workflow.yaml', workflow);
    const text = await cli(['run', file]);
    assert.equal(text.code, 1);
    const screen = text.stdout + text.stderr;
    assert.equal(count(screen, "Module 'boto3' is not in the allowed list"), 1, screen);
    assert.equal(count(screen, sandboxImportMessage('boto3')), 1, screen);
    assert.match(screen, /✗ failed in .* — node 'upload' failed \(above\)/);
    const json = await run(file);
    assert.equal(json.code, 1);
    const error = json.record!.nodes.upload!.error!;
    assert.equal(count(error.message, 'is not in the allowed list'), 1, error.message);
    // As in Kailash, the safety check refuses the code before it runs.
    assert.equal(error.type, 'SafetyViolationError');
    assert.match(
      error.message,
      /^Code safety violations found:\nLine 1: Import of module 'boto3' is not allowed\n\nModule 'boto3' is not in the allowed list .*sandbox_mode: trusted/,
    );
    assert.equal(json.record!.nodes.build!.status, 'succeeded');
    assert.equal(json.record!.nodes.notify!.status, 'not-run');
  });

  it("the editor's allow-list is the one the sandbox enforces", async () => {
    // The real sandbox, one node per module (its safety check refuses a whole code text at a
    // refused import): only the few outside the list are refused as such; a listed module may
    // still be missing from this Python, which is a different error.
    const probe = [...PYTHON_ALLOWED_MODULES, 'boto3', 'requests', 'subprocess', 'socket'];
    const nodes = probe.map(
      (m, i) => `  - {id: m${i}, type: PythonCodeNode, on_error: continue, config: {code: "import ${m}\\nresult = 1"}}`,
    );
    const r = await run(files.write('probe.workflow.yaml', `name: probe\nnodes:\n${nodes.join('\n')}\n`));
    const refused = probe.filter((_, i) => /not in the allowed list/.test(r.record!.nodes[`m${i}`]!.error?.message ?? ''));
    assert.deepEqual(refused, ['boto3', 'requests', 'subprocess', 'socket'], r.stderr);
  });
});
