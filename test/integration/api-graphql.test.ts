import { implementationOf } from '../../runtime/nodes/registry';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, afterEach, before, describe, it } from 'node:test';
import { createSchema, createYoga } from 'graphql-yoga';
import { disposeAll } from '../../runtime/engine/resources';
import { closedPort, context, listen, run, visible, type TestServer } from './api-support';

const SECRET = 'gql-s3cret-token-41b0';
const env = { KAILASH_SECRET_GRAPHQL_TOKEN: SECRET };
const gql = (inputs: Record<string, unknown>) => implementationOf('GraphQLClientNode')!.run(inputs, context());

describe('GraphQLClientNode against graphql-yoga', () => {
  let yoga: Server;
  let endpoint: string;
  const seen: { auth?: string; operationName?: string }[] = [];
  const servers: TestServer[] = [];

  before(async () => {
    const app = createYoga<{ request: Request }>({
      logging: false,
      maskedErrors: false,
      schema: createSchema({
        typeDefs: /* GraphQL */ `
          type Order { id: ID!, total: Float!, status: String! }
          type Query { orders(status: String!, first: Int!): [Order!]!, whoami: String, broken: String }
          type Mutation { markSynced(ids: [ID!]!): Int! }
        `,
        resolvers: {
          Query: {
            orders: (_: unknown, a: { status: string; first: number }) =>
              Array.from({ length: a.first }, (_x, i) => ({ id: String(i + 1), total: 10 * (i + 1), status: a.status })),
            whoami: (_: unknown, _a: unknown, c: { request: Request }) => c.request.headers.get('authorization'),
            broken: () => {
              throw new Error('resolver exploded');
            },
          },
          Mutation: { markSynced: (_: unknown, a: { ids: string[] }) => a.ids.length },
        },
      }),
      plugins: [
        {
          onRequest({ request }: { request: Request }) {
            seen.push({ auth: request.headers.get('authorization') ?? undefined });
          },
        },
      ],
    });
    yoga = createServer(app);
    yoga.listen(0, '127.0.0.1');
    await once(yoga, 'listening');
    endpoint = `http://127.0.0.1:${(yoga.address() as AddressInfo).port}/graphql`;
  });
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });
  after(async () => {
    yoga.closeAllConnections();
    yoga.close();
    await disposeAll();
  });

  it('runs a query with variables and an operation name, returning data, errors and metadata', async () => {
    const r = await run(
      `nodes:
  open_orders:
    type: GraphQLClientNode
    config:
      endpoint: ${endpoint}
      query: "query Open($s: String!, $n: Int!) { orders(status: $s, first: $n) { id total } } query Other { whoami }"
      operation_name: Open
      variables: {s: OPEN, n: 2}
      headers: {Authorization: "Bearer \${secret:GRAPHQL_TOKEN}"}
`,
      { env },
    );
    assert.equal(r.status, 'succeeded');
    const out = r.results.open_orders!;
    assert.deepEqual(out.data, {
      orders: [
        { id: '1', total: 10 },
        { id: '2', total: 20 },
      ],
    });
    assert.deepEqual(out.errors, []);
    assert.equal(out.success, true);
    const meta = out.metadata as Record<string, unknown>;
    assert.deepEqual([meta.endpoint, meta.operation_name, meta.status_code], [endpoint, 'Open', 200]);
    assert.equal(seen.at(-1)!.auth, `Bearer ${SECRET}`);
  });

  it('a secret the server echoes in data is redacted; flatten_response unwraps the single root field', async () => {
    const r = await run(
      `nodes:\n  - id: q\n    type: GraphQLClientNode\n    config: {endpoint: "${endpoint}", query: "{ whoami }", flatten_response: true, headers: {Authorization: "Bearer \${secret:GRAPHQL_TOKEN}"}}\n`,
      { env },
    );
    assert.equal(r.results.q!.data, 'Bearer ***');
    assert.ok(!visible(r).includes(SECRET));
  });

  it('errors[] in a 200 answer is a failure whose message lists the GraphQL errors, and stops the run', async () => {
    const r = await run(`nodes:\n  - {id: q, type: GraphQLClientNode, config: {endpoint: "${endpoint}", query: "{ whoami broken }"}}\n`);
    assert.equal(r.status, 'failed');
    const out = r.results.q!;
    assert.equal(out.success, false);
    assert.deepEqual(out.data, { whoami: null, broken: null });
    assert.equal((out.errors as unknown[]).length, 1);
    assert.equal(out.error, 'GraphQL errors: resolver exploded (at broken)');
    assert.equal((out.metadata as { status_code: number }).status_code, 200);
    assert.match(r.error!.message, /Node 'q' reported failure: GraphQL errors: resolver exploded \(at broken\)/);
  });

  it('a validation error (unknown field, bad variable) is a failure listing every message', async () => {
    const out = await gql({ endpoint, query: 'query Q($n: Int!) { orders(status: "X", first: $n) { nope } }', variables: { n: 'two' } });
    assert.equal(out.success, false);
    assert.match(String(out.error), /^GraphQL errors: .*nope/);
  });

  it('runs a mutation', async () => {
    const out = await gql({ endpoint, query: 'mutation M($ids: [ID!]!) { markSynced(ids: $ids) }', variables: { ids: ['1', '2', '3'] } });
    assert.deepEqual(out.data, { markSynced: 3 });
  });

  it('a body that is not JSON raises; a 503 raises a retryable failure that a retry policy cures', async () => {
    const s = await listen((_req, res, n) => {
      if (n === 1) {
        res.writeHead(200, { 'content-type': 'text/html' });
        return res.end('<html>gateway</html>');
      }
      if (n === 2) {
        res.writeHead(503, { 'retry-after': '0' });
        return res.end('busy');
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"data": {"ok": true}}');
    });
    servers.push(s);
    await assert.rejects(gql({ endpoint: s.url, query: '{ ok }' }), /Invalid GraphQL response format: expected dict, got str \(HTTP 200\)/);
    const r = await run(
      `nodes:\n  - id: q\n    type: GraphQLClientNode\n    config: {endpoint: "${s.url}", query: "{ ok }"}\n    retry: {max_attempts: 2, base_delay: 30}\n`,
    );
    assert.equal(r.status, 'succeeded');
    assert.equal(r.nodes.q!.attempts, 2);
    assert.deepEqual(r.results.q!.data, { ok: true });
  });

  it('a refused connection and a timeout raise retryable failures', async () => {
    const port = await closedPort();
    await assert.rejects(
      gql({ endpoint: `http://127.0.0.1:${port}/graphql`, query: '{ a }' }),
      (err: Error & { retryable?: boolean }) => /GraphQL request failed: .*ECONNREFUSED/.test(err.message) && err.retryable === true,
    );
    const s = await listen(() => undefined);
    servers.push(s);
    await assert.rejects(gql({ endpoint: s.url, query: '{ a }', timeout: 0.2 }), /GraphQL request failed: .*timed out after 0\.2 s/);
  });
});
