import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { disposeAll } from '../../runtime/engine/resources';
import { closedPort, json, listen, run, visible, type TestServer } from './api-support';

const TOKEN = 'xoxb-test-0000-s3cret';
const HOOK_PATH = '/services/T000/B000/s3cretWebhookPath';

describe('SlackNotificationNode against a Slack-style server', () => {
  let slack: TestServer;
  let limited = 0;
  const saved = process.env.SLACK_API_URL;

  before(async () => {
    slack = await listen((req, res) => {
      const body = req.body ? JSON.parse(req.body) : {};
      if (req.url === HOOK_PATH) {
        if (!body.text) {
          res.writeHead(400, { 'content-type': 'text/plain' });
          return res.end('invalid_payload');
        }
        res.writeHead(200, { 'content-type': 'text/plain' });
        return res.end('ok');
      }
      if (req.url === '/services/limited') {
        if (limited++ === 0) {
          res.writeHead(429, { 'retry-after': '0', 'content-type': 'text/plain' });
          return res.end('rate_limited');
        }
        res.writeHead(200, { 'content-type': 'text/plain' });
        return res.end('ok');
      }
      if (req.url === '/services/archived') {
        res.writeHead(410, { 'content-type': 'text/plain' });
        return res.end('channel_is_archived');
      }
      if (req.url === '/api/chat.postMessage') {
        if (req.headers.authorization !== `Bearer ${TOKEN}`) return json(res, 200, { ok: false, error: 'invalid_auth' });
        if (body.channel !== '#ops') return json(res, 200, { ok: false, error: 'channel_not_found' });
        return json(res, 200, {
          ok: true,
          channel: 'C123',
          ts: '1700000000.000100',
          message: { text: body.text, username: body.username },
        });
      }
      json(res, 404, { ok: false });
    });
    process.env.SLACK_API_URL = `${slack.url}/api`;
  });
  afterEach(() => {
    slack.requests.length = 0;
  });
  after(async () => {
    if (saved === undefined) delete process.env.SLACK_API_URL;
    else process.env.SLACK_API_URL = saved;
    await slack.close();
    await disposeAll();
  });

  const env = () => ({ KAILASH_SECRET_SLACK_WEBHOOK_URL: slack.url + HOOK_PATH, KAILASH_SECRET_SLACK_TOKEN: TOKEN });
  const node = (config: string, extra = '') => `nodes:\n  - id: notify\n    type: SlackNotificationNode\n    config: ${config}\n${extra}`;

  it('posts text, blocks, name and emoji to an incoming webhook', async () => {
    const r = await run(
      node(
        `{webhook_url: "\${secret:SLACK_WEBHOOK_URL}", message: "Sync done", bot_name: Bot, icon_emoji: ":robot_face:", blocks: [{type: section, text: {type: mrkdwn, text: "*done*"}}]}`,
      ),
      { env: env() },
    );
    assert.equal(r.status, 'succeeded');
    assert.deepEqual(r.results.notify, { sent: true, response: 'ok' });
    assert.deepEqual(JSON.parse(slack.requests[0]!.body), {
      text: 'Sync done',
      blocks: [{ type: 'section', text: { type: 'mrkdwn', text: '*done*' } }],
      username: 'Bot',
      icon_emoji: ':robot_face:',
    });
  });

  it("posts with a bot token through chat.postMessage; ok: false is sent: false with Slack's reason", async () => {
    const ok = await run(node(`{token: "\${secret:SLACK_TOKEN}", channel: "#ops", message: hello, bot_name: Bot}`), { env: env() });
    assert.equal(ok.status, 'succeeded');
    assert.equal(ok.results.notify!.sent, true);
    assert.deepEqual((ok.results.notify!.response as { message: unknown }).message, { text: 'hello', username: 'Bot' });
    const missing = await run(node(`{token: "\${secret:SLACK_TOKEN}", channel: "#nowhere", message: hello}`), { env: env() });
    assert.equal(missing.status, 'succeeded', 'a refused post does not stop the run');
    assert.deepEqual(missing.results.notify, {
      sent: false,
      response: { ok: false, error: 'channel_not_found' },
      error: 'Slack chat.postMessage rejected the message: channel_not_found',
    });
    assert.ok(!visible(ok).includes(TOKEN) && !visible(missing).includes(TOKEN));
  });

  it('a webhook refusal (410) is sent: false, and the error never shows the webhook URL', async () => {
    const r = await run(node(`{webhook_url: "\${secret:SLACK_WEBHOOK_URL}", message: hi}`), {
      env: { ...env(), KAILASH_SECRET_SLACK_WEBHOOK_URL: `${slack.url}/services/archived` },
    });
    assert.deepEqual(r.results.notify, {
      sent: false,
      response: 'channel_is_archived',
      error: 'Slack webhook rejected the message (HTTP 410): channel_is_archived',
    });
  });

  it('429 with Retry-After fails the attempt retryably; the retry policy waits as asked and posts', async () => {
    const r = await run(
      node(`{webhook_url: "\${secret:SLACK_WEBHOOK_URL}", message: hi}`, '    retry: {max_attempts: 3, base_delay: 30}\n'),
      { env: { ...env(), KAILASH_SECRET_SLACK_WEBHOOK_URL: `${slack.url}/services/limited` } },
    );
    assert.equal(r.status, 'succeeded');
    assert.equal(r.nodes.notify!.attempts, 2);
    assert.equal(slack.requests.length, 2);
    const retry = r.events.find((e) => e.type === 'node-retry') as { delayMs: number; cause: string };
    assert.equal(retry.delayMs, 0);
    assert.match(retry.cause, /Slack webhook did not take the message: HTTP 429 rate_limited/);
  });

  it('a refused connection raises retryably without naming the webhook path', async () => {
    const port = await closedPort();
    const url = `http://127.0.0.1:${port}${HOOK_PATH}`;
    const r = await run(node(`{webhook_url: "${url}", message: hi}`));
    assert.equal(r.status, 'failed');
    assert.equal(r.nodes.notify!.error?.type, 'ConnectionError');
    assert.match(r.nodes.notify!.error!.message, /Slack webhook could not be reached: .*ECONNREFUSED/);
    assert.ok(!visible(r).includes('s3cretWebhookPath'));
  });
});
