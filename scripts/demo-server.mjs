// The servers the API examples talk to, all on 127.0.0.1 (`npm run demo-server`; Ctrl-C stops):
//   8080 REST API, health, inventory (flaky on purpose), invoices, user service, Slack webhook,
//        signed webhook deliveries      8081 OAuth 2.0 token endpoint      4000 GraphQL
//   8090 pricing (POST /admin/outage?on=1|0 toggles an outage)   8500 Consul v1 stand-in
//   8765 WebSocket price stream
// Credentials come from examples/demo.env, the file the examples run with (--env-file).
// Plain node:http, ws and graphql: nothing to build. `startDemoServers` (the test of the examples
// uses it) starts the same servers on other ports (0: any free one) and reports what they saw.
import { once } from 'node:events';
import { createHmac, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { pathToFileURL } from 'node:url';
import { parseEnv } from 'node:util';
import { buildSchema, graphql } from 'graphql';
import { WebSocketServer } from 'ws';

export const DEFAULT_PORTS = { rest: 8080, oauth: 8081, graphql: 4000, pricing: 8090, consul: 8500, websocket: 8765 };
const HOST = '127.0.0.1';

function send(res, status, body, headers = {}) {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { 'content-type': typeof body === 'string' ? 'text/plain' : 'application/json', ...headers });
  res.end(text);
}

async function readBody(req) {
  const chunks = [];
  for await (const c of req) chunks.push(c);
  return Buffer.concat(chunks).toString('utf8');
}

const bearer = (req) => String(req.headers.authorization ?? '').replace(/^Bearer\s+/i, '');

/**
 * Starts every demo server; `ports` overrides DEFAULT_PORTS, `quiet` stops the request log.
 * Resolves when all listen, with their ports, the Slack messages received, and `close`.
 */
