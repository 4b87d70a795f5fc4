import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { LocalRuntime } from '../../runtime/engine/local';
import { errorTitle, failureText, plainMessage } from '../../runtime/engine/explain';
import { parseWorkflow } from '../../runtime/model/parse';

/** A port on 127.0.0.1 that nothing listens on (taken, then released). */
async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as { port: number };
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

async function failureOf(node: string) {
  const dir = mkdtempSync(join(tmpdir(), 'kwf-explain-'));
  const r = await new LocalRuntime({ env: {} }).execute(parseWorkflow(`nodes:\n${node}`), { baseDir: dir });
  const [rec] = Object.values(r.nodes);
  assert.equal(rec!.status, 'failed', JSON.stringify(r));
  return rec!.error!;
}

describe('failures name the parameter that caused them', () => {
  it('a missing file: file_path, directory_path, workflow_path', async () => {
    const csv = await failureOf('  - {id: read, type: CSVReaderNode, config: {file_path: nope.csv}}');
    assert.equal(csv.param, 'file_path');
    assert.match(csv.hint!, /workflow file’s folder/);
    const dir = await failureOf('  - {id: scan, type: DirectoryReaderNode, config: {directory_path: no-such-dir}}');
    assert.equal(dir.param, 'directory_path');
    const sub = await failureOf('  - {id: sub, type: WorkflowNode, config: {workflow_path: sub.workflow.yaml}}');
    assert.equal(sub.param, 'workflow_path');
  });

  it('a refused connection or an unknown host: url; a database that refuses: connection_string', async () => {
    const port = await closedPort();
    const http = await failureOf(`  - {id: call, type: HTTPRequestNode, config: {url: "http://127.0.0.1:${port}/x"}}`);
    assert.equal(http.type, 'ContentAwareExecutionError');
    assert.equal(http.param, 'url');
    assert.match(http.hint!, /Nothing is listening/);
    assert.equal(failureText(http).startsWith('The node reported a failure: GET http://127.0.0.1:'), true, failureText(http));
    const dns = await failureOf('  - {id: call, type: HTTPRequestNode, config: {url: "http://no-such-host.invalid/x"}}');
    assert.equal(dns.param, 'url');
    assert.match(dns.hint!, /does not resolve/);
    const pg = await failureOf(
      `  - {id: q, type: SQLDatabaseNode, config: {connection_string: "postgresql://postgres@127.0.0.1:${port}/test", query: "select 1"}}`,
    );
    assert.equal(pg.param, 'connection_string');
    assert.match(pg.hint!, /start the database/);
  });

  it('a SQL syntax error: query', async () => {
    const sqlite = await failureOf(
      '  - {id: q, type: SQLDatabaseNode, config: {connection_string: "sqlite:///db.sqlite", query: "selec 1"}}',
    );
    assert.equal(sqlite.param, 'query');
    const pg = await failureOf(
      '  - {id: q, type: SQLDatabaseNode, config: {connection_string: "postgresql://postgres@127.0.0.1:5432/test", query: "selec 1"}}',
    );
    assert.equal(pg.param, 'query');
    assert.match(pg.hint!, /could not parse the SQL/);
  });

  it('an error in a code node: code, with the line', async () => {
    const js = await failureOf(`  - id: js
    type: JavaScriptCodeNode
    config:
      code: |
        const x = 1;
        null.foo;
        result = {x};`);
    assert.deepEqual([js.param, js.line], ['code', 2]);
    const py = await failureOf(`  - id: py
    type: PythonCodeNode
    config:
      code: |
        x = 1
        y = 2
        z = x / 0
        result = {"z": z}`);
    assert.deepEqual([py.param, py.line], ['code', 3]);
    assert.equal(failureText(py), 'The node failed: ZeroDivisionError: division by zero');
  });
});

describe('Kailash class names in words', () => {
  it('titles known classes and splits unknown ones', () => {
    assert.equal(errorTitle('ContentAwareExecutionError'), 'The node reported a failure');
    assert.equal(errorTitle('RuntimeExecutionError'), 'The run failed');
    assert.equal(errorTitle('SafetyViolationError'), 'Refused by the code sandbox');
    assert.equal(errorTitle('HTTPClientError'), 'Http client error');
  });

  it('takes nested classes and redundant prefixes out of messages', () => {
    assert.equal(
      plainMessage({ type: 'ContentAwareExecutionError', message: "Node 'call' reported failure: HTTP 500 from x" }),
      'HTTP 500 from x',
    );
    assert.equal(
      plainMessage({
        type: 'NodeExecutionError',
        message: "Unified enterprise workflow execution failed: WorkflowExecutionError: Node 'bad' failed: NodeExecutionError: boom",
      }),
      "An upstream node failed: Node 'bad' failed: The node failed: boom",
    );
    assert.equal(
      plainMessage({ type: 'NodeExecutionError', message: 'Code execution failed: ZeroDivisionError: division by zero' }),
      'ZeroDivisionError: division by zero',
    );
  });
});
