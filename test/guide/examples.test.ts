// Every example in examples/ run as the README's run lines say, each against the real local
// server it names (quickstart is run by test/unit/cli.test.ts). The API examples talk to `npm run
// demo-server`, started here on free ports; the others to s3rver, slapd (StartTLS), kcat's Kafka
// mock cluster, smtp-server and PostgreSQL. Each example is copied with its data/ folder into a
// temp folder, its fixed addresses replaced by where the servers listen, then run with
// `kailash-wf run --json`; the assertions are on what it produced: results, files, stored objects,
// rows and messages.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseEnv } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import pg from 'pg';
import { DEFAULT_PORTS, startDemoServers } from '../../scripts/demo-server.mjs';
import { hasCommand, startKafkaMock, startS3, startSlapd, startSmtp } from '../support/data-servers';
import { run } from './cli';

const EXAMPLES = join(__dirname, '..', '..', 'examples');

/** examples/NAME.workflow.yaml and data/ in a fresh folder, with `replace` applied to the file. */
function example(name: string, replace: [from: string, to: string][] = []): { file: string; dir: string; out(f: string): string } {
  const dir = mkdtempSync(join(tmpdir(), `kwf-example-${name}-`));
  cpSync(join(EXAMPLES, 'data'), join(dir, 'data'), { recursive: true });
  let text = readFileSync(join(EXAMPLES, `${name}.workflow.yaml`), 'utf8');
  for (const [from, to] of replace) text = text.split(from).join(to);
  const file = join(dir, `${name}.workflow.yaml`);
  writeFileSync(file, text);
  dirs.push(dir);
  return { file, dir, out: (f) => readFileSync(join(dir, 'out', f), 'utf8') };
}
const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const result = (r: Awaited<ReturnType<typeof run>>, node: string) => r.record!.results[node] as Record<string, any>;

