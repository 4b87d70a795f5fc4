// The guide's microservice and web patterns: service discovery through Consul's health API, a
// signed webhook delivery, and a WebSocket request/response. Each runs as the workflow file a
// guide reader writes, with the run-time values the guide passes to its functions, against
// servers on 127.0.0.1 (node:http stand-ins for Consul and the services, `ws` for WebSocket).
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { WebSocketServer } from 'ws';
import { json, listen, type TestServer } from '../integration/api-support';
import { count, folder, run } from './cli';

describe('guide: service discovery, then a call to a healthy instance', () => {
  const files = folder();
  let healthy: TestServer;
  let failing: TestServer;
  let consul: TestServer;
  before(async () => {
    healthy = await listen((req, res) => json(res, 200, [{ id: 7, name: 'ada', served_by: 'healthy' }]));
    failing = await listen((req, res) => json(res, 500, { error: 'should never be called' }));
    // Consul's /v1/health/service/<name>: node, service and checks per instance; the critical one first.
    const entry = (id: string, port: number, status: string) => ({
      Node: { Node: `node-${id}`, Address: '127.0.0.1' },
      Service: { ID: `user-service-${id}`, Service: 'user-service', Address: '127.0.0.1', Port: port, Tags: [] },
      Checks: [
        { CheckID: 'serfHealth', Status: 'passing' },
        { CheckID: `service:user-service-${id}`, Status: status },
      ],
    });
    consul = await listen((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      if (url.pathname !== '/v1/health/service/user-service') return json(res, 404, []);
      let list = [entry('a', failing.port, 'critical'), entry('b', healthy.port, 'passing')];
      if (url.searchParams.has('passing')) list = list.filter((e) => e.Checks.every((c) => c.Status === 'passing'));
      json(res, 200, list, { 'x-consul-index': '12' });
    });
  });
  after(async () => {
    await Promise.all([healthy.close(), failing.close(), consul.close()]);
    files.cleanup();
  });

  it("asks Consul for passing instances, calls the first at /api/users with the run's params", async () => {
    const file = files.write(
      'discovery.workflow.yaml',
      `name: user-lookup
nodes:
  - id: service_discovery
    type: ServiceDiscoveryNode
    config:
      consul_url: ${consul.url}
      service_name: user-service
      passing_only: true
      path: /api/users
  - id: service_caller
    type: HTTPRequestNode
    config:
      method: GET
connections:
  - {from_node: service_discovery, from_output: selected.url, to_node: service_caller, to_input: url}
`,
    );
    const r = await run(file, ['service_caller.params={active: true, limit: 10}']);
    assert.equal(r.code, 0, r.stderr + r.stdout);
    assert.equal(consul.requests.length, 1);
    assert.match(consul.requests[0]!.url, /[?&]passing(=|&|$)/);
    assert.equal(failing.requests.length, 0, 'the critical instance is never called');
    assert.equal(healthy.requests.length, 1);
    // requests writes str() of each query value, so a YAML true is sent as True (as Kailash sends it).
    assert.equal(healthy.requests[0]!.url, '/api/users?active=True&limit=10');
    assert.equal(r.record!.results.service_discovery!.count, 1);
    const response = r.record!.results.service_caller!.response as { content: unknown };
    assert.deepEqual(response.content, [{ id: 7, name: 'ada', served_by: 'healthy' }]);
  });
});

