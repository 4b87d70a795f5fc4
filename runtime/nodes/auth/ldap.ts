import type { Client, Entry } from 'ldapts';
import type { NodeRun } from '../../catalog/types';
import { NodeFailure } from '../../engine/errors';

const TIMEOUT_MS = 10_000;
const DEFAULT_ATTRIBUTES = ['cn', 'displayName', 'name', 'mail', 'memberOf', 'uid', 'sAMAccountName'];

/** RFC 4515: a user name in a filter matches itself only (`*`, `(`, `)` cannot widen the search). */
export function escapeFilter(value: string): string {
  return value.replace(/[\\*()\0]/g, (c) => `\\${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/** RFC 4514: a user name in a DN stays one attribute value (no `,` to add components). */
export function escapeDn(value: string): string {
  return value
    .replace(/[\\,+"<>;=\0]/g, (c) => (c === '\0' ? '\\00' : `\\${c}`))
    .replace(/^([ #])/, '\\$1')
    .replace(/ $/, '\\ ');
}

export function userFilter(template: string, username: string): string {
  return template.split('{username}').join(escapeFilter(username));
}

const first = (v: Entry[string] | undefined): string | null => {
  const x = Array.isArray(v) ? v[0] : v;
  return x === undefined ? null : Buffer.isBuffer(x) ? x.toString('utf8') : String(x);
};
const all = (v: Entry[string] | undefined): string[] =>
  v === undefined ? [] : (Array.isArray(v) ? v : [v]).map((x) => (Buffer.isBuffer(x) ? x.toString('utf8') : String(x)));

/** `dc=example,dc=org` from `ou=people,dc=example,dc=org`: where group entries are looked for. */
function namingContext(base: string): string {
  const dcs = base
    .split(/,(?=\s*dc=)/i)
    .slice(1)
    .join(',');
  return /^\s*dc=/i.test(base) ? base : dcs || base;
}

function isLdapCode(err: unknown, ...codes: number[]): boolean {
  return codes.includes((err as { code?: number }).code ?? -1);
}

async function findUser(client: Client, base: string, filter: string, attributes: string[]): Promise<Entry[]> {
  const { searchEntries } = await client.search(base, { scope: 'sub', filter, attributes, sizeLimit: 2 });
  return searchEntries;
}

async function groupsOf(client: Client, entry: Entry, username: string, base: string): Promise<string[]> {
  const direct = all(entry.memberOf);
  if (direct.length) return direct;
  // Directories without a memberOf overlay: look the user up in the groups themselves.
  const dn = escapeFilter(entry.dn);
  const filter = `(|(&(objectClass=groupOfNames)(member=${dn}))(&(objectClass=groupOfUniqueNames)(uniqueMember=${dn}))(&(objectClass=posixGroup)(memberUid=${escapeFilter(username)})))`;
  try {
    const { searchEntries } = await client.search(namingContext(base), { scope: 'sub', filter, attributes: ['dn'] });
    return searchEntries.map((g) => g.dn);
  } catch {
    return [];
  }
}

/**
 * The DN to bind as, found with `user_filter` under `base` (anonymously), or `attr=<user>,<base>`
 * from a simple filter where anonymous search is refused or sees nothing; null when no single
 * entry is the user.
 */
async function entryDn(client: Client, base: string, filter: string, template: string, username: string): Promise<string | null> {
  if (!base) throw new NodeFailure('NodeValidationError', 'Without a domain, search_base is needed to find the user entry.');
  let entries: Entry[] | undefined;
  try {
    entries = await findUser(client, base, filter, ['dn']);
  } catch (err) {
    if (!isLdapCode(err, 50, 1, 32)) throw err;
  }
  if (entries?.length === 1) return entries[0]!.dn;
  if (entries && entries.length > 1) return null;
  const attr = /^\(\s*([A-Za-z][\w-]*)\s*=\s*\{username\}\s*\)$/.exec(template)?.[1];
  if (!attr && entries === undefined)
    throw new NodeFailure(
      'NodeExecutionError',
      `The server refused an anonymous search under ${base}; use a user_filter of the form (attr={username}) or set domain.`,
    );
  return attr ? `${attr}=${escapeDn(username)},${base}` : null;
}

/**
 * LDAPAuthNode (ours; the guide writes it by hand). With `domain`, binds as `user@domain` (or `DOMAIN\user`), as Active
 * Directory expects; a directory that takes only DNs refuses that name's syntax, and then, as
 * without `domain`, the node finds the user's entry with `user_filter` (an anonymous search, or
 * the DN `attr=<user>,<search_base>` where anonymous search is refused) and binds as it.
 * Wrong credentials are an answer (`authenticated: false`), not a node failure.
 */
export const runLdap: NodeRun = async (i, ctx) => {
  const { Client: LdapClient } = await import('ldapts');
  const url = String(i.ldap_server ?? '');
  if (!/^ldaps?:\/\//i.test(url))
    throw new NodeFailure('NodeValidationError', `ldap_server must be an ldap:// or ldaps:// URL, got '${url}'.`);
  const username = String(i.username ?? '');
  const password = i.password === undefined || i.password === null ? '' : String(i.password);
  // An empty password would be an "unauthenticated bind", which servers accept for anyone.
  if (!username || !password) return { authenticated: false, error: 'Username and password are required' };
  const base = i.search_base ? String(i.search_base) : '';
  const template = String(i.user_filter ?? '(sAMAccountName={username})');
  const requested = ((i.attributes as string[] | undefined) ?? []).map(String);
  const attributes = [...new Set([...DEFAULT_ATTRIBUTES, ...requested])];
  const filter = userFilter(template, username);
  const client = new LdapClient({ url, timeout: TIMEOUT_MS, connectTimeout: TIMEOUT_MS, strictDN: false });
  const onAbort = () => void client.unbind().catch(() => undefined);
  ctx.signal.addEventListener('abort', onAbort, { once: true });
  const invalid = { authenticated: false, error: 'Invalid credentials' };
  try {
    if (i.start_tls) {
      if (url.toLowerCase().startsWith('ldaps:'))
        throw new NodeFailure('NodeValidationError', 'start_tls applies to ldap:// URLs; ldaps:// is already encrypted.');
      await client.startTLS({ servername: new URL(url).hostname });
    }
    let bindName: string | undefined;
    if (i.domain) {
      const domain = String(i.domain);
      const principal = domain.includes('.') ? `${username}@${domain}` : `${domain}\\${username}`;
      try {
        await client.bind(principal, password);
        bindName = principal;
      } catch (err) {
        // invalidDNSyntax: the directory takes DNs only (OpenLDAP, 389-DS), not Active Directory's
        // `user@domain`; the guide's pattern then finds the entry and binds as it, below.
        if (!(isLdapCode(err, 34) && base)) {
          if (isLdapCode(err, 49, 32, 34, 48, 53)) return invalid;
          throw err;
        }
      }
    }
    if (bindName === undefined) {
      const dn = await entryDn(client, base, filter, template, username);
      if (dn === null) return invalid;
      try {
        await client.bind(dn, password);
      } catch (err) {
        if (isLdapCode(err, 49, 32, 34, 48, 53)) return invalid;
        throw err;
      }
      bindName = dn;
    }
    let entry: Entry | undefined;
    if (base) {
      const found = await findUser(client, base, filter, attributes).catch(() => []);
      entry = found.length === 1 ? found[0] : undefined;
    }
    const dn = entry?.dn ?? bindName;
    const groups = entry ? await groupsOf(client, entry, username, base) : [];
    const fetched: Record<string, unknown> = {};
    for (const a of requested) if (entry?.[a] !== undefined) fetched[a] = Array.isArray(entry[a]) ? all(entry[a]) : first(entry[a]);
    return {
      authenticated: true,
      user: {
        name: first(entry?.displayName) ?? first(entry?.cn) ?? first(entry?.name) ?? username,
        email: first(entry?.mail),
        groups,
        dn,
        attributes: fetched,
      },
    };
  } catch (err) {
    if (ctx.signal.aborted) throw ctx.signal.reason;
    if (err instanceof NodeFailure) throw err;
    const e = err as { code?: string | number; message?: string };
    const transport = typeof e.code === 'string' || /ECONNREFUSED|ECONNRESET|ETIMEDOUT|timeout|closed/i.test(e.message ?? '');
    throw new NodeFailure('NodeExecutionError', `LDAP ${url} failed: ${e.message ?? String(err)}`, { retryable: transport });
  } finally {
    ctx.signal.removeEventListener('abort', onAbort);
    await client.unbind().catch(() => undefined);
  }
};

/** Breakers and rate limits key on the directory server. */
export function ldapTarget(i: Record<string, unknown>): string | undefined {
  try {
    return new URL(String(i.ldap_server)).host;
  } catch {
    return undefined;
  }
}
