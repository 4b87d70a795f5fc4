// The guide's LDAP/Active Directory pattern: `ldap_auth` binds as `username@domain`, searches
// `search_base` for `(sAMAccountName=<username>)` with displayName, mail and memberOf, and returns
// `authenticated` and `user` {name, email, groups}. Here that is LDAPAuthNode, the user name given
// at run time, against slapd on 127.0.0.1 holding Active Directory's attribute names.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { hasCommand, startSlapd } from '../support/data-servers';
import { count, folder, run } from './cli';

/** Active Directory's names for the account name and group membership (their AD OIDs). */
const AD_SCHEMA = `attributetype ( 1.2.840.113556.1.4.221 NAME 'sAMAccountName'
  EQUALITY caseIgnoreMatch SUBSTR caseIgnoreSubstringsMatch
  SYNTAX 1.3.6.1.4.1.1466.115.121.1.15 SINGLE-VALUE )
attributetype ( 1.2.840.113556.1.2.102 NAME 'memberOf'
  EQUALITY distinguishedNameMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.12 )
objectclass ( 1.3.6.1.4.1.55555.1.1 NAME 'adAccount' AUXILIARY MAY ( sAMAccountName $ memberOf ) )
`;

const PASSWORD = 'pw-Jd0e-2024';
const LDIF = `dn: dc=example,dc=org
objectClass: dcObject
objectClass: organization
o: Example
dc: example

dn: ou=people,dc=example,dc=org
objectClass: organizationalUnit
ou: people

dn: cn=John Doe,ou=people,dc=example,dc=org
objectClass: inetOrgPerson
objectClass: adAccount
cn: John Doe
sn: Doe
displayName: John Doe (Finance)
mail: jdoe@example.org
sAMAccountName: jdoe
memberOf: cn=finance,ou=groups,dc=example,dc=org
memberOf: cn=vpn-users,ou=groups,dc=example,dc=org
userPassword: ${PASSWORD}
`;

const env = { KAILASH_SECRET_LDAP_PASSWORD: PASSWORD };

describe(
  'guide: LDAP / Active Directory authentication',
  { skip: hasCommand('slapd') ? false : 'slapd not installed (.ci/run installs it)' },
  () => {
    const files = folder();
    let ldap: Awaited<ReturnType<typeof startSlapd>>;
    let file: string;
    before(async () => {
      ldap = await startSlapd(LDIF, { schema: AD_SCHEMA });
      file = files.write(
        'ldap.workflow.yaml',
        `name: ldap-login
nodes:
  - id: ldap_auth
    type: LDAPAuthNode
    config:
      ldap_server: ${ldap.url}
      domain: example.org
      search_base: ou=people,dc=example,dc=org
      password: \${secret:LDAP_PASSWORD}
      attributes: [displayName, mail, memberOf]
`,
      );
    });
    after(async () => {
      await ldap?.stop();
      files.cleanup();
    });

    it("finds the user by sAMAccountName and returns the guide's user: name, email, groups", async () => {
      const r = await run(file, ['ldap_auth.username=jdoe'], env);
      assert.equal(r.code, 0, r.stderr + r.stdout);
      const out = r.record!.results.ldap_auth! as { authenticated: boolean; user: Record<string, unknown> };
      assert.equal(out.authenticated, true, JSON.stringify(out));
      assert.equal(out.user.name, 'John Doe (Finance)');
      assert.equal(out.user.email, 'jdoe@example.org');
      assert.deepEqual(out.user.groups, ['cn=finance,ou=groups,dc=example,dc=org', 'cn=vpn-users,ou=groups,dc=example,dc=org']);
      assert.equal(out.user.dn, 'cn=John Doe,ou=people,dc=example,dc=org');
      assert.equal(count(r.stdout + r.stderr, PASSWORD), 0, 'the password never appears');
    });

    it('a wrong password is an answer (authenticated: false), not a failure', async () => {
      const r = await run(file, ['ldap_auth.username=jdoe'], { KAILASH_SECRET_LDAP_PASSWORD: 'not-it' });
      assert.equal(r.code, 0, r.stderr + r.stdout);
      assert.deepEqual(r.record!.results.ldap_auth, { authenticated: false, error: 'Invalid credentials' });
    });
  },
);
