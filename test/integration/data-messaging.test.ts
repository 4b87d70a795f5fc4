// EmailSenderNode against smtp-server (in-process) and the Kafka nodes against kcat's mock cluster.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Kafka, logLevel } from 'kafkajs';
import { LocalRuntime } from '../../runtime/engine/local';
import { parseWorkflow } from '../../runtime/model/parse';
import { runNode, tempDir, uniqueName } from '../support/data';
import { hasCommand, startKafkaMock, startSmtp } from '../support/data-servers';

const rt = new LocalRuntime({ env: {}, secrets: { get: async (n) => ({ SMTP_PASSWORD: 'smtp-Pa55word' })[n] } });
after(() => rt.dispose());

describe('EmailSenderNode', () => {
  const dir = tempDir();
  writeFileSync(join(dir, 'report.csv'), 'id,total\n1,9.50\n');
  const send = (smtp_config: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
    runNode(
      rt,
      'EmailSenderNode',
      {
        sender_email: 'reports@example.org',
        recipient_email: ['ops@example.org', 'finance@example.org'],
        subject: 'Daily report',
        body: 'Totals attached.',
        smtp_config,
        ...extra,
      },
      { baseDir: dir },
    );

  it('sends plain text with AUTH to several recipients, with an attachment', async () => {
    const smtp = await startSmtp({ users: { reports: 'smtp-Pa55word' }, allowInsecureAuth: true });
    try {
      const r = await send(
        { server: '127.0.0.1', port: smtp.port, username: 'reports', password: '${secret:SMTP_PASSWORD}' },
        { attachments: ['report.csv'] },
      );
      assert.equal(r.status, 'succeeded', JSON.stringify(r.error));
      assert.equal(r.output!.sent, true);
      assert.deepEqual(r.output!.accepted, ['ops@example.org', 'finance@example.org']);
      assert.deepEqual(r.output!.rejected, []);
      assert.match(String(r.output!.message_id), /^<.+@.+>$/);
      const mail = smtp.mails[0]!;
      assert.equal(mail.user, 'reports');
      assert.deepEqual(mail.to, ['ops@example.org', 'finance@example.org']);
      assert.match(mail.raw, /^Subject: Daily report$/m);
      assert.match(mail.raw, /Totals attached\./);
      assert.match(mail.raw, /filename=report\.csv/);
      assert.ok(mail.raw.includes(Buffer.from('id,total\n1,9.50\n').toString('base64')));
    } finally {
      await smtp.stop();
    }
  });

  it('sends HTML, reports rejected recipients, and answers sent: false on bad credentials without the password', async () => {
    const smtp = await startSmtp({ users: { reports: 'smtp-Pa55word' }, allowInsecureAuth: true });
    try {
      const html = await send(
        { server: '127.0.0.1', port: smtp.port, username: 'reports', password: '${secret:SMTP_PASSWORD}' },
        { html: true, body: '<p>Hi</p>', recipient_email: 'ok@example.org, bad@rejected.example' },
      );
      assert.equal(html.output!.sent, true);
      assert.deepEqual(html.output!.accepted, ['ok@example.org']);
      assert.deepEqual(html.output!.rejected, ['bad@rejected.example']);
      assert.match(smtp.mails[0]!.raw, /Content-Type: text\/html/);
      const denied = await send({ server: '127.0.0.1', port: smtp.port, username: 'reports', password: 'wrong-password' });
      assert.equal(denied.status, 'succeeded');
      assert.equal(denied.output!.sent, false);
      assert.match(String(denied.output!.error), /Invalid login|Invalid username or password|EAUTH/);
      const withSecret = await send({ server: '127.0.0.1', port: smtp.port, username: 'nobody', password: '${secret:SMTP_PASSWORD}' });
      assert.equal(withSecret.output!.sent, false);
      assert.doesNotMatch(JSON.stringify(withSecret.result), /smtp-Pa55word/);
    } finally {
      await smtp.stop();
    }
  });

  it('upgrades with STARTTLS when use_tls is set, and refuses a server that cannot', async () => {
    const tls = await startSmtp({ disabledCommands: [], users: { reports: 'smtp-Pa55word' } });
    const plain = await startSmtp({});
    try {
      const ok = await send({
        server: '127.0.0.1',
        port: tls.port,
        use_tls: true,
        verify_ssl: false,
        username: 'reports',
        password: '${secret:SMTP_PASSWORD}',
      });
      assert.equal(ok.output!.sent, true, String(ok.output!.error));
      assert.equal(tls.mails[0]!.secure, true);
      const untrusted = await send({
        server: '127.0.0.1',
        port: tls.port,
        use_tls: true,
        username: 'reports',
        password: '${secret:SMTP_PASSWORD}',
      });
      assert.equal(untrusted.output!.sent, false, "the test server's self-signed certificate is refused by default");
      assert.match(String(untrusted.output!.error), /certificate/i);
      const refused = await send({ server: '127.0.0.1', port: plain.port, use_tls: true });
      assert.equal(refused.output!.sent, false);
      assert.match(String(refused.output!.error), /STARTTLS/i);
    } finally {
      await tls.stop();
      await plain.stop();
    }
  });

  it('speaks TLS from the first byte with use_ssl', async () => {
    const smtps = await startSmtp({ secure: true, users: { reports: 'smtp-Pa55word' } });
    try {
      const r = await send({
        server: '127.0.0.1',
        port: smtps.port,
        use_ssl: true,
        verify_ssl: false,
        username: 'reports',
        password: '${secret:SMTP_PASSWORD}',
      });
      assert.equal(r.output!.sent, true, String(r.output!.error));
      assert.equal(smtps.mails[0]!.secure, true);
    } finally {
      await smtps.stop();
    }
  });

  it('refuses attachments outside the workflow folder', async () => {
    const r = await send({ server: '127.0.0.1', port: 1 }, { attachments: ['/etc/passwd'] });
    assert.equal(r.status, 'failed');
    assert.equal(r.error!.type, 'PathTraversalError');
  });
});

describe('Kafka nodes', { skip: hasCommand('kcat') ? false : 'kcat not installed (.ci/run installs it)' }, () => {
  let kafka: Awaited<ReturnType<typeof startKafkaMock>>;
  before(async () => {
    kafka = await startKafkaMock();
  });
  // Consumers leave their group before the broker goes.
  after(async () => {
    await rt.dispose();
    await kafka?.stop();
  });

  it('produces a keyed batch with headers (idempotent, acks all) and a workflow consumes it', async () => {
    const topic = uniqueName('orders');
    const group = uniqueName('analytics');
    const yaml = JSON.stringify({
      nodes: [
        {
          id: 'publish',
          type: 'KafkaProducerNode',
          config: {
            bootstrap_servers: kafka.url,
            topic,
            key: 'orders',
            headers: { source: 'kw' },
            messages: [{ event: 'created', id: 1 }, { event: 'paid', id: 1 }, 'plain text'],
          },
        },
        {
          id: 'consume',
          type: 'KafkaConsumerNode',
          config: { bootstrap_servers: [kafka.url], group_id: group, max_messages: 3, timeout: 15 },
        },
      ],
      connections: [{ from_node: 'publish', from_output: 'topic', to_node: 'consume', to_input: 'topic' }],
    });
    const r = await rt.execute(parseWorkflow(yaml), { baseDir: tempDir() });
    assert.equal(r.status, 'succeeded', JSON.stringify(r.error));
    assert.deepEqual(r.results.publish, {
      sent: true,
      topic,
      partition: (r.results.publish as { partition: number }).partition,
      offset: 0,
      count: 3,
    });
    const consumed = r.results.consume as { count: number; messages: Record<string, unknown>[] };
    assert.equal(consumed.count, 3);
    assert.deepEqual(
      consumed.messages.map((m) => m.value),
      [{ event: 'created', id: 1 }, { event: 'paid', id: 1 }, 'plain text'],
    );
    assert.deepEqual(
      consumed.messages.map((m) => m.offset),
      [0, 1, 2],
    );
    for (const m of consumed.messages) {
      assert.equal(m.key, 'orders');
      assert.deepEqual(m.headers, { source: 'kw' });
      assert.equal(m.topic, topic);
      assert.equal(typeof m.timestamp, 'number');
    }
  });

  it('returns at most max_messages and commits only those, so the next run gets the rest', async () => {
    const topic = uniqueName('events');
    const group = uniqueName('g');
    const produced = await runNode(rt, 'KafkaProducerNode', {
      bootstrap_servers: kafka.url,
      topic,
      key: 'k',
      messages: ['m1', 'm2', 'm3'],
    });
    assert.equal(produced.status, 'succeeded', JSON.stringify(produced.error));
    const consume = (max: number, timeout: number) =>
      runNode(rt, 'KafkaConsumerNode', { bootstrap_servers: kafka.url, topic, group_id: group, max_messages: max, timeout });
    const first = await consume(2, 15);
    assert.deepEqual(
      (first.output!.messages as { value: unknown }[]).map((m) => m.value),
      ['m1', 'm2'],
    );
    const admin = new Kafka({ brokers: [kafka.url], logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    try {
      const [committed] = await admin.fetchOffsets({ groupId: group, topics: [topic] });
      const partition = (first.output!.messages as { partition: number }[])[0]!.partition;
      assert.equal(committed!.partitions.find((p) => p.partition === partition)!.offset, '2');
    } finally {
      await admin.disconnect();
    }
    const second = await consume(10, 1);
    assert.deepEqual(
      (second.output!.messages as { value: unknown }[]).map((m) => m.value),
      ['m3'],
    );
    const third = await consume(10, 0.5);
    assert.deepEqual(third.output, { messages: [], count: 0 });
  });

  it('refuses an idempotent producer without acks -1, and fails on an unreachable broker', async () => {
    const bad = await runNode(rt, 'KafkaProducerNode', { bootstrap_servers: kafka.url, topic: 't', message: 'x', acks: 1 });
    assert.match(bad.error!.message, /idempotent producer needs acks -1/);
    const plain = await runNode(rt, 'KafkaProducerNode', {
      bootstrap_servers: kafka.url,
      topic: uniqueName('t'),
      message: { a: 1 },
      acks: 1,
      idempotent: false,
    });
    assert.equal(plain.output!.sent, true);
    const down = await runNode(
      rt,
      'KafkaProducerNode',
      { bootstrap_servers: '127.0.0.1:1', topic: 't', message: 'x' },
      { node: { timeout: 2 } },
    );
    assert.equal(down.status, 'failed');
    assert.match(`${down.error!.type} ${down.error!.message}`, /TimeoutError|Kafka produce to 't' via 127\.0\.0\.1:1 failed/);
    const malformed = await runNode(rt, 'KafkaConsumerNode', { bootstrap_servers: 'no-port', topic: 't', group_id: 'g' });
    assert.match(malformed.error!.message, /not host:port/);
  });
});
