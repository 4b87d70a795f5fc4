// Real servers for the data-node tests, each on a free loopback port from a temp folder, stopped
// afterwards: OpenLDAP's slapd and kcat's Kafka mock cluster (Debian packages that `.ci/run`
// installs), smtp-server and s3rver (npm, in-process).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import { tempDir, waitFor } from './data';

export interface Running {
  url: string;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as AddressInfo;
  await new Promise((r) => srv.close(r));
  return port;
}

/** Stops a server child; `signal` SIGKILL for kcat, which ignores SIGTERM while it waits on stdin. */
function stopChild(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill(signal);
  });
}

/** Whether a Debian tool the tests need is installed (`.ci/run` installs it). */
export function hasCommand(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
}

const SCHEMA = '/etc/ldap/schema';

/**
 * slapd with an mdb database under dc=example,dc=org, seeded from `ldif`. Anonymous clients may
 * search everything but passwords, except under ou=hidden, which only bound users can read.
 * `schema` adds definitions (slapd.conf `attributetype` / `objectclass` lines) to the standard ones;
 * `tls` gives it a self-signed certificate for 127.0.0.1 (StartTLS), returned as `ca` for a
 * client to trust (NODE_EXTRA_CA_CERTS).
 */
/** A certificate for 127.0.0.1 (`key.pem`, `cert.pem` in `dir`), for TLS servers in tests. */
export function selfSignedCert(dir: string): { key: string; cert: string } {
  const key = join(dir, 'key.pem');
  const cert = join(dir, 'cert.pem');
  const made = spawnSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
      '-keyout',
      key,
      '-out',
      cert,
    ],
    { encoding: 'utf8' },
  );
  if (made.status !== 0) throw new Error(`openssl could not make a certificate: ${made.stderr}`);
  return { key, cert };
}

export async function startSlapd(
  ldif: string,
  options: { schema?: string; tls?: boolean } = {},
): Promise<Running & { suffix: string; ca?: string }> {
  const { schema, tls } = options;
  const dir = tempDir('kwf-slapd-');
  mkdirSync(join(dir, 'db'));
  const conf = join(dir, 'slapd.conf');
  if (schema) writeFileSync(join(dir, 'extra.schema'), schema);
  const ca = join(dir, 'cert.pem');
  if (tls) {
    selfSignedCert(dir);
  }
  writeFileSync(
    conf,
    [
      ...['core', 'cosine', 'inetorgperson', 'nis'].map((s) => `include ${SCHEMA}/${s}.schema`),
      ...(schema ? [`include ${join(dir, 'extra.schema')}`] : []),
      ...(tls ? [`TLSCertificateFile ${ca}`, `TLSCertificateKeyFile ${join(dir, 'key.pem')}`] : []),
      `pidfile ${join(dir, 'slapd.pid')}`,
      'modulepath /usr/lib/ldap',
      'moduleload back_mdb',
      'database mdb',
      'suffix "dc=example,dc=org"',
      'rootdn "cn=admin,dc=example,dc=org"',
      'rootpw admin-secret',
      `directory ${join(dir, 'db')}`,
      'access to attrs=userPassword by anonymous auth by self read by * none',
      'access to dn.subtree="ou=hidden,dc=example,dc=org" by anonymous auth by users read by * none',
      'access to * by * read',
      '',
    ].join('\n'),
  );
  writeFileSync(join(dir, 'seed.ldif'), ldif);
  const add = spawnSync('slapadd', ['-f', conf, '-l', join(dir, 'seed.ldif')], { encoding: 'utf8' });
  if (add.status !== 0) throw new Error(`slapadd failed: ${add.stderr}`);
  const port = await freePort();
  const url = `ldap://127.0.0.1:${port}`;
  // -d 0: stay in the foreground (a child we can stop) without debug output.
  const child = spawn('slapd', ['-d', '0', '-f', conf, '-h', `${url}/`], { stdio: 'ignore' });
  await waitFor(
    'slapd to accept connections',
    () => spawnSync('ldapsearch', ['-x', '-H', url, '-b', '', '-s', 'base', 'namingContexts']).status === 0,
    10_000,
    20,
  );
  return { url, suffix: 'dc=example,dc=org', ...(tls ? { ca } : {}), stop: () => stopChild(child) };
}

/** librdkafka's mock Kafka cluster, hosted by kcat; its bootstrap address is read from the debug log. */
export async function startKafkaMock(): Promise<Running> {
  const child = spawn('kcat', ['-P', '-b', 'localhost:1', '-t', 'warmup', '-X', 'test.mock.num.brokers=1', '-d', 'mock'], {
    stdio: ['pipe', 'ignore', 'pipe'],
  });
  let log = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`kcat mock cluster did not start: ${log.slice(-500)}`)), 10_000);
    child.stderr!.on('data', (d: Buffer) => {
      log = (log + d.toString()).slice(-20_000);
      const m = /bootstrap\.servers=(127\.0\.0\.1:\d+)/.exec(log);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    child.once('exit', (code) => reject(new Error(`kcat exited (${code}): ${log.slice(-500)}`)));
  });
  child.stderr!.resume();
  return { url, stop: () => stopChild(child, 'SIGKILL') };
}

export interface Mail {
  from: string;
  to: string[];
  raw: string;
  user?: string;
  secure: boolean;
}

/** smtp-server capturing every message; `users` maps user → password for AUTH. */
export async function startSmtp(
  options: Partial<SMTPServerOptions> & { users?: Record<string, string> } = {},
): Promise<Running & { port: number; mails: Mail[] }> {
  const mails: Mail[] = [];
  const { users, ...rest } = options;
  const server = new SMTPServer({
    logger: false,
    authOptional: !users,
    disabledCommands: rest.secure ? [] : ['STARTTLS'],
    onAuth(auth, _session, cb) {
      if (users && users[auth.username ?? ''] === auth.password) return cb(null, { user: auth.username });
      return cb(new Error('Invalid username or password'));
    },
    onRcptTo(address, _session, cb) {
      if (address.address.endsWith('@rejected.example')) return cb(new Error('No such user here'));
      cb();
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        mails.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString('utf8'),
          user: session.user as string | undefined,
          secure: session.secure,
        });
        cb();
      });
    },
    ...rest,
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.server.address() as AddressInfo).port;
  return { url: `smtp://127.0.0.1:${port}`, port, mails, stop: () => new Promise((r) => server.close(() => r())) };
}

/** s3rver (S3's REST API over a folder), with the given buckets; credentials S3RVER / S3RVER. */
export async function startS3(buckets: string[]): Promise<Running & { directory: string }> {
  const { default: S3rver } = await import('s3rver');
  const directory = tempDir('kwf-s3-');
  const server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory,
    configureBuckets: buckets.map((name) => ({ name })),
  });
  const address = await server.run();
  return { url: `http://127.0.0.1:${address.port}`, directory, stop: () => server.close() };
}
