import { implementationOf } from '../../runtime/nodes/registry';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { closedPort, context, json, listen, requestSocketsClosed, run, useServers, visible } from './api-support';

const SECRET = 'rest-s3cret-token-77a1';
const env = { KAILASH_SECRET_API_TOKEN: SECRET };
const rest = (inputs: Record<string, unknown>, signal?: AbortSignal) => implementationOf('RESTClientNode')!.run(inputs, context(signal));

/** 45 users served 20 a page, by page number, offset, cursor or Link header. */
const USERS = Array.from({ length: 45 }, (_, i) => ({ id: i + 1 }));

function pages(
  req: { url?: string; headers: Record<string, unknown> },
  res: Parameters<Parameters<typeof listen>[0]>[1],
  base: string,
): void {
  const u = new URL(req.url!, base);
  const size = Number(u.searchParams.get('per_page') ?? u.searchParams.get('limit') ?? 20);
  if (u.pathname === '/v2/users') {
    const page = Number(u.searchParams.get('page') ?? 1);
    return json(res, 200, { data: USERS.slice((page - 1) * size, page * size), meta: { total: USERS.length, page } });
  }
  if (u.pathname === '/v2/offset') {
    const offset = Number(u.searchParams.get('offset') ?? 0);
    return json(res, 200, { items: USERS.slice(offset, offset + size) });
  }
  if (u.pathname === '/v2/cursor') {
    const from = Number(u.searchParams.get('cursor') ?? 0);
    const next = from + size < USERS.length ? String(from + size) : null;
    return json(res, 200, { data: USERS.slice(from, from + size), meta: { next } });
  }
  if (u.pathname === '/v2/linked') {
    const page = Number(u.searchParams.get('p') ?? 1);
    const headers: Record<string, string> =
      page * size < USERS.length ? { link: `</v2/linked?p=${page + 1}>; rel="next", </v2/linked?p=1>; rel="first"` } : {};
    return json(res, 200, USERS.slice((page - 1) * size, page * size), headers);
  }
  json(res, 404, { error: { message: `no route ${u.pathname}` } });
}

