import type { NodeSpec } from '../types';

const md = (...lines: string[]): string => lines.join('\n');

export const specs: NodeSpec[] = [
  {
    type: 'JWTAuthNode',
    // A shared secret for HS*, a key pair or a JWKS for RS*/ES*: one of them must be given.
    requireOneOf: [['secret_key', 'private_key', 'public_key', 'jwks_url']],
    category: 'auth',
    origin: 'ours',
    summary: 'Generate or verify a JSON Web Token',
    docs: md(
      '`action: generate` signs `payload` (plus `exp`, and `iss`/`aud` when given) and returns `token` and `expires_at`; `action: verify` checks a `token` and returns `valid` and its `payload`.',
      'HS* algorithms use `secret_key`; RS256/ES256 sign with `private_key` and verify with `public_key` or the keys at `jwks_url`.',
      'An invalid token is not a node failure: `valid` is false and `error` says why — route on `valid` with a `SwitchNode`.',
      'Verification accepts only `algorithm` (never `none`, never an HMAC check with a public key), and checks `exp`, `nbf` and, when given, `iss` and `aud`. A JWKS that cannot be fetched fails the node.',
      '```yaml',
      'nodes:',
      '  - id: issue_token',
      '    type: JWTAuthNode',
      '    config:',
      '      action: generate',
      '      secret_key: ${secret:JWT_SECRET}',
      '      payload: {sub: user-42, role: admin}',
      '      expire_minutes: 30',
      '```',
    ),
    params: {
      secret_key: {
        type: 'str',
        description: 'Shared secret for the HS256/HS384/HS512 algorithms (RS256/ES256 use the keys below instead)',
        secret: true,
      },
      algorithm: {
        type: 'str',
        description: 'Signing algorithm',
        default: 'HS256',
        enum: ['HS256', 'HS384', 'HS512', 'RS256', 'ES256'],
      },
      expire_minutes: {
        type: 'int',
        description: 'Lifetime of a generated token, in minutes (sets the `exp` claim)',
        default: 60,
      },
      action: {
        type: 'str',
        description: 'What to do: `generate` a token or `verify` one',
        required: true,
        enum: ['generate', 'verify'],
      },
      payload: { type: 'dict', description: 'Claims to put in the generated token (generate)' },
      token: { type: 'str', description: 'The token to verify (verify)', secret: true },
      issuer: {
        type: 'str',
        description: 'Issuer: set as `iss` when generating, required to match when verifying',
      },
      audience: {
        type: 'str',
        description: 'Audience: set as `aud` when generating, required to match when verifying',
      },
      private_key: {
        type: 'str',
        description: 'PEM private key for signing with RS256/ES256',
        secret: true,
      },
      public_key: { type: 'str', description: 'PEM public key for verifying RS256/ES256 tokens' },
      jwks_url: {
        type: 'str',
        description: 'URL of a JWKS document to fetch verification keys from (by `kid`)',
      },
    },
    outputs: {
      token: { type: 'str', description: 'The signed token', when: 'generate action only' },
      expires_at: {
        type: 'str',
        description: 'When the token expires (ISO 8601 timestamp)',
        when: 'generate action only',
      },
      valid: {
        type: 'bool',
        description: 'Whether the token is valid (signature, expiry, issuer, audience)',
        when: 'verify action only',
      },
      payload: { type: 'dict', description: 'The decoded claims', when: 'verify action only' },
      error: {
        type: 'str',
        description: 'Why the token is invalid',
        when: 'verify action, only when valid is false',
      },
    },
  },
  {
    type: 'LDAPAuthNode',
    category: 'auth',
    origin: 'ours',
    summary: 'Authenticate a user against LDAP / Active Directory and fetch their details',
    docs: md(
      'Binds to `ldap_server` as the user (`username@domain` or `DOMAIN\\username` when `domain` is set; otherwise as the entry `user_filter` finds under `search_base`), then reads their entry and groups (`memberOf`, or the groups that list them as a member).',
      'The user name is escaped wherever it goes (RFC 4515 in filters, RFC 4514 in DNs), so `*)(uid=*` matches nobody; an empty password is refused rather than sent as an anonymous bind.',
      'Returns `authenticated` and the `user` (`name`, `email`, `groups`, `dn`). Wrong credentials are not a node failure: `authenticated` is false and `error` says why.',
      '```yaml',
      'nodes:',
      '  - id: login',
      '    type: LDAPAuthNode',
      '    config:',
      '      ldap_server: ldaps://dc1.corp.example.com',
      '      domain: CORP',
      '      search_base: DC=corp,DC=example,DC=com',
      '      username: jdoe',
      '      password: ${secret:LDAP_PASSWORD}',
      '```',
    ),
    params: {
      ldap_server: {
        type: 'str',
        description: 'LDAP server URL (ldap://host:389 or ldaps://host:636)',
        required: true,
      },
      username: { type: 'str', description: 'The user to authenticate', required: true },
      password: {
        type: 'str',
        description: "The user's password",
        required: true,
        secret: true,
      },
      domain: { type: 'str', description: 'Active Directory domain used to form the bind name' },
      search_base: { type: 'str', description: 'Base DN under which to search for the user entry' },
      user_filter: {
        type: 'str',
        description: 'LDAP search filter for the user entry; `{username}` is replaced',
        default: '(sAMAccountName={username})',
      },
      attributes: {
        type: 'list',
        items: { type: 'str' },
        description: 'Attributes to fetch for the user entry (default: name, mail, memberOf)',
      },
      start_tls: {
        type: 'bool',
        description: 'Upgrade a plain ldap:// connection with StartTLS before binding',
        default: false,
      },
    },
    outputs: {
      authenticated: { type: 'bool', description: 'Whether the credentials were accepted' },
      user: {
        type: 'dict',
        description: "The user's directory entry",
        when: 'only when authenticated',
        fields: {
          name: { type: 'str', description: 'Display name' },
          email: { type: 'str', description: 'Mail address' },
          groups: { type: 'list', items: { type: 'str' }, description: 'Group DNs (memberOf)' },
          dn: { type: 'str', description: 'Distinguished name of the entry' },
          attributes: { type: 'dict', description: 'The attributes named in `attributes`, as the directory returned them' },
        },
      },
      error: {
        type: 'str',
        description: 'Why authentication failed',
        when: 'only when authenticated is false',
      },
    },
  },
];
