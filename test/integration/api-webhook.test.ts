import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { request } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { call, listen, run, visible, type TestServer } from './api-support';

const SECRET = 'whsec-7d1f0c2b9a84e6';
const env = { KAILASH_SECRET_WEBHOOK_SECRET: SECRET };
const verify = (inputs: Record<string, unknown>) => call('WebhookVerifyNode', inputs);

interface Delivery {
  payload: string;
  signature: string;
  headers: Record<string, string>;
}

describe('WebhookVerifyNode on deliveries sent over HTTP', () => {
  let receiver: TestServer;

  before(async () => {
    receiver = await listen((_req, res) => {
      res.writeHead(202);
      res.end();
    });
  });
  after(() => receiver.close());

  /** A sender as GitHub or Stripe would be: signs the raw body and POSTs it; returns what the receiver got. */
  async function deliver(
    body: string,
    sign: (body: string, ts: string) => Record<string, string>,
    event = 'order.paid',
  ): Promise<Delivery> {
    const ts = String(Math.floor(Date.now() / 1000));
    const headers = { 'content-type': 'application/json', 'x-event-type': event, 'x-timestamp': ts, ...sign(body, ts) };
    await new Promise<void>((resolve, reject) => {
      const req = request(`${receiver.url}/hooks`, { method: 'POST', headers }, (res) => res.resume().on('end', resolve));
      req.on('error', reject);
      req.end(body);
    });
    const got = receiver.requests.at(-1)!;
    const h = Object.fromEntries(Object.entries(got.headers).map(([k, v]) => [k, String(v)]));
    return { payload: got.body, signature: h['x-signature'] ?? h['x-hub-signature-256'] ?? '', headers: h };
  }

  const hex = (algorithm: string, data: string, key = SECRET) => createHmac(algorithm, key).update(data).digest('hex');
  const github = (body: string) => ({ 'x-hub-signature-256': `sha256=${hex('sha256', body)}` });
  const stripeLike = (body: string, ts: string) => ({ 'x-signature': `sha256=${hex('sha256', `${ts}.${body}`)}` });

  it('verifies a GitHub-style signature through the engine and returns the event type and parsed data', async () => {
    const d = await deliver('{"order": {"id": 5001, "total": 129.9}}', github);
    // The delivery arrives as run parameters (JSON is YAML), as the webhook example shows.
    const r = await run(
      `nodes:
  - id: verify
    type: WebhookVerifyNode
    config: {webhook_secret: "\${secret:WEBHOOK_SECRET}", timestamp_header: X-Timestamp}
parameters: {verify: ${JSON.stringify(d)}}
`,
      { env },
    );
    assert.equal(r.status, 'succeeded');
    assert.deepEqual(r.results.verify, { verified: true, event_type: 'order.paid', data: { order: { id: 5001, total: 129.9 } } });
  });

  it('accepts a signature over "<timestamp>.<body>", base64 signatures and other digests', async () => {
    const d = await deliver('{"a":1}', stripeLike);
    assert.equal((await verify({ ...d, webhook_secret: SECRET, timestamp_header: 'X-Timestamp' })).verified, true);
    const b64 = createHmac('sha256', SECRET).update(d.payload).digest('base64');
    assert.equal((await verify({ ...d, signature: b64, signature_prefix: '', webhook_secret: SECRET })).verified, true);
    const sha1 = `sha1=${hex('sha1', d.payload)}`;
    assert.equal(
      (await verify({ ...d, signature: sha1, algorithm: 'sha1', signature_prefix: 'sha1=', webhook_secret: SECRET })).verified,
      true,
    );
    const upper = `sha512=${hex('sha512', d.payload).toUpperCase()}`;
    assert.equal(
      (await verify({ ...d, signature: upper, algorithm: 'sha512', signature_prefix: 'sha512=', webhook_secret: SECRET })).verified,
      true,
    );
  });

  it("a tampered body, a wrong secret or another algorithm's prefix is verified: false with a reason, and no data", async () => {
    const d = await deliver('{"amount": 10}', github);
    const tampered = await verify({ ...d, payload: '{"amount": 10000}', webhook_secret: SECRET });
    assert.deepEqual(tampered, { verified: false, event_type: null, data: null, error: 'The signature does not match the payload.' });
    const wrong = await verify({ ...d, webhook_secret: 'another-secret' });
    assert.equal(wrong.verified, false);
    const sha1 = await verify({ ...d, signature: `sha1=${hex('sha1', d.payload)}`, webhook_secret: SECRET });
    assert.match(String(sha1.error), /prefix is not 'sha256='/);
    const garbage = await verify({ ...d, signature: 'sha256=zz', webhook_secret: SECRET });
    assert.match(String(garbage.error), /not a sha256 digest in hex or base64/);
    const empty = await verify({ ...d, signature: '', webhook_secret: SECRET });
    assert.equal(empty.error, 'No signature was provided.');
  });

  it('rejects replays: a stale or future timestamp, or a missing timestamp header', async () => {
    const d = await deliver('{"x":1}', stripeLike);
    const old = String(Math.floor(Date.now() / 1000) - 3600);
    const stale = await verify({
      ...d,
      headers: { ...d.headers, 'x-timestamp': old },
      signature: `sha256=${hex('sha256', `${old}.${d.payload}`)}`,
      webhook_secret: SECRET,
      timestamp_header: 'X-Timestamp',
      tolerance_seconds: 300,
    });
    assert.equal(stale.verified, false);
    assert.match(String(stale.error), /is 3\d{3} s old, beyond the 300 s tolerance/);
    const future = String(Math.floor(Date.now() / 1000) + 3600);
    const ahead = await verify({
      ...d,
      headers: { ...d.headers, 'x-timestamp': future },
      webhook_secret: SECRET,
      timestamp_header: 'X-Timestamp',
    });
    assert.match(String(ahead.error), /in the future/);
    const { 'x-timestamp': _, ...without } = d.headers;
    const missing = await verify({ ...d, headers: without, webhook_secret: SECRET, timestamp_header: 'X-Timestamp' });
    assert.equal(missing.error, 'The X-Timestamp header is missing.');
    // The signature binds the timestamp: moving it forward to pass the window breaks the signature.
    const fresh = String(Math.floor(Date.now() / 1000));
    const replay = await verify({
      ...d,
      headers: { ...d.headers, 'x-timestamp': fresh },
      signature: `sha256=${hex('sha256', `${old}.${d.payload}`)}`,
      webhook_secret: SECRET,
      timestamp_header: 'X-Timestamp',
    });
    assert.equal(replay.verified, false);
  });

  it('never shows the secret, even when the delivery carries it; an unknown algorithm is a validation error', async () => {
    const d = await deliver(`{"leak": "${SECRET}"}`, github);
    const r = await run(
      `nodes:\n  - {id: v, type: WebhookVerifyNode, config: {webhook_secret: "\${secret:WEBHOOK_SECRET}"}}\nparameters: {v: ${JSON.stringify({ ...d, payload: d.payload + ' ' })}}\n`,
      { env },
    );
    assert.equal(r.results.v!.verified, false);
    assert.ok(!visible(r).includes(SECRET));
    const bad = await run(
      `nodes:\n  - {id: v, type: WebhookVerifyNode, config: {webhook_secret: "\${secret:WEBHOOK_SECRET}", algorithm: md99}}\nparameters: {v: ${JSON.stringify(d)}}\n`,
      { env },
    );
    assert.equal(bad.nodes.v!.error?.type, 'NodeValidationError');
    assert.match(bad.nodes.v!.error!.message, /Unsupported HMAC algorithm 'md99'/);
    assert.ok(!visible(bad).includes(SECRET));
  });
});
