// The guide's Slack and Kafka patterns. `slack_notify(webhook_url, channel, message, bot_name)`
// posts {channel, text, username, icon_emoji} to an incoming webhook and returns `sent`;
// `kafka_producer(bootstrap_servers, topic, message)` sends one JSON message and returns `sent`,
// `topic`, `partition`, `offset`. Here they are SlackNotificationNode and KafkaProducerNode, the
// message given at run time; a node:http server stands in for Slack, and kcat's librdkafka mock
// cluster for Kafka, read back by a second kcat as a consumer.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, beforeEach, describe, it } from 'node:test';
import { listen, type TestServer } from '../integration/api-support';
import { hasCommand, startKafkaMock } from '../support/data-servers';
import { count, folder, run } from './cli';

const HOOK = '/services/T0GUIDE/B0GUIDE/x9Qk2mZsecretpath';

describe('guide: Slack notification through an incoming webhook', () => {
  const files = folder();
  let slack: TestServer;
  let file: string;
  before(async () => {
    slack = await listen((req, res) => {
      if (req.url !== HOOK) return void res.writeHead(404).end('no_service');
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    });
    file = files.write(
      'slack.workflow.yaml',
      `name: slack-notify
nodes:
  - id: slack_notify
    type: SlackNotificationNode
    config:
      webhook_url: \${secret:SLACK_WEBHOOK_URL}
      channel: "#deployments"
      bot_name: Kailash Bot
      icon_emoji: ":robot_face:"
`,
    );
  });
  beforeEach(() => void (slack.requests.length = 0));
  after(async () => {
    await slack.close();
    files.cleanup();
  });
  const env = () => ({ KAILASH_SECRET_SLACK_WEBHOOK_URL: slack.url + HOOK });

  it("posts the guide's payload (channel, text, username, icon_emoji) with the message given at run time", async () => {
    const r = await run(file, ['slack_notify.message=Deploy of billing-api finished: v2.4.1'], env());
    assert.equal(r.code, 0, r.stderr + r.stdout);
    assert.equal(slack.requests.length, 1);
    assert.equal(slack.requests[0]!.headers['content-type'], 'application/json');
    assert.deepEqual(JSON.parse(slack.requests[0]!.body), {
      channel: '#deployments',
      text: 'Deploy of billing-api finished: v2.4.1',
      username: 'Kailash Bot',
      icon_emoji: ':robot_face:',
    });
    assert.deepEqual(r.record!.results.slack_notify, { sent: true, response: 'ok' });
    assert.equal(count(r.stdout + r.stderr, 'x9Qk2mZsecretpath'), 0, 'the webhook URL embeds a credential and never appears');
  });

  it('a refused webhook is sent: false with the reason, as the guide returns it, and still no URL', async () => {
    const r = await run(file, ['slack_notify.message=hello'], {
      KAILASH_SECRET_SLACK_WEBHOOK_URL: `${slack.url}/services/T0/B0/revokedsecret`,
    });
    assert.equal(r.code, 0, r.stderr + r.stdout);
    const out = r.record!.results.slack_notify!;
    assert.equal(out.sent, false);
    assert.match(String(out.error), /404/);
    assert.equal(count(r.stdout + r.stderr, 'revokedsecret'), 0);
  });
});

/** Reads `n` messages of `topic` from the beginning with kcat as a consumer: what a subscriber sees. */
function consume(bootstrap: string, topic: string, n: number): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = spawn('kcat', ['-C', '-b', bootstrap, '-t', topic, '-o', 'beginning', '-c', String(n), '-e', '-f', '%k\t%s\n', '-q'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.once('close', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(out.split('\n').filter(Boolean));
      else reject(new Error(`kcat consumer exited ${code}: ${err}`));
    });
  });
}

describe('guide: Kafka producer', { skip: hasCommand('kcat') ? false : 'kcat not installed (.ci/run installs it)' }, () => {
  const files = folder();
  let kafka: Awaited<ReturnType<typeof startKafkaMock>>;
  before(async () => {
    kafka = await startKafkaMock();
  });
  after(async () => {
    await kafka?.stop();
    files.cleanup();
  });

  it("sends the run's message as JSON and returns the guide's sent, topic, partition, offset; a consumer reads it", async () => {
    const file = files.write(
      'kafka.workflow.yaml',
      `name: kafka-produce
nodes:
  - id: kafka_producer
    type: KafkaProducerNode
    config:
      bootstrap_servers: \${env:KAFKA_BOOTSTRAP}
      topic: deployments
`,
    );
    const r = await run(file, ['kafka_producer.message={event: deployed, service: billing-api, version: 42}'], {
      KAFKA_BOOTSTRAP: kafka.url,
    });
    assert.equal(r.code, 0, r.stderr + r.stdout);
    const out = r.record!.results.kafka_producer!;
    assert.equal(out.sent, true);
    assert.equal(out.topic, 'deployments');
    assert.equal(out.count, 1);
    assert.equal(typeof out.partition, 'number');
    assert.equal(typeof out.offset, 'number');
    const [line] = await consume(kafka.url, 'deployments', 1);
    const [, value] = line!.split('\t');
    assert.deepEqual(JSON.parse(value!), { event: 'deployed', service: 'billing-api', version: 42 });
  });
});
