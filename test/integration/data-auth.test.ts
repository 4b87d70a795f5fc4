// JWTAuthNode (jose; a JWKS served on loopback) and LDAPAuthNode against OpenLDAP's slapd.
import assert from 'node:assert/strict';
import { createHmac, generateKeyPairSync } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { exportJWK, SignJWT } from 'jose';
import { escapeDn, escapeFilter, userFilter } from '../../runtime/nodes/auth/ldap';
import { LocalRuntime } from '../../runtime/engine/local';
import { runNode } from '../support/data';
import { hasCommand, startSlapd } from '../support/data-servers';

const SECRET = 'a-long-hmac-secret-for-tests-0123456789';
const rt = new LocalRuntime({ env: {}, secrets: { get: async (n) => ({ JWT_SECRET: SECRET, JDOE_PW: 'pw-jdoe-Secret' })[n] } });
after(() => rt.dispose());

const jwt = (config: Record<string, unknown>) => runNode(rt, 'JWTAuthNode', { secret_key: '${secret:JWT_SECRET}', ...config });
const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');

describe('JWTAuthNode', () => {
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const pem = (k: typeof rsa.publicKey, type: 'spki' | 'pkcs8') => k.export({ type, format: 'pem' }) as string;
  let jwks: Server;
  let jwksUrl = '';

  before(async () => {
    const jwk = { ...(await exportJWK(rsa.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
    jwks = createServer((req, res) => {
      if (req.url === '/broken') return void res.writeHead(500).end('down');
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((r) => jwks.listen(0, '127.0.0.1', r));
    jwksUrl = `http://127.0.0.1:${(jwks.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((r) => jwks.close(() => r())));

  it('generates an HS256 token and verifies exp, iss and aud', async () => {
    const g = await jwt({
      action: 'generate',
      payload: { sub: 'svc-1', role: 'exporter' },
      expire_minutes: 15,
      issuer: 'kw',
      audience: 'billing',
    });
    assert.equal(g.status, 'succeeded', JSON.stringify(g.error));
    const token = String(g.output!.token);
    const claims = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString());
    assert.equal(claims.exp - claims.iat, 900);
    assert.equal(new Date(String(g.output!.expires_at)).getTime(), claims.exp * 1000);
    const ok = await jwt({ action: 'verify', token, issuer: 'kw', audience: 'billing' });
    assert.equal(ok.output!.valid, true);
    assert.deepEqual(
      { sub: (ok.output!.payload as Record<string, unknown>).sub, role: (ok.output!.payload as Record<string, unknown>).role },
      { sub: 'svc-1', role: 'exporter' },
    );
    const aud = await jwt({ action: 'verify', token, issuer: 'kw', audience: 'other' });
    assert.deepEqual(aud.output, { valid: false, payload: null, error: 'Invalid audience' });
    const iss = await jwt({ action: 'verify', token, issuer: 'someone-else' });
    assert.equal(iss.output!.error, 'Invalid issuer');
    const otherKey = await runNode(rt, 'JWTAuthNode', { action: 'verify', token, secret_key: 'another-secret-of-some-length' });
    assert.equal(otherKey.output!.error, 'Signature verification failed');
  });

  it('refuses expired and not-yet-valid tokens', async () => {
    const key = new TextEncoder().encode(SECRET);
    const now = Math.floor(Date.now() / 1000);
    const expired = await new SignJWT({ sub: 'x' })
      .setProtectedHeader({ alg: 'HS256' })
      .setExpirationTime(now - 10)
      .sign(key);
    assert.equal((await jwt({ action: 'verify', token: expired })).output!.error, 'Token has expired');
    const early = await new SignJWT({ sub: 'x' })
      .setProtectedHeader({ alg: 'HS256' })
      .setNotBefore(now + 600)
      .sign(key);
    assert.equal((await jwt({ action: 'verify', token: early })).output!.error, 'Token is not yet valid (nbf)');
    assert.deepEqual((await jwt({ action: 'verify', token: '' })).output, { valid: false, payload: null, error: 'No token provided' });
  });

  it("refuses alg 'none' and algorithm confusion (an HMAC signed with the RSA public key)", async () => {
    const none = `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ sub: 'admin' })}.`;
    const r1 = await jwt({ action: 'verify', token: none });
    assert.equal(r1.output!.valid, false);
    const publicPem = pem(rsa.publicKey, 'spki');
    const head = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({ sub: 'admin', exp: Math.floor(Date.now() / 1000) + 60 })}`;
    const forged = `${head}.${createHmac('sha256', publicPem).update(head).digest('base64url')}`;
    const r2 = await runNode(rt, 'JWTAuthNode', {
      action: 'verify',
      algorithm: 'RS256',
      token: forged,
      public_key: publicPem,
      secret_key: 'unused',
    });
    assert.equal(r2.output!.valid, false);
    assert.match(String(r2.output!.error), /Algorithm not allowed/);
    const r3 = await runNode(rt, 'JWTAuthNode', {
      action: 'verify',
      algorithm: 'HS256',
      token: forged,
      jwks_url: `${jwksUrl}/jwks`,
      secret_key: 'x',
    });
    assert.match(r3.error!.message, /jwks_url needs RS256 or ES256/);
  });

  it('signs and verifies RS256 and ES256 with PEM keys, and RS256 against a JWKS URL', async () => {
    const rs = await runNode(rt, 'JWTAuthNode', {
      action: 'generate',
      algorithm: 'RS256',
      private_key: pem(rsa.privateKey, 'pkcs8'),
      secret_key: 'unused',
      payload: { sub: 'r' },
    });
    assert.equal(rs.status, 'succeeded', JSON.stringify(rs.error));
    const token = String(rs.output!.token);
    const byPem = await runNode(rt, 'JWTAuthNode', {
      action: 'verify',
      algorithm: 'RS256',
      token,
      public_key: pem(rsa.publicKey, 'spki'),
      secret_key: 'unused',
    });
    assert.equal(byPem.output!.valid, true);
    const kidToken = await new SignJWT({ sub: 'j' })
      .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
      .setExpirationTime('5m')
      .sign(rsa.privateKey);
    const byJwks = await runNode(rt, 'JWTAuthNode', {
      action: 'verify',
      algorithm: 'RS256',
      token: kidToken,
      jwks_url: `${jwksUrl}/jwks`,
      secret_key: 'unused',
    });
    assert.equal(byJwks.output!.valid, true, JSON.stringify(byJwks.output));
    const down = await runNode(rt, 'JWTAuthNode', {
      action: 'verify',
      algorithm: 'RS256',
      token: kidToken,
      jwks_url: `${jwksUrl}/broken`,
      secret_key: 'unused',
    });
    assert.equal(down.status, 'failed', 'a JWKS that cannot be fetched fails the node');
    const es = await runNode(rt, 'JWTAuthNode', {
      action: 'generate',
      algorithm: 'ES256',
      private_key: pem(ec.privateKey, 'pkcs8'),
      secret_key: 'unused',
      payload: { sub: 'e' },
    });
    const esOk = await runNode(rt, 'JWTAuthNode', {
      action: 'verify',
      algorithm: 'ES256',
      token: es.output!.token,
      public_key: pem(ec.publicKey, 'spki'),
      secret_key: 'unused',
    });
    assert.equal(esOk.output!.valid, true);
    const wrongFamily = await runNode(rt, 'JWTAuthNode', {
      action: 'generate',
      algorithm: 'ES256',
      private_key: pem(rsa.privateKey, 'pkcs8'),
      secret_key: 'unused',
    });
    assert.match(wrongFamily.error!.message, /ES256 needs an EC P-256 key/);
  });

  it('keeps the secret out of results', async () => {
    const g = await jwt({ action: 'generate', payload: { note: SECRET } });
    assert.doesNotMatch(JSON.stringify(g.result), new RegExp(SECRET));
  });
});

const LDIF = `dn: dc=example,dc=org
objectClass: dcObject
objectClass: organization
o: Example
dc: example

dn: ou=people,dc=example,dc=org
objectClass: organizationalUnit
ou: people

dn: ou=hidden,dc=example,dc=org
objectClass: organizationalUnit
ou: hidden

dn: ou=groups,dc=example,dc=org
objectClass: organizationalUnit
ou: groups

dn: uid=jdoe,ou=people,dc=example,dc=org
objectClass: inetOrgPerson
uid: jdoe
cn: John Doe
sn: Doe
mail: jdoe@example.org
telephoneNumber: +44 1234
userPassword: pw-jdoe-Secret

dn: uid=asmith,ou=people,dc=example,dc=org
objectClass: inetOrgPerson
uid: asmith
cn: Ann Smith
sn: Smith
userPassword: pw-asmith

dn: uid=ghost,ou=hidden,dc=example,dc=org
objectClass: inetOrgPerson
uid: ghost
cn: Ghost
sn: Ghost
userPassword: pw-ghost

dn: cn=admins,ou=groups,dc=example,dc=org
objectClass: groupOfNames
cn: admins
member: uid=jdoe,ou=people,dc=example,dc=org

dn: cn=staff,ou=groups,dc=example,dc=org
objectClass: groupOfNames
cn: staff
member: uid=jdoe,ou=people,dc=example,dc=org
member: uid=asmith,ou=people,dc=example,dc=org
`;

describe('LDAPAuthNode', { skip: hasCommand('slapd') ? false : 'slapd not installed (.ci/run installs it)' }, () => {
  let ldap: Awaited<ReturnType<typeof startSlapd>>;
  before(async () => {
    ldap = await startSlapd(LDIF);
  });
  after(() => ldap?.stop());

  const login = (username: string, password: string, extra: Record<string, unknown> = {}) =>
    runNode(rt, 'LDAPAuthNode', {
      ldap_server: ldap.url,
      search_base: 'ou=people,dc=example,dc=org',
      user_filter: '(uid={username})',
      username,
      password,
      ...extra,
    });

  it('binds, reads the entry and finds the groups', async () => {
    const r = await login('jdoe', '${secret:JDOE_PW}', { attributes: ['telephoneNumber'] });
    assert.equal(r.status, 'succeeded', JSON.stringify(r.error));
    assert.deepEqual(r.output, {
      authenticated: true,
      user: {
        name: 'John Doe',
        email: 'jdoe@example.org',
        groups: ['cn=admins,ou=groups,dc=example,dc=org', 'cn=staff,ou=groups,dc=example,dc=org'],
        dn: 'uid=jdoe,ou=people,dc=example,dc=org',
        attributes: { telephoneNumber: '+44 1234' },
      },
    });
  });

  it('answers authenticated: false for a wrong password, an unknown user and an empty password', async () => {
    assert.deepEqual((await login('jdoe', 'wrong')).output, { authenticated: false, error: 'Invalid credentials' });
    assert.deepEqual((await login('nobody', 'pw')).output, { authenticated: false, error: 'Invalid credentials' });
    assert.equal((await login('jdoe', '')).output!.authenticated, false);
  });

  it('escapes the user name: `*)(uid=*` and `*` cannot widen the search', async () => {
    for (const username of ['*)(uid=*', '*', 'jd*', 'jdoe)(|(uid=*']) {
      const r = await login(username, 'pw-jdoe-Secret');
      assert.deepEqual(r.output, { authenticated: false, error: 'Invalid credentials' }, username);
    }
    assert.equal(userFilter('(uid={username})', '*)(uid=*'), '(uid=\\2a\\29\\28uid=\\2a)');
    assert.equal(escapeFilter('a\\b\0'), 'a\\5cb\\00');
    assert.equal(escapeDn('jdoe,ou=admins'), 'jdoe\\,ou\\=admins');
    assert.equal(escapeDn(' #x '), '\\ #x\\ ');
  });

  it('binds by DN where anonymous search sees nothing, with the name escaped into the DN', async () => {
    const hidden = { search_base: 'ou=hidden,dc=example,dc=org' };
    const r = await login('ghost', 'pw-ghost', hidden);
    assert.equal(r.output!.authenticated, true, JSON.stringify(r.output ?? r.error));
    assert.equal((r.output!.user as Record<string, unknown>).dn, 'uid=ghost,ou=hidden,dc=example,dc=org');
    const injected = await login('ghost,ou=hidden', 'pw-ghost', hidden);
    assert.equal(injected.output!.authenticated, false);
  });

  it('fails the node when StartTLS is asked of a server without TLS (never falls back to plain)', async () => {
    const r = await login('jdoe', '${secret:JDOE_PW}', { start_tls: true });
    assert.equal(r.status, 'failed');
    assert.match(r.error!.message, /LDAP ldap:\/\/127\.0\.0\.1:\d+ failed/);
  });

  it('fails the node when the server is down, and keeps the password out of it', async () => {
    const r = await runNode(rt, 'LDAPAuthNode', {
      ldap_server: 'ldap://127.0.0.1:1',
      search_base: 'dc=example,dc=org',
      user_filter: '(uid={username})',
      username: 'jdoe',
      password: '${secret:JDOE_PW}',
    });
    assert.equal(r.status, 'failed');
    assert.match(r.error!.message, /LDAP ldap:\/\/127\.0\.0\.1:1 failed/);
    assert.doesNotMatch(JSON.stringify(r.result), /pw-jdoe-Secret/);
  });
});