export async function startDemoServers({ ports: wanted = {}, quiet = false } = {}) {
  const ports = { ...DEFAULT_PORTS, ...wanted };
  const env = parseEnv(readFileSync(new URL('../examples/demo.env', import.meta.url), 'utf8'));
  const secret = (name) => env[`KAILASH_SECRET_${name}`];
  const say = quiet ? () => {} : (...a) => console.log(...a);
  const servers = [];
  const slack = [];

  function log(port, req, status) {
    say(`${new Date().toISOString().slice(11, 19)} :${port} ${req.method} ${req.url.split('?')[0]} → ${status}`);
  }

  function serve(port, name, handler) {
    const server = createServer(async (req, res) => {
      const body = await readBody(req);
      const url = new URL(req.url, `http://${HOST}:${port}`);
      const end = res.end.bind(res);
      res.end = (...args) => (log(port, req, res.statusCode), end(...args));
      try {
        await handler(req, res, url, body);
      } catch (err) {
        send(res, 500, { error: String(err?.message ?? err) });
      }
    });
    server.on('error', (err) => console.error(`${name} on ${HOST}:${port}: ${err.message}`));
    servers.push(server);
    server.listen(port, HOST, () => say(`${name.padEnd(22)} http://${HOST}:${server.address().port}`));
    return server;
  }

  // ---- 8080: REST API and friends -------------------------------------------------------------
  const ROLES = ['admin', 'editor', 'viewer', 'viewer'];
  const USERS = Array.from({ length: 230 }, (_, i) => ({
    id: i + 1,
    name: `user${i + 1}`,
    role: ROLES[i % ROLES.length],
    status: i % 10 === 9 ? 'inactive' : 'active',
  }));
  const INVENTORY = [
    { sku: 'A-1', name: 'Anchor bolt', quantity: 3, reorder_level: 10 },
    { sku: 'B-7', name: 'Bracket', quantity: 42, reorder_level: 20 },
    { sku: 'C-2', name: 'Cable tie', quantity: 0, reorder_level: 50 },
    { sku: 'D-9', name: 'Dowel', quantity: 12 },
  ];
  const oauthTokens = new Map(); // access token → expiry (ms)
  let inventoryCalls = 0;

  function signedDelivery() {
    const payload = JSON.stringify({ order: { id: 5001, total: 129.9, items: [{ sku: 'A-1', qty: 2 }] } });
    const ts = String(Math.floor(Date.now() / 1000));
    const signature = `sha256=${createHmac('sha256', secret('WEBHOOK_SECRET')).update(`${ts}.${payload}`).digest('hex')}`;
    return { payload, signature, headers: { 'X-Event-Type': 'order.paid', 'X-Timestamp': ts } };
  }

  const rest = serve(ports.rest, 'REST API', (req, res, url, body) => {
    const path = url.pathname;
    if (path === '/health') return send(res, 200, { status: 'ok', checks: { database: 'ok', cache: 'ok', queue: 'ok' } });
    if (path === '/v1/users' && req.method === 'GET') {
      if (bearer(req) !== secret('API_TOKEN')) return send(res, 401, { error: { message: 'invalid token' } });
      const status = url.searchParams.get('status');
      const list = USERS.filter((u) => !status || u.status === status);
      const page = Number(url.searchParams.get('page') ?? 1);
      const perPage = Math.min(100, Number(url.searchParams.get('per_page') ?? 20));
      return send(
        res,
        200,
        { data: list.slice((page - 1) * perPage, page * perPage), meta: { page, per_page: perPage, total: list.length } },
        { 'x-ratelimit-limit': '600', 'x-ratelimit-remaining': '599' },
      );
    }
    if (path === '/v1/reports' && req.method === 'POST') {
      if (req.headers['x-api-key'] !== secret('REPORTS_API_KEY')) return send(res, 403, { error: 'bad API key' });
      return send(res, 201, { id: randomUUID(), received: JSON.parse(body || 'null') });
    }
    if (path === '/inventory') {
      if (bearer(req) !== secret('INVENTORY_TOKEN')) return send(res, 401, { error: 'invalid token' });
      // Two failures out of three: the retry example's policy rides them out.
      inventoryCalls++;
      if (inventoryCalls % 3 === 1) return send(res, 503, { error: 'inventory service warming up' }, { 'retry-after': '0' });
      if (inventoryCalls % 3 === 2) return send(res, 502, { error: 'bad gateway' });
      return send(res, 200, INVENTORY);
    }
    if (path === '/api/invoices') {
      const expiry = oauthTokens.get(bearer(req));
      if (!expiry || expiry < Date.now()) return send(res, 401, { error: 'invalid_token' });
      return send(res, 200, [
        { id: 'INV-1', amount: 120.5, due_date: '2024-01-31', status: 'unpaid' },
        { id: 'INV-2', amount: 80, due_date: '2099-12-31', status: 'unpaid' },
        { id: 'INV-3', amount: 42.25, due_date: '2024-03-15', status: 'unpaid' },
      ]);
    }
    if (path === '/api/users') {
      if (bearer(req) !== secret('USER_SERVICE_TOKEN')) return send(res, 401, { error: 'invalid token' });
      return send(res, 200, USERS.filter((u) => u.status === 'active').slice(0, Number(url.searchParams.get('limit') ?? 100)));
    }
    if (path.startsWith('/slack/services/') && req.method === 'POST') {
      if (path !== new URL(secret('SLACK_WEBHOOK_URL')).pathname) return send(res, 404, 'no_service');
      const msg = JSON.parse(body || '{}');
      if (!msg.text) return send(res, 400, 'invalid_payload');
      slack.push(msg);
      say(`  slack ← ${msg.username ?? 'app'}: ${msg.text}`);
      return send(res, 200, 'ok');
    }
    if (path === '/webhooks/sample-delivery') return send(res, 200, signedDelivery());
    send(res, 404, { error: { message: `no route ${path}` } });
  });

  // ---- 8081: OAuth 2.0 token endpoint (client credentials) -------------------------------------
  serve(ports.oauth, 'OAuth 2.0', (req, res, url, body) => {
    if (url.pathname !== '/realms/demo/protocol/openid-connect/token' || req.method !== 'POST')
      return send(res, 404, { error: 'not_found' });
    const form = new URLSearchParams(body);
    const basic = /^Basic (.+)$/.exec(String(req.headers.authorization ?? ''))?.[1];
    const [id, sec] = basic ? Buffer.from(basic, 'base64').toString().split(':') : [form.get('client_id'), form.get('client_secret')];
    if (id !== env.OAUTH_CLIENT_ID || sec !== secret('OAUTH_CLIENT_SECRET'))
      return send(res, 401, { error: 'invalid_client', error_description: 'Invalid client credentials' });
    if (form.get('grant_type') !== 'client_credentials') return send(res, 400, { error: 'unsupported_grant_type' });
    const token = randomUUID();
    oauthTokens.set(token, Date.now() + 300_000);
    send(
      res,
      200,
      { access_token: token, token_type: 'Bearer', expires_in: 300, scope: form.get('scope') ?? '' },
      { 'cache-control': 'no-store' },
    );
  });

  // ---- 4000: GraphQL ---------------------------------------------------------------------------
  const schema = buildSchema(`
  enum OrderStatus { OPEN SHIPPED }
  type Customer { id: ID!, email: String! }
  type Order { id: ID!, total: Float!, currency: String!, status: OrderStatus!, customer: Customer! }
  type OrderPage { nodes: [Order!]! }
  type SyncResult { updated: Int! }
  type Query { orders(first: Int!, status: OrderStatus!): OrderPage! }
  type Mutation { markOrdersSynced(ids: [ID!]!, syncedBy: String!): SyncResult! }
`);
  const ORDERS = Array.from({ length: 8 }, (_, i) => ({
    id: `ord_${i + 1}`,
    total: 25 * (i + 1),
    currency: 'EUR',
    status: i % 3 ? 'OPEN' : 'SHIPPED',
    customer: { id: `cus_${i + 1}`, email: `c${i + 1}@example.com` },
    synced: false,
  }));
  const root = {
    orders: ({ first, status }) => ({ nodes: ORDERS.filter((o) => o.status === status).slice(0, first) }),
    markOrdersSynced: ({ ids, syncedBy }) => {
      const hit = ORDERS.filter((o) => ids.includes(o.id));
      for (const o of hit) o.synced = syncedBy;
      return { updated: hit.length };
    },
  };
  serve(ports.graphql, 'GraphQL', async (req, res, url, body) => {
    if (url.pathname !== '/graphql' || req.method !== 'POST') return send(res, 404, { errors: [{ message: 'POST /graphql' }] });
    if (bearer(req) !== secret('GRAPHQL_TOKEN')) return send(res, 401, { errors: [{ message: 'invalid token' }] });
    const { query, variables, operationName } = JSON.parse(body || '{}');
    // As GraphQL servers do: errors (even validation errors) come back with HTTP 200.
    send(res, 200, await graphql({ schema, source: query, rootValue: root, variableValues: variables, operationName }));
  });

  // ---- 8090: pricing, with a switchable outage for the circuit-breaker example ------------------
  let outage = false;
  serve(ports.pricing, 'Pricing', (req, res, url) => {
    if (url.pathname === '/admin/outage' && req.method === 'POST') {
      outage = url.searchParams.get('on') !== '0';
      return send(res, 200, { outage });
    }
    if (url.pathname !== '/v2/prices') return send(res, 404, { error: 'not found' });
    if (req.headers['x-api-key'] !== secret('PRICING_API_KEY')) return send(res, 403, { error: 'bad API key' });
    if (outage) return send(res, 503, { error: 'pricing engine unavailable' });
    send(res, 200, {
      currency: url.searchParams.get('currency') ?? 'EUR',
      updated_at: new Date().toISOString(),
      items: [
        { sku: 'A-1', price: 21.5 },
        { sku: 'B-7', price: 4.75 },
      ],
    });
  });

  // ---- 8500: Consul v1 stand-in ----------------------------------------------------------------
  const instance = (id, port, tags, status) => ({
    Node: { Node: `demo-node-${id}`, Address: HOST, Datacenter: 'dc1' },
    Service: { ID: `user-service-${id}`, Service: 'user-service', Tags: tags, Address: HOST, Port: port, Meta: {} },
    Checks: [
      { CheckID: 'serfHealth', Status: 'passing' },
      { CheckID: `service:user-service-${id}`, Status: status },
    ],
  });
  // Instances point at the REST server, wherever it listens.
  const catalog = () => ({
    'user-service': [
      instance(1, rest.address().port, ['v2'], 'passing'),
      instance(2, rest.address().port, ['v2'], 'passing'),
      instance(3, rest.address().port, ['v2'], 'critical'),
      instance(4, rest.address().port, ['v1'], 'passing'),
    ],
  });
  serve(ports.consul, 'Consul (stand-in)', (req, res, url) => {
    const m = /^\/v1\/health\/service\/([^/]+)$/.exec(url.pathname);
    if (!m) return send(res, 404, 'Invalid URL path');
    let list = catalog()[decodeURIComponent(m[1])] ?? [];
    if (url.searchParams.has('passing')) list = list.filter((e) => e.Checks.every((c) => c.Status === 'passing'));
    const tag = url.searchParams.get('tag');
    if (tag) list = list.filter((e) => e.Service.Tags.includes(tag));
    send(res, 200, list, { 'x-consul-index': '1', 'x-consul-knownleader': 'true' });
  });

  // ---- 8765: WebSocket price stream ------------------------------------------------------------
  const wsHttp = createServer((req, res) => send(res, 426, 'Upgrade Required'));
  const wss = new WebSocketServer({
    server: wsHttp,
    path: '/prices',
    verifyClient: ({ req }, done) => (bearer(req) === secret('WS_TOKEN') ? done(true) : done(false, 401, 'Unauthorized')),
  });
  wss.on('connection', (ws) => {
    say('  ws: client connected to /prices');
    let timer;
    let n = 0;
    ws.on('message', (data) => {
      const msg = JSON.parse(String(data));
      if (msg.action === 'subscribe' && !timer) {
        ws.send(JSON.stringify({ type: 'subscribed', symbols: msg.symbols ?? [] }));
        const symbols = msg.symbols?.length ? msg.symbols : ['BTC-EUR'];
        timer = setInterval(() => {
          const symbol = symbols[n++ % symbols.length];
          ws.send(
            JSON.stringify({
              type: 'tick',
              symbol,
              price: Math.round((symbol.startsWith('BTC') ? 61000 : 3100) * (1 + Math.sin(n) / 100) * 100) / 100,
            }),
          );
        }, 100);
      }
      if (msg.action === 'snapshot') ws.send(JSON.stringify({ type: 'snapshot', symbol: 'BTC-EUR', price: 61000 }));
    });
    ws.on('close', () => clearInterval(timer));
  });
  wsHttp.on('error', (err) => console.error(`WebSocket on ${HOST}:${ports.websocket}: ${err.message}`));
  servers.push(wsHttp);
  wsHttp.listen(ports.websocket, HOST, () => say(`${'WebSocket'.padEnd(22)} ws://${HOST}:${wsHttp.address().port}/prices`));

  await Promise.all(servers.map((s) => (s.listening ? undefined : once(s, 'listening'))));
  const names = ['rest', 'oauth', 'graphql', 'pricing', 'consul', 'websocket'];
  return {
    ports: Object.fromEntries(names.map((n, i) => [n, servers[i].address().port])),
    slack,
    close: async () => {
      for (const c of wss.clients) c.terminate();
      wss.close();
      await Promise.all(
        servers.map((s) => {
          s.closeAllConnections?.();
          return new Promise((r) => s.close(() => r()));
        }),
      );
    },
  };
}

// Not a top-level await: the tests load this file through tsx, which compiles it to CommonJS.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href)
  startDemoServers().catch((err) => {
    console.error(err);
    process.exit(1);
  });
