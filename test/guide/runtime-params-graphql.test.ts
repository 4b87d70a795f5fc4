// The guide's GraphQL pattern: the node is configured with its endpoint in the workflow, and the
// query and variables come when it runs, `runtime.execute(workflow, parameters={"graphql":
// {"query": …, "variables": …}})` — here `kailash-wf run FILE --params p.json` against a real
// graphql-yoga server on 127.0.0.1.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createSchema, createYoga } from 'graphql-yoga';
import { kailashWf } from '../support/cli-process';
import { workspace } from '../support/run';

const QUERY = 'query User($id: ID!) { user(id: $id) { id name email } }';

describe('guide: GraphQL query and variables given at run time', () => {
  let server: Server;
  let endpoint: string;
  const received: { query: string; variables: unknown }[] = [];

  before(async () => {
    const yoga = createYoga({
      logging: false,
      schema: createSchema({
        typeDefs: 'type User { id: ID!, name: String!, email: String! }\ntype Query { user(id: ID!): User }',
        resolvers: {
          Query: { user: (_: unknown, a: { id: string }) => ({ id: a.id, name: `user ${a.id}`, email: `u${a.id}@example.com` }) },
        },
      }),
      plugins: [
        {
          onParams: ({ params }: { params: { query?: string; variables?: unknown } }) =>
            void received.push({ query: params.query ?? '', variables: params.variables }),
        },
      ],
    });
    server = createServer(yoga);
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
  });
  after(() => {
    server.closeAllConnections();
    server.close();
  });

  const files = () => {
    const dir = workspace({
      'graphql.workflow.yaml': `name: graphql-at-run-time\nnodes:\n  - id: graphql\n    type: GraphQLClientNode\n    config: {endpoint: "${endpoint}"}\n`,
      'p.json': JSON.stringify({ graphql: { query: QUERY, variables: { id: '42' } } }),
    });
    return { file: join(dir, 'graphql.workflow.yaml'), params: join(dir, 'p.json'), dir };
  };

  it('validate warns that the query must be given at run time, and exits 0', async () => {
    const { file } = files();
    const r = await kailashWf(['validate', file]);
    assert.equal(r.code, 0, r.out + r.err);
    assert.match(
      r.out,
      /warning \[missing-required-param\] Node 'graphql' \(GraphQLClientNode\): required parameter 'query' \(str\) is in none of config, the `parameters` block or a connection: it must be given at run time, or add it to config\./,
    );
  });

  it('run --params sends the run’s query and variables and prints the data', async () => {
    const { file, params } = files();
    received.length = 0;
    const r = await kailashWf(['run', file, '--params', params, '--json']);
    assert.equal(r.code, 0, r.err);
    const record = JSON.parse(r.out) as { status: string; results: { graphql: { data: unknown; success: boolean } } };
    assert.equal(record.status, 'succeeded');
    assert.deepEqual(record.results.graphql.data, { user: { id: '42', name: 'user 42', email: 'u42@example.com' } });
    assert.deepEqual(received, [{ query: QUERY, variables: { id: '42' } }]);
  });

  it('--param works too (the query as typed), and a global `variables` reaches the node', async () => {
    const { file } = files();
    received.length = 0;
    const r = await kailashWf(['run', file, '--param', `graphql.query=${QUERY}`, '--param', 'variables={id: "7"}']);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /✓ graphql {2}GraphQLClientNode/);
    assert.match(r.out, /"name": "user 7"/);
    assert.deepEqual(received, [{ query: QUERY, variables: { id: '7' } }]);
    // A shorthand query looks like a YAML mapping; a text parameter takes it as typed.
    const short = await kailashWf(['run', file, '--param', 'graphql.query={ user(id: "9") { name } }']);
    assert.equal(short.code, 0, short.err);
    assert.match(short.out, /"name": "user 9"/);
    assert.equal(received[1]!.query, '{ user(id: "9") { name } }');
  });

  it('without the query the run is refused before any request, naming node, parameter and sources', async () => {
    const { file, dir } = files();
    const typo = join(dir, 'typo.json');
    writeFileSync(typo, JSON.stringify({ grapql: { query: QUERY } }));
    received.length = 0;
    const r = await kailashWf(['run', file, '--params', typo]);
    assert.equal(r.code, 2);
    assert.equal(r.out, '');
    assert.match(
      r.err,
      /^warning: run parameter 'grapql' is not a node id and no node takes a parameter 'grapql', so it is ignored\. Did you mean node 'graphql'\?\n/,
    );
    assert.match(
      r.err,
      /graphql\.workflow\.yaml:4:11: error \[missing-required-param\] Node 'graphql' \(GraphQLClientNode\) has no value for required parameter 'query' \(str\): set it in config, connect an output to it, or give it in the run's parameters \(\{"graphql": \{"query": …\}\}\)\./,
    );
    assert.match(r.err, /not running '.*': 1 required parameter has no value \(nothing ran\)\n$/);
    assert.deepEqual(received, []);
  });
});