describe('RESTClientNode against node:http', () => {
  const serve = useServers();

  it('builds base_url + version + resource with escaped path_params, sends query and JSON headers, returns Kailash outputs', async () => {
    const s = await serve((req, res) =>
      json(
        res,
        200,
        { url: req.url, accept: req.headers.accept, auth: req.headers.authorization },
        { 'x-ratelimit-remaining': '41', 'x-ratelimit-limit': '60' },
      ),
    );
    const r = await run(
      `nodes:
  - id: get_user
    type: RESTClientNode
    config:
      base_url: "${s.url}/"
      version: v1
      resource: /orgs/{org}/users/{id}
      path_params: {org: "a/b", id: 42}
      query_params: {expand: roles}
      auth_type: bearer
      auth_token: \${secret:API_TOKEN}
`,
      { env },
    );
    assert.equal(r.status, 'succeeded');
    const out = r.results.get_user!;
    assert.deepEqual(Object.keys(out).sort(), ['data', 'metadata', 'status_code', 'success']);
    assert.deepEqual(out.data, { url: '/v1/orgs/a%2Fb/users/42?expand=roles', accept: 'application/json', auth: 'Bearer ***' });
    const meta = out.metadata as Record<string, unknown>;
    assert.equal(meta.url, `${s.url}/v1/orgs/a%2Fb/users/42`);
    assert.equal(meta.method, 'GET');
    assert.deepEqual(meta.rate_limit, { limit: 60, remaining: 41 });
    assert.ok(!visible(r).includes(SECRET));
  });

  it('sends a dict body as JSON with Content-Type, and a missing path parameter is a validation error', async () => {
    const s = await serve((req, res) => json(res, 201, { type: req.headers['content-type'], body: JSON.parse(req.body) }));
    const out = await rest({ base_url: s.url, resource: 'users', method: 'POST', data: { name: 'Ada' } });
    assert.equal(out.status_code, 201);
    assert.deepEqual(out.data, { type: 'application/json', body: { name: 'Ada' } });
    await assert.rejects(
      rest({ base_url: s.url, resource: 'users/{id}', path_params: {} }),
      /Missing required path parameter 'id' for resource 'users\/\{id\}'/,
    );
  });

  it('follows page-number pagination up to the total, combining the items', async () => {
    const s = await serve((req, res) => pages(req, res, 'http://x'));
    const out = await rest({
      base_url: s.url,
      version: 'v2',
      resource: 'users',
      paginate: true,
      pagination_params: { type: 'page', limit: 20, total_path: 'meta.total' },
    });
    assert.deepEqual(out.data, USERS);
    assert.deepEqual(
      s.requests.map((q) => q.url),
      ['/v2/users?per_page=20', '/v2/users?per_page=20&page=2', '/v2/users?per_page=20&page=3'],
    );
    assert.deepEqual((out.metadata as { pagination: Record<string, unknown> }).pagination, {
      total: 45,
      page: 1,
      pages_fetched: 3,
      items_fetched: 45,
      complete: true,
    });
  });

  it('follows offset, cursor and Link-header pagination, and stops at max_pages', async () => {
    const s = await serve((req, res) => pages(req, res, 'http://x'));
    const offset = await rest({
      base_url: s.url,
      resource: 'v2/offset',
      paginate: true,
      pagination_params: { type: 'offset', items_path: 'items', limit: 20 },
    });
    assert.deepEqual(offset.data, USERS);
    const cursor = await rest({ base_url: s.url, resource: 'v2/cursor', paginate: true, pagination_params: { type: 'cursor' } });
    assert.deepEqual(cursor.data, USERS);
    const linked = await rest({ base_url: s.url, resource: 'v2/linked', paginate: true, pagination_params: { type: 'link' } });
    assert.deepEqual(linked.data, USERS);
    const capped = await rest({
      base_url: s.url,
      resource: 'v2/cursor',
      paginate: true,
      pagination_params: { type: 'cursor', max_pages: 2 },
    });
    assert.equal((capped.data as unknown[]).length, 40);
    assert.equal((capped.metadata as { pagination: { complete: boolean } }).pagination.complete, false);
  });

  it('stops paginating when the run is cancelled, closing the pending request', async () => {
    const abort = new AbortController();
    const s = await serve((req, res) => {
      if (req.url!.includes('page=3')) return abort.abort(); // hang on page 3 and cancel the run
      pages(req, res, 'http://x');
    });
    const r = await run(
      `nodes:
  - id: all
    type: RESTClientNode
    config: {base_url: "${s.url}", resource: v2/users, paginate: true, pagination_params: {limit: 20, max_pages: 50}}
`,
      { signal: abort.signal },
    );
    assert.equal(r.status, 'cancelled');
    assert.equal(r.nodes.all!.status, 'cancelled');
    assert.equal(s.requests.length, 3);
    await requestSocketsClosed({ ...s, requests: s.requests.slice(2) });
  });

  it("a 4xx gives Kailash's failure dict with the server's message and stops the run", async () => {
    const s = await serve((req, res) => pages(req, res, 'http://x'));
    const r = await run(`nodes:\n  - {id: r, type: RESTClientNode, config: {base_url: "${s.url}", resource: nowhere}}\n`);
    assert.equal(r.status, 'failed');
    assert.deepEqual(r.results.r, {
      data: null,
      status_code: 404,
      success: false,
      error: 'no route /nowhere (status: 404)',
      error_type: 'APIError',
      metadata: {},
      recovery_suggestions: ['Check the URL, method, parameters and credentials: the server rejected the request.'],
    });
    assert.match(r.error!.message, /no route \/nowhere \(status: 404\)/);
  });

  it('a 503 is retried by the retry policy, honouring Retry-After; a refused connection fails as ConnectionError', async () => {
    const s = await serve((_req, res, n) => (n === 1 ? json(res, 503, { error: 'busy' }, { 'retry-after': '0' }) : json(res, 200, [1, 2])));
    const r = await run(
      `nodes:\n  - id: r\n    type: RESTClientNode\n    config: {base_url: "${s.url}", resource: x}\n    retry: {max_attempts: 2, base_delay: 30}\n`,
    );
    assert.equal(r.status, 'succeeded');
    assert.deepEqual(r.results.r!.data, [1, 2]);
    const port = await closedPort();
    const refused = await rest({ base_url: `http://127.0.0.1:${port}`, resource: 'x' });
    assert.equal(refused.success, false);
    assert.equal(refused.error_type, 'ConnectionError');
    assert.match(String(refused.error), /ECONNREFUSED/);
  });

  it('returns a body that is not JSON as text, and times out per `timeout`', async () => {
    const s = await serve((req, res) => {
      if (req.url === '/slow') return;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('not json');
    });
    assert.equal((await rest({ base_url: s.url, resource: 'bad' })).data, 'not json');
    const slow = await rest({ base_url: s.url, resource: 'slow', timeout: 0.2 });
    assert.equal(slow.error_type, 'TimeoutError');
    assert.equal(slow.success, false);
  });
});