describe('the API examples against the demo server', () => {
  let demo: Awaited<ReturnType<typeof startDemoServers>>;
  let envFile: string;
  let moves: [string, string][];
  before(async () => {
    demo = await startDemoServers({ ports: { rest: 0, oauth: 0, graphql: 0, pricing: 0, consul: 0, websocket: 0 }, quiet: true });
    moves = (Object.keys(DEFAULT_PORTS) as (keyof typeof DEFAULT_PORTS)[]).map((k) => [
      `127.0.0.1:${DEFAULT_PORTS[k]}`,
      `127.0.0.1:${demo.ports[k]}`,
    ]);
    // examples/demo.env with the same addresses moved: the README runs every API example with it.
    let env = readFileSync(join(EXAMPLES, 'demo.env'), 'utf8');
    for (const [from, to] of moves) env = env.split(from).join(to);
    envFile = join(mkdtempSync(join(tmpdir(), 'kwf-demo-env-')), 'demo.env');
    dirs.push(join(envFile, '..'));
    writeFileSync(envFile, env);
  });
  after(() => demo?.close());

  const runExample = (name: string, params: string[] = []) => {
    const ex = example(name, moves);
    return run(ex.file, params, {}, ['--env-file', envFile]).then((r) => ({ ...r, ex }));
  };

  it('rest-api: every active user page by page, summarised, the summary posted', async () => {
    const r = await runExample('rest-api');
    assert.equal(r.code, 0, r.stderr + r.stdout);
    // 230 users over three pages of 100, every tenth inactive: 207 active (roles cycle admin, editor, viewer, viewer).
    const summary = { total: 207, by_role: { admin: 58, editor: 46, viewer: 103 } };
    assert.deepEqual(result(r, 'summarize').result, summary);
    assert.equal(result(r, 'post_report').status_code, 201);
    assert.deepEqual(result(r, 'post_report').response.content.received, summary);
  });

  it('graphql: the open orders queried, then marked synced by a mutation', async () => {
    const r = await runExample('graphql');
    assert.equal(r.code, 0, r.stderr + r.stdout);
    assert.deepEqual(result(r, 'collect_ids').result.ids, ['ord_2', 'ord_3', 'ord_5', 'ord_6', 'ord_8']);
    assert.deepEqual(result(r, 'mark_synced').data, { markOrdersSynced: { updated: 5 } });
  });

  it('oauth2: a client-credentials token, then the protected invoices and their overdue total', async () => {
    const r = await runExample('oauth2');
    assert.equal(r.code, 0, r.stderr + r.stdout);
    assert.deepEqual(result(r, 'overdue_total').result, { count: 2, amount: 162.75 });
  });

  it('webhook: a signed delivery verified, routed to order.paid, merged and written', async () => {
    const r = await runExample('webhook');
    assert.equal(r.code, 0, r.stderr + r.stdout);
    assert.equal(result(r, 'verify').verified, true);
    assert.equal(r.record!.nodes.on_refunded!.status, 'skipped');
    // MergeNode's concat skips the skipped branch's None: the one handler's result.
    assert.deepEqual(JSON.parse(r.ex.out('webhook-outcome.json')), { action: 'fulfil', order_id: 5001, amount: 129.9 });
  });

  it('websocket: five messages from the price stream, their statistics stored', async () => {
    const r = await runExample('websocket');
    assert.equal(r.code, 0, r.stderr + r.stdout);
    const stats = JSON.parse(r.ex.out('price-stats.json')) as { ticks: number; min: number; max: number; clean_close: boolean };
    // The first of the five is the subscription's acknowledgement, which carries no price.
    assert.equal(stats.ticks, 4);
    assert.ok(stats.min > 0 && stats.max >= stats.min, JSON.stringify(stats));
    assert.equal(stats.clean_close, true);
  });

  it('service-discovery: two passing v2 instances, one called with its token', async () => {
    const r = await runExample('service-discovery');
    assert.equal(r.code, 0, r.stderr + r.stdout);
    assert.deepEqual(result(r, 'report').result, { instances_available: 2, users_returned: 100 });
  });

  it('retry: the flaky inventory answers on the third attempt; the low stock is written', async () => {
    const r = await runExample('retry');
    assert.equal(r.code, 0, r.stderr + r.stdout);
    assert.equal(r.record!.nodes.fetch_inventory!.attempts, 3);
    assert.deepEqual(
      r.ex
        .out('low-stock.csv')
        .trim()
        .split(/\r?\n/)
        .map((l) => l.split(',')[0]),
      ['sku', 'C-2', 'A-1'],
    );
  });

  it('circuit-breaker: live prices, then the cached ones during an outage', async () => {
    const live = await runExample('circuit-breaker');
    assert.equal(live.code, 0, live.stderr + live.stdout);
    assert.equal(JSON.parse(live.ex.out('prices.json')).source, 'live');
    await fetch(`http://127.0.0.1:${demo.ports.pricing}/admin/outage?on=1`, { method: 'POST' });
    try {
      const down = await runExample('circuit-breaker');
      assert.equal(down.code, 1, 'the failed call still fails the command');
      const saved = JSON.parse(down.ex.out('prices.json')) as { source: string; prices: unknown };
      assert.equal(saved.source, 'cache');
      assert.deepEqual(saved.prices, JSON.parse(readFileSync(join(EXAMPLES, 'data', 'prices-cache.json'), 'utf8')));
    } finally {
      await fetch(`http://127.0.0.1:${demo.ports.pricing}/admin/outage?on=0`, { method: 'POST' });
    }
  });

  it('slack: the health check posted to the webhook as text and Block Kit', async () => {
    const r = await runExample('slack');
    assert.equal(r.code, 0, r.stderr + r.stdout);
    assert.equal(result(r, 'notify').sent, true);
    const msg = demo.slack.at(-1) as { text: string; username: string; icon_emoji: string; blocks: unknown[] };
    assert.match(msg.text, /^:large_green_circle: orders-api healthy \(\d+ ms\)$/);
    assert.equal(msg.username, 'Health Bot');
    assert.equal(msg.icon_emoji, ':stethoscope:');
    assert.equal(msg.blocks.length, 2);
  });
});

