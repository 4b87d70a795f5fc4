import assert from 'node:assert/strict';
import type { ServerResponse } from 'node:http';
import { describe, it } from 'node:test';
import { LocalRuntime } from '../../runtime/engine/local';
import { parseWorkflow } from '../../runtime/model/parse';
import { startServer } from '../support/http-server';

/**
 * A failure that stops the run, racing two siblings: the server holds all three answers until
 * every request has arrived, then sends them in an order that changes from run to run. Whatever
 * the order, each node must end with the same status.
 */
describe('a failure that stops the run, and its siblings', () => {
  it('gives every sibling the same status in every run, whichever ends first', async () => {
    const held = new Map<string, ServerResponse>();
    let order: string[] = [];
    const answer = (path: string, res: ServerResponse) => {
      if (path === '/fail') res.writeHead(500, { 'content-type': 'application/json' }).end('{"error":"boom"}');
      else res.writeHead(200, { 'content-type': 'application/json' }).end(`{"path":"${path}"}`);
    };
    const server = await startServer((req, res) => {
      held.set(new URL(req.url!, 'http://x').pathname, res);
      if (held.size < 3) return;
      // All three are in flight: answer in this run's order, each on its own turn of the loop.
      const turn = (i: number) => {
        if (i >= order.length) return;
        answer(order[i]!, held.get(order[i]!)!);
        setImmediate(() => turn(i + 1));
      };
      turn(0);
    });
    const text = `nodes:
  - {id: a_sibling, type: HTTPRequestNode, config: {url: "${server.url}/a", method: GET}}
  - {id: b_fail, type: HTTPRequestNode, config: {url: "${server.url}/fail", method: GET}}
  - {id: c_sibling, type: HTTPRequestNode, config: {url: "${server.url}/c", method: GET}}
  - {id: d_after, type: MergeNode}
connections:
  - {from: b_fail, from_output: response, to: d_after, to_input: data1}
`;
    const orders = [
      ['/fail', '/a', '/c'],
      ['/a', '/fail', '/c'],
      ['/a', '/c', '/fail'],
      ['/c', '/fail', '/a'],
      ['/fail', '/c', '/a'],
    ];
    const seen = new Set<string>();
    try {
      for (let i = 0; i < 20; i++) {
        held.clear();
        order = orders[i % orders.length]!;
        const r = await new LocalRuntime({ env: {} }).execute(parseWorkflow(text), { baseDir: process.cwd() });
        const statuses = Object.fromEntries(Object.entries(r.nodes).map(([id, n]) => [id, n.status]));
        seen.add(JSON.stringify({ status: r.status, node: r.error?.node, statuses }));
      }
    } finally {
      await server.close();
    }
    assert.deepEqual(
      [...seen].map((s) => JSON.parse(s)),
      [
        {
          status: 'failed',
          node: 'b_fail',
          statuses: { a_sibling: 'succeeded', b_fail: 'failed', c_sibling: 'succeeded', d_after: 'not-run' },
        },
      ],
    );
  });
});
