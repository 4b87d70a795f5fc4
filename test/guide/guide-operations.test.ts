// The guide's integration checklist: "Security: never log sensitive data (tokens, passwords)",
// "use environment variables for configuration", and "Monitoring: log all integration attempts
// and responses; monitor integration health". Here secrets are `${secret:NAME}` from
// KAILASH_SECRET_<NAME>, and monitoring is each run's event stream: the workflows run in a
// worker, whose events any client reads from Redis, and through `run`, whose record and stderr
// a terminal sees. A node:http API on 127.0.0.1 reflects what it receives, as careless APIs do.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import Redis from 'ioredis';
import { readEvents } from '../../runtime/worker/events';
import { queueKeys } from '../../runtime/worker/keys';
import type { StreamEntry } from '../../runtime/worker/types';
import { json, listen, type TestServer } from '../integration/api-support';
import { dropQueue, REDIS_URL, uniqueQueue, WorkerProcess } from '../support/worker-fleet';
import { cli, count, folder, run, type RunRecord } from './cli';

const TOKEN = 'tok-guide-7Hq2vX9mPz';

describe('guide: secrets and monitoring, in a worker and in a terminal', () => {
  const files = folder();
  const queue = uniqueQueue('guide-ops');
  let api: TestServer;
  let worker: WorkerProcess;
  let redis: Redis;
  const secretEnv = { KAILASH_SECRET_API_TOKEN: TOKEN };

  before(async () => {
    let health = 0;
    api = await listen((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      if (url.pathname === '/health') return ++health === 1 ? json(res, 503, { status: 'starting' }) : json(res, 200, { status: 'ok' });
      // Echoes the credential back, in a success and in an error: nothing of it may reach a report.
      if (url.pathname === '/v1/me') return json(res, 200, { you_sent: req.headers.authorization });
      json(res, 500, { error: `bad key ${url.searchParams.get('key')}` });
    });
    // The worker has the secret in its environment; nothing that travels with a run carries it.
    worker = new WorkerProcess(['--redis', REDIS_URL, '--queue', queue, '--root', files.dir], secretEnv);
    redis = new Redis(REDIS_URL);
    await worker.ready();
  });
  after(async () => {
    worker.kill('SIGKILL');
    await worker.exited;
    redis.disconnect();
    await dropQueue(REDIS_URL, queue);
    await api.close();
    files.cleanup();
  });

  const submit = async (file: string) => {
    const r = await cli(['submit', file, '--redis', REDIS_URL, '--queue', queue, '--root', files.dir, '--wait', '--json']);
    const record = JSON.parse(r.stdout) as RunRecord;
    const events = await readEvents(redis, queueKeys(queue), record.runId, '0');
    return { ...r, record, events };
  };

  const leaky = () =>
    files.write(
      'leaky.workflow.yaml',
      `name: profile
nodes:
  - id: me
    type: HTTPRequestNode
    config:
      url: ${api.url}/v1/me
      headers: {Authorization: "Bearer \${secret:API_TOKEN}"}
  - id: log_profile
    type: PythonCodeNode
    config:
      code: |
        print("profile response:", profile)
        result = {"echo": profile}
  - id: by_key
    type: HTTPRequestNode
    config:
      url: ${api.url}/v1/report?key=\${secret:API_TOKEN}
    on_error: continue
connections:
  - {from_node: me, from_output: response.content, to_node: log_profile, to_input: profile}
`,
    );

  it('the token reaches the API but never a result, a log line, an error or an event', async () => {
    const file = leaky();
    const r = await submit(file);
    assert.equal(r.code, 1, r.stderr);
    assert.equal(api.requests.find((q) => q.url === '/v1/me')!.headers.authorization, `Bearer ${TOKEN}`, 'the API got the real token');
    assert.ok(api.requests.some((q) => q.url === `/v1/report?key=${TOKEN}`));
    assert.equal(r.record.nodes.log_profile!.status, 'succeeded');
    assert.equal(r.record.nodes.by_key!.status, 'failed');
    assert.ok(
      r.events.some((e) => e.event.type === 'node-log'),
      'the print reached the log',
    );
    assert.equal(count(JSON.stringify(r.events), TOKEN), 0, 'not in the event stream');
    assert.equal(count(r.stdout + r.stderr, TOKEN), 0, 'not in the record or on the terminal');
    const status = await cli(['status', r.record.runId, '--redis', REDIS_URL, '--queue', queue, '--json']);
    assert.equal(count(status.stdout, TOKEN), 0, 'not in the stored record');

    // The same file through `run` in a terminal: the same promise.
    const local = await run(file, [], secretEnv);
    assert.equal(local.code, 1);
    assert.match(local.stderr, /\[log_profile\] profile response:/);
    assert.equal(count(local.stdout + local.stderr, TOKEN), 0);
  });

  it("a health check's attempts, retries and timings are in its event stream as they happen", async () => {
    const file = files.write(
      'health.workflow.yaml',
      `name: health
nodes:
  - id: health_check
    type: HTTPRequestNode
    config: {url: "${api.url}/health", response_format: json}
    retry: {max_attempts: 3, base_delay: 0.05, jitter: false}
`,
    );
    const r = await submit(file);
    assert.equal(r.code, 0, r.stderr);
    const types: string[] = r.events.map((e) => e.event.type);
    const at = (t: string) => types.indexOf(t);
    assert.ok(
      at('run-start') < at('node-start') && at('node-start') < at('node-retry') && at('node-retry') < at('node-output'),
      types.join(' '),
    );
    assert.ok(at('node-output') < at('run-end'), types.join(' '));
    const retry = r.events.find((e) => e.event.type === 'node-retry')!.event as Extract<StreamEntry['event'], { type: 'node-retry' }>;
    assert.deepEqual([retry.node, retry.attempt, retry.delayMs, retry.cause], ['health_check', 2, 50, 'status 503']);
    const done = r.events.find((e) => e.event.type === 'node-output')!.event as Extract<StreamEntry['event'], { type: 'node-output' }>;
    assert.equal(done.record.status, 'succeeded');
    assert.equal(done.record.attempts, 2);
    assert.ok(done.record.durationMs >= 50, `${done.record.durationMs} ms includes the 50 ms backoff`);
    assert.equal((done.preview as { status_code?: number }).status_code, 200);
    // Every entry says which worker and delivery produced it, for a dashboard across a fleet.
    assert.ok(r.events.every((e) => typeof e.worker === 'string' && e.worker.length > 0 && e.delivery === 1));
    assert.equal(r.record.nodes.health_check!.attempts, 2);
  });
});