describe('the examples without an API', () => {
  it('jwt: a token issued, verified and authorized on its claims', async () => {
    const ex = example('jwt');
    const r = await run(ex.file, [], { KAILASH_SECRET_JWT_SECRET: randomBytes(32).toString('hex') });
    assert.equal(r.code, 0, r.stderr + r.stdout);
    assert.deepEqual(result(r, 'authorize').result, { subject: 'svc-billing-export', allowed: true });
  });

  it('directory-to-csv: the inbox inventoried into one CSV', async () => {
    const ex = example('directory-to-csv');
    writeFileSync(join(ex.dir, 'data', 'inbox', '~lock.csv'), 'x');
    writeFileSync(join(ex.dir, 'data', 'inbox', 'partial.tmp'), 'x');
    const r = await run(ex.file);
    assert.equal(r.code, 0, r.stderr + r.stdout);
    const names = ex
      .out('inventory.csv')
      .trim()
      .split(/\r?\n/)
      .slice(1)
      .map((l) => l.split(',')[1]);
    assert.deepEqual(names, ['orders.csv', 'readme.txt', 'settings.json']);
  });

  it('sql-transaction: the transfer commits on PostgreSQL and the receipt has both balances', async () => {
    const db = `kwf_examples_${randomBytes(4).toString('hex')}`;
    const admin = new pg.Client({ connectionString: 'postgresql://postgres@127.0.0.1:5432/test' });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${db}`);
    const url = `postgresql://postgres@127.0.0.1:5432/${db}`;
    const c = new pg.Client({ connectionString: url });
    try {
      await c.connect();
      await c.query(`CREATE TABLE accounts (id int PRIMARY KEY, balance numeric(12,2) NOT NULL CHECK (balance >= 0));
        CREATE TABLE transfers (id serial PRIMARY KEY, from_account int, to_account int, amount numeric(12,2), reference text, created_at timestamp);
        INSERT INTO accounts VALUES (1001, 1000.00), (2002, 50.00);`);
      const ex = example('sql-transaction');
      const r = await run(ex.file, [], { DATABASE_URL: url });
      assert.equal(r.code, 0, r.stderr + r.stdout);
      const rows = (await c.query('SELECT id, balance::text AS balance FROM accounts ORDER BY id')).rows;
      assert.deepEqual(rows, [
        { id: 1001, balance: '750.00' },
        { id: 2002, balance: '300.00' },
      ]);
      assert.deepEqual((await c.query('SELECT reference, amount::text AS amount FROM transfers')).rows, [
        { reference: 'INV-2024-0042', amount: '250.00' },
      ]);
      const receipt = JSON.parse(ex.out('transfer-receipt.json')) as { id: number; balance: unknown }[];
      assert.deepEqual(
        receipt.map((b) => [b.id, Number(b.balance)]),
        [
          [1001, 750],
          [2002, 300],
        ],
      );
    } finally {
      await c.end().catch(() => undefined);
      await admin.query(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
      await admin.end();
    }
  });

  it('email: the orders summary sent with the CSV attached, over SMTP with AUTH', async () => {
    const smtp = await startSmtp({ users: { demo: 'demo-Pw' }, allowInsecureAuth: true });
    try {
      const ex = example('email', [['port: 1025', `port: ${smtp.port}`]]);
      const r = await run(ex.file, [], { SMTP_USERNAME: 'demo', KAILASH_SECRET_SMTP_PASSWORD: 'demo-Pw' });
      assert.equal(r.code, 0, r.stderr + r.stdout);
      assert.equal(smtp.mails.length, 1);
      const mail = smtp.mails[0]!;
      assert.equal(mail.user, 'demo');
      assert.deepEqual(mail.to, ['ops@example.org', 'finance@example.org']);
      assert.match(mail.raw, /Subject: Daily order report/);
      assert.match(mail.raw, /Orders: \d+/);
      assert.match(mail.raw, /filename="?orders\.csv"?/);
    } finally {
      await smtp.stop();
    }
  });

  it('s3: the export read, its active customers written back under another key', async () => {
    const s3 = await startS3(['exports', 'processed']);
    const client = new S3Client({
      endpoint: s3.url,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
    try {
      const customers = [
        { id: 1, name: 'Ada', status: 'active' },
        { id: 2, name: 'Bo', status: 'closed' },
        { id: 3, name: 'Cy', status: 'active' },
      ];
      await client.send(
        new PutObjectCommand({
          Bucket: 'exports',
          Key: 'customers/latest.json',
          Body: JSON.stringify(customers),
          ContentType: 'application/json',
        }),
      );
      const ex = example('s3', [['http://127.0.0.1:9000', s3.url]]);
      const r = await run(ex.file, [], { S3_ACCESS_KEY: 'S3RVER', KAILASH_SECRET_S3_SECRET_KEY: 'S3RVER' });
      assert.equal(r.code, 0, r.stderr + r.stdout);
      const stored = await client.send(new GetObjectCommand({ Bucket: 'processed', Key: 'customers/active.json' }));
      assert.equal(stored.ContentType, 'application/json');
      assert.deepEqual(JSON.parse(await stored.Body!.transformToString()), { count: 2, customers: [customers[0], customers[2]] });
    } finally {
      client.destroy();
      await s3.stop();
    }
  });

  it(
    'ldap: jdoe binds over StartTLS and gets roles from the groups',
    { skip: hasCommand('slapd') ? false : 'slapd not installed' },
    async () => {
      const ldap = await startSlapd(LDIF, { tls: true });
      try {
        const ex = example('ldap', [['ldap://127.0.0.1:389', ldap.url]]);
        const r = await run(ex.file, ['login.username=jdoe'], {
          KAILASH_SECRET_LDAP_USER_PASSWORD: 'pw-jdoe-Secret',
          NODE_EXTRA_CA_CERTS: ldap.ca!,
        });
        assert.equal(r.code, 0, r.stderr + r.stdout);
        assert.deepEqual(result(r, 'roles').result, { name: 'John Doe', email: 'jdoe@example.org', roles: ['admin', 'editor'] });
      } finally {
        await ldap.stop();
      }
    },
  );

  it(
    'kafka: three events published and consumed back, counted by type',
    { skip: hasCommand('kcat') ? false : 'kcat not installed' },
    async () => {
      const kafka = await startKafkaMock();
      try {
        const ex = example('kafka', [['127.0.0.1:9092', kafka.url]]);
        const r = await run(ex.file);
        assert.equal(r.code, 0, r.stderr + r.stdout);
        assert.equal(result(r, 'publish').count, 3);
        assert.deepEqual(result(r, 'count_by_type').result, { 'order.created': 2, 'order.paid': 1 });
      } finally {
        await kafka.stop();
      }
    },
  );
});

const LDIF = `dn: dc=example,dc=org
objectClass: dcObject
objectClass: organization
o: Example
dc: example

dn: ou=people,dc=example,dc=org
objectClass: organizationalUnit
ou: people

dn: ou=groups,dc=example,dc=org
objectClass: organizationalUnit
ou: groups

dn: uid=jdoe,ou=people,dc=example,dc=org
objectClass: inetOrgPerson
uid: jdoe
cn: John Doe
sn: Doe
mail: jdoe@example.org
userPassword: pw-jdoe-Secret

dn: cn=admins,ou=groups,dc=example,dc=org
objectClass: groupOfNames
cn: admins
member: uid=jdoe,ou=people,dc=example,dc=org

dn: cn=staff,ou=groups,dc=example,dc=org
objectClass: groupOfNames
cn: staff
member: uid=jdoe,ou=people,dc=example,dc=org
`;

// Read once so a broken demo.env fails here rather than as a confusing 401 in one example.
parseEnv(readFileSync(join(EXAMPLES, 'demo.env'), 'utf8'));
