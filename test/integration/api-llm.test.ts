import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { disposeAll } from '../../runtime/engine/resources';
import { call, closedPort, json, listen, run, visible, type TestServer } from './api-support';

const KEY = 'sk-test-9d8c7b6a5f4e';
const env = { KAILASH_SECRET_OPENAI_API_KEY: KEY };

describe('LLMAgentNode against an OpenAI-style endpoint', () => {
  let api: TestServer;
  let script: ((n: number) => [number, unknown, Record<string, string>?]) | undefined;

  before(async () => {
    api = await listen((req, res, n) => {
      if (req.url !== '/v1/chat/completions' || req.method !== 'POST') return json(res, 404, { error: { message: 'Unknown request URL' } });
      if (req.headers.authorization !== `Bearer ${KEY}`)
        return json(res, 401, {
          error: { message: `Incorrect API key provided: ${String(req.headers.authorization).slice(7)}`, code: 'invalid_api_key' },
        });
      if (script) {
        const [status, body, headers] = script(n);
        if (typeof body === 'string') {
          res.writeHead(status, { 'content-type': 'application/json', ...headers });
          return res.end(body);
        }
        return json(res, status, body, headers);
      }
      const body = JSON.parse(req.body);
      const last = body.messages.at(-1).content;
      json(res, 200, {
        id: 'chatcmpl-1',
        object: 'chat.completion',
        model: `${body.model}-2024`,
        choices: [
          {
            index: 0,
            message: {
              role: 'assistant',
              content: `You said: ${last} (t=${body.temperature}, max=${body.max_tokens}, n=${body.messages.length})`,
            },
            finish_reason: 'stop',
          },
        ],
        usage: { prompt_tokens: 12, completion_tokens: 7, total_tokens: 19 },
      });
    });
  });
  beforeEach(() => {
    script = undefined;
    api.requests.length = 0;
  });
  after(async () => {
    await api.close();
    await disposeAll();
  });

  it("sends system prompt, messages and prompt with generation_config, and returns Kailash's output with response.content", async () => {
    const r = await run(
      `nodes:
  - id: ask
    type: LLMAgentNode
    config:
      provider: openai
      base_url: ${api.url}/v1
      model: gpt-4o-mini
      api_key: \${secret:OPENAI_API_KEY}
      system_prompt: Be brief.
      messages: [{role: user, content: Hi}, {role: assistant, content: Hello}]
      prompt: Summarise the order
      generation_config: {temperature: 0.2, max_tokens: 50}
      custom_pricing: {prompt: 0.15, completion: 0.6}
`,
      { env },
    );
    assert.equal(r.status, 'succeeded');
    const out = r.results.ask!;
    assert.deepEqual(Object.keys(out).sort(), ['context', 'conversation_id', 'metadata', 'response', 'success', 'usage']);
    const response = out.response as Record<string, unknown>;
    assert.equal(response.content, 'You said: Summarise the order (t=0.2, max=50, n=4)');
    assert.deepEqual(
      [response.id, response.role, response.model, response.finish_reason],
      ['chatcmpl-1', 'assistant', 'gpt-4o-mini-2024', 'stop'],
    );
    assert.deepEqual(out.usage, { prompt_tokens: 12, completion_tokens: 7, total_tokens: 19, estimated_cost_usd: 0.006 });
    assert.deepEqual((out.metadata as Record<string, unknown>).generation_config, { temperature: 0.2, max_tokens: 50 });
    const sent = JSON.parse(api.requests[0]!.body);
    assert.deepEqual(sent.messages[0], { role: 'system', content: 'Be brief.' });
    assert.equal(sent.model, 'gpt-4o-mini');
  });

  it("a bad key is Kailash's failure dict, stops the run, and the key the server quotes back is redacted", async () => {
    const r = await run(
      `nodes:\n  - id: ask\n    type: LLMAgentNode\n    config: {base_url: "${api.url}/v1", api_key: "\${secret:OPENAI_API_KEY}x", prompt: hi}\n`,
      { env },
    );
    assert.equal(r.status, 'failed');
    const out = r.results.ask!;
    assert.equal(out.success, false);
    assert.equal(out.error_type, 'AuthenticationError');
    assert.match(String(out.error), /refused the request \(HTTP 401\): Incorrect API key provided: \*\*\*$/);
    assert.ok(!visible(r).includes(KEY));
  });

  it('a 429 with Retry-After is retried inside the node (max_retries) and then answers', async () => {
    script = (n) =>
      n === 1
        ? [429, { error: { message: 'Rate limit reached' } }, { 'retry-after': '0' }]
        : [
            200,
            {
              id: 'x',
              model: 'm',
              choices: [{ message: { role: 'assistant', content: 'ok' }, finish_reason: 'stop' }],
              usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
            },
          ];
    const out = await call('LLMAgentNode', { base_url: `${api.url}/v1`, api_key: KEY, prompt: 'hi' });
    assert.equal((out.response as { content: string }).content, 'ok');
    assert.equal(api.requests.length, 2);
  });

  it('5xx after max_retries raises a retryable failure (for a retry policy), with the key scrubbed', async () => {
    script = () => [503, { error: { message: `overloaded for ${KEY}` } }, { 'retry-after': '0' }];
    await assert.rejects(
      call('LLMAgentNode', { base_url: `${api.url}/v1`, api_key: KEY, prompt: 'hi', max_retries: 1 }),
      (e: Error & { retryable?: boolean; type?: string }) => {
        assert.equal(e.type, 'APIError');
        assert.equal(e.retryable, true);
        assert.match(e.message, /Chat completion failed after 2 attempts: HTTP 503/);
        assert.ok(!e.message.includes(KEY));
        return true;
      },
    );
    assert.equal(api.requests.length, 2);
  });

  it('a body that is not a chat completion is a failure dict; a timeout and a refused connection raise', async () => {
    script = () => [200, '<html>proxy login</html>'];
    const bad = await call('LLMAgentNode', { base_url: `${api.url}/v1`, api_key: KEY, prompt: 'hi' });
    assert.equal(bad.success, false);
    assert.equal(bad.error_type, 'InvalidResponseError');
    const port = await closedPort();
    await assert.rejects(
      call('LLMAgentNode', { base_url: `http://127.0.0.1:${port}/v1`, api_key: KEY, prompt: 'hi', max_retries: 0 }),
      /ECONNREFUSED/,
    );
    const hang = await listen(() => undefined);
    try {
      await assert.rejects(
        call('LLMAgentNode', { base_url: `${hang.url}/v1`, api_key: KEY, prompt: 'hi', max_retries: 0, timeout: 0.2 }),
        (e: Error & { type?: string }) => e.type === 'TimeoutError',
      );
    } finally {
      await hang.close();
    }
  });

  it('provider mock answers offline; nothing to ask is a validation error', async () => {
    const out = await call('LLMAgentNode', { provider: 'mock', prompt: 'ping' });
    assert.equal((out.response as { content: string }).content, 'Mock response to: ping');
    assert.equal(out.success, true);
    await assert.rejects(call('LLMAgentNode', { provider: 'mock', system_prompt: 'only a system prompt' }), /needs `messages` or `prompt`/);
    await assert.rejects(call('LLMAgentNode', { provider: 'anthropic', prompt: 'x' }), /give its base_url/);
  });
});
