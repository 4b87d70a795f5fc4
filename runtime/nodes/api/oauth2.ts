import { createHash, randomUUID } from 'node:crypto';
import type { NodeOutput, NodeRun, RunContext } from '../../catalog/types';
import { NodeFailure } from '../../engine/errors';
import { content, failureOf, httpRequest } from './http';
import { forgetToken, registerToken } from './tokens';

/** A token endpoint's answer (RFC 6749 §5.1) plus whatever else the server adds. */
interface TokenData {
  access_token: string;
  token_type?: string;
  expires_in?: number;
  refresh_token?: string;
  scope?: string;
  [key: string]: unknown;
}

interface Entry {
  data: TokenData;
  obtainedAt: number;
  expiresAt: number;
  /** Tokens fetched for this key after the first. */
  refreshes: number;
}

/** Kailash assumes an hour when the server does not say. */
const DEFAULT_EXPIRES_IN = 3600;
/** Distinct credentials kept; the oldest is dropped beyond this. */
const MAX_ENTRIES = 1000;

/** Tokens shared by every run in the process, per token URL, client, grant, scope and credential. */
const cache = new Map<string, Entry>();
const pending = new Map<string, Promise<Entry>>();

/** Forget every cached token (tests; a fresh process has none). */
export function clearTokenCache(): void {
  for (const e of cache.values()) forgetToken(e.data.access_token);
  cache.clear();
}

function str(v: unknown): string | undefined {
  return v === undefined || v === null || v === '' ? undefined : String(v);
}

/** Secrets are part of the key (hashed), so a wrong secret never gets a token fetched with the right one. */
function cacheKey(i: Record<string, unknown>): string {
  const parts = [
    'token_url',
    'client_id',
    'client_secret',
    'grant_type',
    'username',
    'password',
    'refresh_token',
    'code',
    'redirect_uri',
  ].map((k) => str(i[k]) ?? '');
  parts.push(scopeOf(i) ?? '');
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex');
}

function authorization(data: TokenData): string {
  const type = data.token_type && data.token_type.toLowerCase() !== 'bearer' ? data.token_type : 'Bearer';
  return `${type} ${data.access_token}`;
}

/** `scope` (space-separated) and `scopes` (a list) together, each scope once, in the order given. */
function scopeOf(i: Record<string, unknown>): string | undefined {
  const all = [...(str(i.scope)?.split(/\s+/) ?? []), ...(Array.isArray(i.scopes) ? i.scopes.map(String) : [])].filter(Boolean);
  return all.length ? [...new Set(all)].join(' ') : undefined;
}

/**
 * Where the user's browser goes to approve the client (RFC 6749 §4.1.1). The state only ties the
 * redirect to this request; a workflow cannot check it, the person copying the code can.
 */
function authorizeUrl(i: Record<string, unknown>): string | undefined {
  const base = str(i.authorization_url);
  if (!base) return undefined;
  let url: URL;
  try {
    url = new URL(base);
  } catch {
    throw new NodeFailure('NodeValidationError', `authorization_url is not a URL: ${base}`);
  }
  url.searchParams.set('response_type', 'code');
  const clientId = str(i.client_id);
  if (clientId) url.searchParams.set('client_id', clientId);
  const redirect = str(i.redirect_uri);
  if (redirect) url.searchParams.set('redirect_uri', redirect);
  const scope = scopeOf(i);
  if (scope) url.searchParams.set('scope', scope);
  url.searchParams.set('state', randomUUID());
  return url.toString();
}

/** The form for one grant. `refreshWith` swaps in a refresh_token grant with the token the server gave us. */
function grantForm(i: Record<string, unknown>, refreshWith?: string, node = 'NODE'): Record<string, string> {
  const grant = refreshWith ? 'refresh_token' : String(i.grant_type ?? 'client_credentials');
  const form: Record<string, string> = { grant_type: grant };
  const clientId = str(i.client_id);
  if (clientId) form.client_id = clientId;
  const scope = scopeOf(i);
  if (scope) form.scope = scope;
  if (grant === 'password') {
    const username = str(i.username);
    const password = str(i.password);
    if (!username || !password) throw new NodeFailure('NodeValidationError', 'Username and password are required for password grant type');
    form.username = username;
    form.password = password;
  } else if (grant === 'refresh_token') {
    const token = refreshWith ?? str(i.refresh_token);
    if (!token) throw new NodeFailure('NodeValidationError', 'Refresh token is required for refresh_token grant type');
    form.refresh_token = token;
  } else if (grant === 'authorization_code') {
    const code = str(i.code);
    if (!code) {
      const open = authorizeUrl(i);
      throw new NodeFailure(
        'NodeValidationError',
        open
          ? `The authorization_code grant needs the code the provider redirects with: open ${open} in a browser, approve, and run again with the 'code' query value of the redirect as the run parameter 'code' (e.g. --param ${node}.code=…).`
          : "The authorization_code grant needs 'code', the value the provider's redirect carries: set authorization_url (the provider's authorize endpoint) to be told the URL to open, then give the code as a run parameter.",
        { retryable: false },
      );
    }
    form.code = code;
    const redirect = str(i.redirect_uri);
    if (redirect) form.redirect_uri = redirect;
  } else if (grant !== 'client_credentials') {
    throw new NodeFailure('NodeValidationError', `Unsupported grant type: ${grant}`);
  }
  return form;
}