describe('guide: a signed webhook delivery, verified', () => {
  const SECRET = 'whsec-guide-5c1f7e';
  const files = folder();
  let receiver: TestServer;
  let file: string;
  before(async () => {
    receiver = await listen((req, res) => res.writeHead(202).end());
    file = files.write(
      'webhook.workflow.yaml',
      `name: webhook-receiver
nodes:
  - id: webhook_processor
    type: WebhookVerifyNode
    config:
      webhook_secret: \${secret:WEBHOOK_SECRET}
`,
    );
  });
  after(async () => {
    await receiver.close();
    files.cleanup();
  });

  /** A sender signs the raw body as the guide checks it, `sha256=<hex HMAC>`, and POSTs it. */
  async function deliver(body: string, signWith = SECRET) {
    const signature = `sha256=${createHmac('sha256', signWith).update(body).digest('hex')}`;
    await fetch(`${receiver.url}/hooks/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': signature, 'x-event-type': 'order.paid' },
      body,
    });
    const got = receiver.requests.at(-1)!;
    // The receiver hands the request to the workflow as run parameters, as the guide's function gets them.
    const params = join(files.dir, `delivery-${receiver.requests.length}.json`);
    writeFileSync(
      params,
      JSON.stringify({
        webhook_processor: {
          payload: got.body,
          signature: got.headers['x-hub-signature-256'],
          headers: { 'X-Event-Type': got.headers['x-event-type'] },
        },
      }),
    );
    return params;
  }

  it("verifies the signature and returns the guide's verified, event_type and parsed data", async () => {
    const params = await deliver(JSON.stringify({ order: { id: 5001, total: 129.9 } }));
    const ran = await runWithParams(params);
    assert.equal(ran.code, 0, ran.stderr + ran.stdout);
    assert.deepEqual(ran.record!.results.webhook_processor, {
      verified: true,
      event_type: 'order.paid',
      data: { order: { id: 5001, total: 129.9 } },
    });
    assert.equal(count(ran.stdout + ran.stderr, SECRET), 0);
  });

  it('a body signed with another secret is verified: false, and its data is not passed on', async () => {
    const params = await deliver(JSON.stringify({ order: { id: 6666, total: 0.01 } }), 'attacker-secret');
    const ran = await runWithParams(params);
    assert.equal(ran.code, 0, ran.stderr + ran.stdout);
    const out = ran.record!.results.webhook_processor!;
    assert.equal(out.verified, false);
    assert.equal(out.data, null);
    assert.match(String(out.error), /signature/i);
  });

  function runWithParams(params: string) {
    return run(file, [], { KAILASH_SECRET_WEBHOOK_SECRET: SECRET }, ['--params', params]);
  }
});

describe('guide: WebSocket, one message out and its reply back', () => {
  const files = folder();
  let http: Server;
  let wss: WebSocketServer;
  let url: string;
  const received: unknown[] = [];
  before(async () => {
    http = createServer();
    wss = new WebSocketServer({ server: http, path: '/quotes' });
    wss.on('connection', (ws) =>
      ws.on('message', (data) => {
        const msg = JSON.parse(String(data)) as { symbol: string };
        received.push(msg);
        ws.send(JSON.stringify({ type: 'quote', symbol: msg.symbol, price: 61000.5 }));
      }),
    );
    http.listen(0, '127.0.0.1');
    await once(http, 'listening');
    url = `ws://127.0.0.1:${(http.address() as AddressInfo).port}/quotes`;
  });
  after(async () => {
    for (const c of wss.clients) c.terminate();
    wss.close();
    http.close();
    files.cleanup();
  });

  it("sends the run's message as JSON and returns the parsed reply", async () => {
    const file = files.write(
      'ws.workflow.yaml',
      `name: quote
nodes:
  - id: websocket_client
    type: WebSocketNode
    config:
      websocket_url: ${url}
`,
    );
    const r = await run(file, ['websocket_client.message={action: quote, symbol: BTC-EUR}']);
    assert.equal(r.code, 0, r.stderr + r.stdout);
    assert.deepEqual(received, [{ action: 'quote', symbol: 'BTC-EUR' }]);
    const out = r.record!.results.websocket_client!;
    assert.deepEqual(out.response, { type: 'quote', symbol: 'BTC-EUR', price: 61000.5 });
    assert.deepEqual(out.responses, [out.response]);
    assert.equal(out.closed, true);
  });
});
