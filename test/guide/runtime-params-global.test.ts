// Kailash's global run parameters: a key of `parameters` that is not a node id goes to every node
// that takes a parameter of that name (as `LocalRuntime.execute` does). Here two HTTP nodes get
// one run's `headers`, through `run` and through a real worker (`submit --wait`, Redis on
// 127.0.0.1), and a node's own value still beats the global one.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import type { IncomingHttpHeaders } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { WorkerClient } from '../../runtime/worker/client';
import { kailashWf } from '../support/cli-process';
import { startServer, type TestServer } from '../support/http-server';
import { workspace } from '../support/run';
import { dropQueue, REDIS_URL, uniqueQueue, WorkerProcess } from '../support/worker-fleet';

describe('guide: one global run parameter reaches two nodes', () => {
  let api: TestServer;
  const seen: { path: string; headers: IncomingHttpHeaders }[] = [];
  let dir: string;
  let file: string;

  before(async () => {
    api = await startServer((req, res) => {
      seen.push({ path: new URL(req.url ?? '/', 'http://x').pathname, headers: req.headers });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok": true}');
    });
    dir = workspace({
      'two-calls.workflow.yaml': `name: two-calls
nodes:
  - id: users
    type: HTTPRequestNode
    config: {url: "${api.url}/users"}
  - id: orders
    type: HTTPRequestNode
    config: {url: "${api.url}/orders"}
  - id: audit
    type: HTTPRequestNode
    config: {url: "${api.url}/audit"}
connections:
  - {from_node: users, from_output: status_code, to_node: orders, to_input: timeout}
  - {from_node: orders, from_output: status_code, to_node: audit, to_input: timeout}
`,
    });
    file = join(dir, 'two-calls.workflow.yaml');
    writeFileSync(
      join(dir, 'p.json'),
      JSON.stringify({ headers: { 'X-Tenant': 'acme' }, audit: { headers: { 'X-Tenant': 'audit-only' } } }),
    );
  });
  after(() => api.close());

  const tenants = () => Object.fromEntries(seen.splice(0).map((s) => [s.path, s.headers['x-tenant']]));

  it('`run --params`: both nodes send the global header; the node with its own value sends that', async () => {
    const r = await kailashWf(['run', file, '--params', join(dir, 'p.json')]);
    assert.equal(r.code, 0, r.err);
    assert.equal(r.err, '');
    assert.deepEqual(tenants(), { '/users': 'acme', '/orders': 'acme', '/audit': 'audit-only' });
  });

  it('`--param headers=…` (no node id) is the same global', async () => {
    const r = await kailashWf(['run', file, '--param', 'headers={X-Tenant: beta}']);
    assert.equal(r.code, 0, r.err);
    assert.deepEqual(tenants(), { '/users': 'beta', '/orders': 'beta', '/audit': 'beta' });
  });

  describe('on a worker (submit --wait)', () => {
    const queue = uniqueQueue('params-global');
    let worker: WorkerProcess;

    before(async () => {
      worker = new WorkerProcess(['--redis', REDIS_URL, '--queue', queue, '--root', dir]);
      await worker.ready();
    });
    after(async () => {
      worker.kill('SIGTERM');
      await worker.exited;
      await dropQueue(REDIS_URL, queue);
    });

    it('applies the same global semantics and prints a stray parameter’s warning once', async () => {
      const r = await kailashWf([
        'submit',
        file,
        '--redis',
        REDIS_URL,
        '--queue',
        queue,
        '--root',
        dir,
        '--params',
        join(dir, 'p.json'),
        '--param',
        'user.timeout=3',
        '--wait',
      ]);
      assert.equal(r.code, 0, r.err);
      assert.equal(
        r.err,
        "warning: run parameter 'user' is not a node id and no node takes a parameter 'user', so it is ignored. Did you mean node 'users'?\n",
      );
      assert.match(r.out, /✓ succeeded/);
      assert.deepEqual(tenants(), { '/users': 'acme', '/orders': 'acme', '/audit': 'audit-only' });
    });

    it('a job that reaches the worker without a required value is refused there, before any request', async () => {
      const client = new WorkerClient({ redis: REDIS_URL, queue });
      try {
        const text = `nodes:
  - {id: call, type: HTTPRequestNode, config: {url: "${api.url}/x"}}
  - {id: gql, type: GraphQLClientNode, config: {endpoint: "${api.url}/graphql"}}
connections:
  - {from_node: call, from_output: response.content, to_node: gql, to_input: variables}
`;
        const [runId] = await client.submit([{ text, file: 'inline.workflow.yaml', parameters: { gqll: { query: '{ ok }' } } }]);
        const record = await client.wait(runId!);
        assert.equal(record.result.status, 'failed');
        assert.equal(record.result.error?.type, 'WorkflowValidationError');
        assert.match(
          record.result.error!.message,
          /^Node 'gql' \(GraphQLClientNode\) has no value for required parameter 'query' \(str\): set it in config, connect an output to it, or give it in the run's parameters/,
        );
        assert.match(record.result.error!.message, /warning: run parameter 'gqll' is not a node id .* Did you mean node 'gql'\?/);
        assert.deepEqual(tenants(), {}, 'no node ran');
      } finally {
        await client.close();
      }
    });
  });
});