async function requestToken(i: Record<string, unknown>, ctx: RunContext, form: Record<string, string>): Promise<TokenData> {
  const headers: Record<string, string> = { accept: 'application/json' };
  const secret = str(i.client_secret);
  // As Kailash does: with a secret, the client authenticates with HTTP Basic (RFC 6749 §2.3.1),
  // credentials unencoded as Kailash sends them, and the secret stays out of the form.
  if (secret) headers.authorization = `Basic ${Buffer.from(`${String(i.client_id ?? '')}:${secret}`).toString('base64')}`;
  const out = await httpRequest({ url: i.token_url, method: 'POST', headers, data: form, response_format: 'json', timeout: 30 }, ctx, {
    label: 'OAuth2Node',
  });
  const body = content(out);
  if (!out.success) {
    const b = body && typeof body === 'object' ? (body as Record<string, unknown>) : {};
    const detail = [str(b.error), str(b.error_description)].filter(Boolean).join(': ');
    throw failureOf(out, 'NodeExecutionError', `Failed to acquire OAuth token (${form.grant_type} grant)`, detail || undefined);
  }
  if (!body || typeof body !== 'object' || Array.isArray(body))
    throw new NodeFailure('NodeExecutionError', 'Failed to parse OAuth token response: the body is not a JSON object');
  const data = body as TokenData;
  // The response is not quoted: it may hold other tokens.
  if (typeof data.access_token !== 'string' || !data.access_token) {
    throw new NodeFailure(
      'NodeExecutionError',
      `Invalid OAuth response: missing access_token (keys: ${Object.keys(data).join(', ') || 'none'})`,
    );
  }
  return data;
}

/** A new token for `key`: the refresh token the server gave, else the configured grant again. */
async function obtain(key: string, i: Record<string, unknown>, ctx: RunContext, previous: Entry | undefined): Promise<Entry> {
  let data: TokenData | undefined;
  const refreshToken = previous?.data.refresh_token;
  if (refreshToken && i.grant_type !== 'client_credentials') {
    try {
      data = await requestToken(i, ctx, grantForm(i, refreshToken));
    } catch (err) {
      // A rejected refresh token (expired, rotated, revoked) falls back to the configured grant.
      if (ctx.signal.aborted || (err instanceof NodeFailure && err.retryable)) throw err;
    }
  }
  data ??= await requestToken(i, ctx, grantForm(i));
  // Servers that rotate nothing keep the old refresh token valid.
  if (!data.refresh_token && refreshToken) data = { ...data, refresh_token: refreshToken };
  const now = Date.now();
  const expiresIn = Number(data.expires_in ?? DEFAULT_EXPIRES_IN);
  const entry: Entry = {
    data,
    obtainedAt: now,
    expiresAt: now + (Number.isFinite(expiresIn) ? expiresIn : DEFAULT_EXPIRES_IN) * 1000,
    refreshes: previous ? previous.refreshes + 1 : 0,
  };
  if (previous) forgetToken(previous.data.access_token);
  cache.delete(key);
  cache.set(key, entry);
  if (cache.size > MAX_ENTRIES) {
    const [oldest, e] = cache.entries().next().value as [string, Entry];
    cache.delete(oldest);
    forgetToken(e.data.access_token);
  }
  registerToken(data.access_token, (caller) => refreshAfter401(key, i, data.access_token, caller));
  return entry;
}

/** One token request per key at a time: concurrent runs wait for the same answer. */
function single(key: string, fetch: () => Promise<Entry>): Promise<Entry> {
  let p = pending.get(key);
  if (!p) {
    p = fetch().finally(() => pending.delete(key));
    pending.set(key, p);
  }
  return p;
}

/** An HTTP node got a 401 with `token`: fetch a new one unless another run already did. */
async function refreshAfter401(key: string, i: Record<string, unknown>, token: string, ctx: RunContext): Promise<string | undefined> {
  const current = cache.get(key);
  if (current && current.data.access_token !== token) return authorization(current.data);
  const next = await single(key, () => obtain(key, i, ctx, current));
  return authorization(next.data);
}

/** OAuth2Node: a cached token, refreshed `refresh_buffer_seconds` before it expires, as ready headers. */
export const runOAuth2: NodeRun = async (i, ctx) => {
  if (!str(i.token_url)) throw new NodeFailure('NodeValidationError', 'token_url is required');
  grantForm(i, undefined, ctx.nodeId); // fail on missing grant inputs before touching the cache
  const key = cacheKey(i);
  const now = Date.now();
  let entry = cache.get(key);
  let cached = true;
  const buffer = Math.max(0, Number(i.refresh_buffer_seconds ?? 300)) * 1000;
  // Without auto_refresh a token is used until it has really expired.
  const due = !entry || now >= entry.expiresAt || (i.auto_refresh !== false && now >= entry.expiresAt - buffer);
  if (due) {
    const previous = entry;
    entry = await single(key, () => obtain(key, i, ctx, previous));
    cached = false;
  }
  const e = entry!;
  const expiresIn = Math.max(0, Math.floor((e.expiresAt - Date.now()) / 1000));
  const out: NodeOutput = {
    headers: { Authorization: authorization(e.data) },
    token_data: e.data,
    auth_type: 'oauth2',
    expires_in: expiresIn,
    token_type: e.data.token_type ?? 'Bearer',
    scope: str(e.data.scope) ?? scopeOf(i) ?? null,
    refresh_token_present: Boolean(e.data.refresh_token),
    token_expires_at: new Date(e.expiresAt).toISOString(),
    access_token: e.data.access_token,
  };
  if (i.include_token_metadata === true) {
    out.token = {
      access_token: e.data.access_token,
      token_type: out.token_type,
      expires_in: expiresIn,
      expires_at: out.token_expires_at,
      scope: out.scope,
      refresh_token_present: out.refresh_token_present,
    };
    out.metadata = {
      cached,
      grant_type: String(i.grant_type ?? 'client_credentials'),
      obtained_at: new Date(e.obtainedAt).toISOString(),
      refresh_count: e.refreshes,
      expired: expiresIn === 0,
    };
  }
  return out;
};
