import { setTimeout as sleep } from 'node:timers/promises';
import { REQUESTS_JSON, jsonText, pyStr } from '../../values/print';
import { parseJson as parseJsonValue } from '../../values/json';
import type { Dispatcher } from 'undici';
import type { NodeOutput, NodeRun, RunContext } from '../../catalog/types';
import { NodeFailure } from '../../engine/errors';
import { onDispose } from '../../engine/resources';
import { isRetryableError, isRetryableStatus, parseRetryAfter } from '../../engine/retryable';
import { refresherFor } from './tokens';
import { setOwn } from '../../util/own';

/** Bodies larger than this fail with a clear error instead of filling memory (`KAILASH_MAX_RESPONSE_MB` overrides). */
export const MAX_RESPONSE_BYTES = 50 * 1024 * 1024;
const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'];
/** Python's requests follows up to 30 redirects; so do we (by hand: undici's interceptor costs every request). */
const MAX_REDIRECTS = 30;
const REDIRECTS = new Set([301, 302, 303, 307, 308]);

export function maxResponseBytes(): number {
  const mb = Number(process.env.KAILASH_MAX_RESPONSE_MB);
  return Number.isFinite(mb) && mb > 0 ? Math.round(mb * 1024 * 1024) : MAX_RESPONSE_BYTES;
}

const pools = new Map<boolean, Dispatcher>();
let unregister: (() => void) | undefined;

/**
 * One pooled dispatcher for the process (undici pools connections per origin, so every node and
 * run shares keep-alive sockets), honouring HTTPS_PROXY/HTTP_PROXY/NO_PROXY when set; a second
 * one for `verify_ssl: false`. Closed by `LocalRuntime.dispose()` so no idle socket keeps the
 * process alive.
 */
async function dispatcher(verify: boolean): Promise<Dispatcher> {
  let pool = pools.get(verify);
  if (!pool) {
    // Loaded on the first request: a run without HTTP nodes (and `--help`) never pays for undici.
    const { Agent, EnvHttpProxyAgent } = await import('undici');
    const proxied = Boolean(process.env.HTTPS_PROXY || process.env.https_proxy || process.env.HTTP_PROXY || process.env.http_proxy);
    const connect = verify ? {} : { rejectUnauthorized: false };
    pool = proxied
      ? new EnvHttpProxyAgent(verify ? { connect } : ({ connect, requestTls: connect, proxyTls: connect } as never))
      : new Agent({ connect });
    pools.set(verify, pool);
    unregister ??= onDispose(closePools);
  }
  return pool;
}

async function closePools(): Promise<void> {
  const all = [...pools.values()];
  pools.clear();
  unregister = undefined;
  await Promise.all(all.map((p) => p.close()));
}

export function targetHost(inputs: Record<string, unknown>, key = 'url'): string | undefined {
  try {
    return new URL(String(inputs[key])).host;
  } catch {
    return undefined;
  }
}

const present = (v: unknown): boolean => v !== undefined && v !== null && v !== '';

/**
 * The auth type a request means: the declared one, else what its credentials imply. Integration
 * guides wire a token into `auth_token` without `auth_type`; Kailash would then send nothing, so
 * a token alone is a bearer token here and a user name or password alone is basic auth.
 */
export function impliedAuthType(i: Record<string, unknown>): string | undefined {
  if (present(i.auth_type)) return String(i.auth_type);
  if (present(i.auth_token)) return 'bearer';
  if (present(i.auth_username) || present(i.auth_password)) return 'basic';
  return undefined;
}

/**
 * The credential headers. A declared auth type whose credential is empty fails the node: sending
 * the request without it would be a silent unauthenticated call.
 */
function authHeaders(i: Record<string, unknown>, type: string | undefined): Record<string, string> {
  const missing = (what: string) =>
    new NodeFailure(
      'NodeValidationError',
      `auth_type is '${type}' but ${what} is empty, so the request would go out unauthenticated; give ${what} (a connection, a run parameter or \${secret:NAME}).`,
      { retryable: false },
    );
  switch (type) {
    case 'bearer':
    case 'oauth2':
      if (!present(i.auth_token)) throw missing('auth_token');
      return { authorization: `Bearer ${String(i.auth_token)}` };
    case 'basic':
      if (!present(i.auth_username) && !present(i.auth_password)) throw missing('auth_username/auth_password');
      return {
        authorization: `Basic ${Buffer.from(`${String(i.auth_username ?? '')}:${String(i.auth_password ?? '')}`).toString('base64')}`,
      };
    case 'api_key':
      if (!present(i.auth_token)) throw missing('auth_token');
      return { [String(i.api_key_header ?? 'X-API-Key').toLowerCase()]: String(i.auth_token) };
    default:
      return {};
  }
}

export function lowerKeys(h: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (h && typeof h === 'object')
    for (const [k, v] of Object.entries(h)) if (v !== null && v !== undefined) out[k.toLowerCase()] = String(v);
  return out;
}

/**
 * `json_data` wins over `data`; a dict `data` is form-encoded; both as Python's requests writes
 * them (`json.dumps` for JSON, `str()` of each value for a form, a list as the key repeated).
 */
function body(i: Record<string, unknown>, headers: Record<string, string>): string | Buffer | undefined {
  if (i.json_data !== undefined && i.json_data !== null) {
    headers['content-type'] ??= 'application/json';
    return jsonText(i.json_data, REQUESTS_JSON);
  }
  const d = i.data;
  if (d === undefined || d === null) return undefined;
  if (typeof d === 'string') return d;
  if (typeof d === 'object' && !Array.isArray(d)) {
    headers['content-type'] ??= 'application/x-www-form-urlencoded';
    const form = new URLSearchParams();
    appendPairs(form, d as Record<string, unknown>);
    return form.toString();
  }
  headers['content-type'] ??= 'application/json';
  return jsonText(d, REQUESTS_JSON);
}

/** Query or form pairs as requests encodes a dict: None left out, a list as its key repeated, `str()` of each value. */
function appendPairs(to: URLSearchParams, pairs: Record<string, unknown>): void {
  for (const [k, v] of Object.entries(pairs)) {
    if (v === null || v === undefined) continue;
    for (const item of Array.isArray(v) ? v : [v]) if (item !== null && item !== undefined) to.append(k, pyStr(item));
  }
}

function tooLarge(limit: number, where: string): NodeFailure {
  return new NodeFailure(
    'ResponseTooLargeError',
    `The response from ${where} exceeds ${Math.round(limit / 1024 / 1024)} MB; it was not read further (set KAILASH_MAX_RESPONSE_MB to allow more).`,
    { retryable: false },
  );
}

async function readCapped(stream: AsyncIterable<Buffer>, limit: number, where: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  // Throwing out of the loop destroys the body, which closes the socket: the rest is never read.
  for await (const chunk of stream) {
    size += chunk.length;
    if (size > limit) throw tooLarge(limit, where);
    chunks.push(chunk);
  }
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
}

/** `response.json()` as Python reads it (`2.0` a float, big ints exact), else the text. */
function parseJson(text: string): unknown {
  try {
    return parseJsonValue(text);
  } catch {
    // Kailash falls back to the text when the body is not JSON.
    return text;
  }
}

function parseContent(buf: Buffer, contentType: string | undefined, format: string): unknown {
  const ct = (contentType ?? '').toLowerCase();
  const text = () => buf.toString('utf8');
  switch (format) {
    case 'text':
      return text();
    case 'binary':
      return buf.toString('base64');
    case 'json':
      return parseJson(text());
    default:
      if (ct.includes('json')) return parseJson(text());
      if (
        ct.startsWith('text/') ||
        ct.includes('xml') ||
        ct.includes('javascript') ||
        ct.includes('x-www-form-urlencoded') ||
        buf.length === 0
      )
        return text();
      // Kailash would fail to serialise bytes; base64 keeps the output JSON.
      return buf.toString('base64');
  }
}

const SUGGESTIONS: Record<string, string[]> = {
  '4': ['Check the URL, method, parameters and credentials: the server rejected the request.'],
  '5': ['The server failed; a `retry` policy with backoff helps with transient errors.'],
  transport: ['Check that the host is reachable and the port is open; a `retry` policy helps with transient failures.'],
};

interface Exchange {
  status: number;
  /** As Python requests gives them (`dict(response.headers)`): the server's spelling, repeats joined by `, `. */
  headers: Record<string, string>;
  body: Buffer;
  /** The URL that answered, after redirects. */
  url: string;
  ms: number;
}

const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT']);

/**
 * Whether a redirect leaves the origin its credentials were meant for (requests' should_strip_auth):
 * another host, port or scheme, https → http above all, which would send them in clear text. The
 * one exception is requests' too: http → https on the same host and default ports.
 */
export function originChanged(from: URL, to: URL): boolean {
  if (from.origin === to.origin) return false;
  const upgrade =
    from.protocol === 'http:' && to.protocol === 'https:' && from.hostname === to.hostname && from.port === '' && to.port === '';
  return !upgrade;
}

/**
 * Response headers from undici's raw list (name, value, name, value, …) as urllib3 keeps them
 * for requests: the first spelling of each name, the values of a repeated one joined by `, `.
 * Kailash's users read `response["headers"]["Content-Type"]`, so the case is the server's.
 */
function receivedHeaders(raw: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  const spelling = new Map<string, string>();
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = String(raw[i]);
    const value = String(raw[i + 1]);
    const lower = name.toLowerCase();
    const first = spelling.get(lower);
    if (first === undefined) {
      spelling.set(lower, name);
      setOwn(out, name, value);
    } else out[first] = `${out[first]}, ${value}`;
  }
  return out;
}

/** A header of a response's headers, whatever its case. */
function headerIn(headers: Record<string, string>, lowerName: string): string | undefined {
  for (const k of Object.keys(headers)) if (k.toLowerCase() === lowerName) return headers[k];
  return undefined;
}

/**
 * One request and its whole body. `timeoutMs` bounds the wait for the headers and every pause in
 * the body, as Python requests' `timeout` (which Kailash uses) does; connecting gives up after
 * undici's 10 s. undici's own timers are used because a controller, a timer and a listener per
 * request cost a quarter of the throughput. The caller's signal (the node's `timeout` policy, the
 * run's cancellation) aborts everything; any abort or timeout destroys the socket.
 */
async function exchange(
  url: URL,
  method: string,
  headers: Record<string, string>,
  payload: string | Buffer | undefined,
  timeoutMs: number,
  verify: boolean,
  limit: number,
  signal: AbortSignal,
): Promise<Exchange> {
  signal.throwIfAborted();
  const started = performance.now();
  let current = url;
  for (let hops = 0; ; hops++) {
    const where = current.origin + current.pathname;
    const { request } = await import('undici');
    const res = await request(current, {
      method: method as Dispatcher.HttpMethod,
      headers,
      body: payload,
      signal,
      dispatcher: await dispatcher(verify),
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
      responseHeaders: 'raw',
    });
    const received = receivedHeaders(res.headers as unknown as string[]);
    const location = headerIn(received, 'location');
    if (REDIRECTS.has(res.statusCode) && typeof location === 'string' && hops < MAX_REDIRECTS) {
      await res.body.dump();
      const next = new URL(location, current);
      // As Python requests does: 303 (and 301/302 after a POST) become a GET without a body,
      // and credentials are not sent on to another origin.
      const toGet =
        (res.statusCode === 303 && method !== 'HEAD') || ((res.statusCode === 301 || res.statusCode === 302) && method === 'POST');
      const foreign = originChanged(current, next);
      if (toGet || foreign) {
        headers = { ...headers };
        if (toGet) {
          method = 'GET';
          payload = undefined;
          delete headers['content-type'];
          delete headers['content-length'];
        }
        if (foreign) for (const h of ['authorization', 'cookie', 'proxy-authorization']) delete headers[h];
      }
      current = next;
      continue;
    }
    const length = headerIn(received, 'content-length');
    const declared = Number(length);
    if (declared > limit) {
      res.body.destroy();
      throw tooLarge(limit, where);
    }
    // A declared length within the cap is read in one go (undici checks it); otherwise count as it streams.
    const buf =
      Number.isFinite(declared) && length !== undefined
        ? Buffer.from(await res.body.arrayBuffer())
        : await readCapped(res.body, limit, where);
    return {
      status: res.statusCode,
      headers: received,
      body: buf,
      url: current.toString(),
      ms: Math.round((performance.now() - started) * 100) / 100,
    };
  }
}

/**
 * `log_requests`: method, origin, status, size and time on stderr. Paths, queries, header values
 * and bodies are left out because these lines bypass the engine's secret redaction (a webhook URL
 * path or an API key in a query string is a credential).
 */
function logLine(label: string, line: string): void {
  process.stderr.write(`[${label}] ${line}\n`);
}

export interface RequestOptions {
  /** Prefix of `log_requests` lines. */
  label?: string;
  limit?: number;
}

/**
 * One request as Kailash's HTTPRequestNode makes it: redirects followed, `retry_count` extra
 * tries on transport errors (sleeping `retry_backoff * 2^(n-1)` s), and Kailash's output dict;
 * an HTTP error status is `success: false`, not an exception. A 401 answered to a token that
 * OAuth2Node issued is retried once with a fresh token.
 */
export async function httpRequest(i: Record<string, unknown>, ctx: RunContext, options: RequestOptions = {}): Promise<NodeOutput> {
  const url = String(i.url ?? '');
  if (!url) throw new NodeFailure('NodeValidationError', 'URL parameter is required');
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new NodeFailure('NodeValidationError', `Invalid URL: ${url}`);
  }
  const method = String(i.method ?? 'GET').toUpperCase();
  if (!METHODS.includes(method))
    throw new NodeFailure('NodeValidationError', `Invalid HTTP method: ${method}. Supported methods: ${METHODS.join(', ')}`);
  appendPairs(parsed.searchParams, (i.params as Record<string, unknown>) ?? {});
  const given = lowerKeys(i.headers);
  // A declared auth type wins over a header, as in Kailash; an implied one never replaces an explicit Authorization.
  const headers = { ...given, ...(present(i.auth_type) || !given.authorization ? authHeaders(i, impliedAuthType(i)) : {}) };
  if ((method === 'POST' || method === 'PATCH') && !headers['idempotency-key']) headers['idempotency-key'] = ctx.idempotencyKey;
  let payload: string | Buffer | undefined;
  try {
    payload = body(i, headers);
  } catch (err) {
    if (!(err instanceof RangeError)) throw err;
    // requests raises InvalidJSONError inside the request, which Kailash reports as any failed request.
    return {
      response: null,
      status_code: null,
      success: false,
      error: err.message,
      error_type: 'InvalidJSONError',
      recovery_suggestions: [],
    };
  }
  const timeoutMs = Number(i.timeout ?? 30) * 1000;
  const retries = Math.max(0, Number(i.retry_count ?? 0));
  const backoff = Number(i.retry_backoff ?? 0.5);
  const delay = Number(i.rate_limit_delay ?? 0);
  const limit = options.limit ?? maxResponseBytes();
  const log = i.log_requests === true ? (line: string) => logLine(options.label ?? 'HTTPRequestNode', line) : undefined;
  let refreshed = false;
  for (let attempt = 0; ; attempt++) {
    if (delay > 0) await sleep(delay * 1000, undefined, { signal: ctx.signal });
    log?.(
      `→ ${method} ${parsed.origin} (attempt ${attempt + 1}; headers: ${Object.keys(headers).join(', ') || 'none'}; body ${payload === undefined ? 0 : Buffer.byteLength(payload)} bytes)`,
    );
    let res: Exchange;
    try {
      res = await exchange(parsed, method, headers, payload, timeoutMs, i.verify_ssl !== false, limit, ctx.signal);
    } catch (err) {
      if (ctx.signal.aborted) throw ctx.signal.reason ?? err;
      if (err instanceof NodeFailure) throw err;
      const timedOut = TIMEOUT_CODES.has((err as { code?: string }).code ?? '');
      log?.(`✗ ${method} ${parsed.origin}: ${timedOut ? 'timeout' : ((err as { code?: string }).code ?? 'error')}`);
      if ((timedOut || isRetryableError(err)) && attempt < retries) {
        await sleep(backoff * 2 ** attempt * 1000, undefined, { signal: ctx.signal });
        continue;
      }
      // Kailash reports transport failures as an output with success=false, which stops the run.
      return {
        response: null,
        status_code: null,
        success: false,
        error: `${method} ${parsed.origin}${parsed.pathname} failed: ${timedOut ? `timed out after ${timeoutMs / 1000} s` : describe(err)}`,
        error_type: timedOut ? 'TimeoutError' : 'ConnectionError',
        recovery_suggestions: SUGGESTIONS.transport!,
      };
    }
    const contentType = headerIn(res.headers, 'content-type');
    log?.(`← ${res.status} ${contentType ?? '-'} ${res.body.length} bytes in ${res.ms} ms`);
    if (res.status === 401 && !refreshed) {
      const refresh = refresherFor(headers.authorization);
      // A refresh that fails leaves the 401 to speak for itself.
      const fresh = refresh
        ? await refresh(ctx).catch((err: unknown) => (ctx.signal.aborted ? Promise.reject(err) : undefined))
        : undefined;
      if (fresh && fresh !== headers.authorization) {
        headers.authorization = fresh;
        refreshed = true;
        attempt--;
        continue;
      }
    }
    const success = res.status >= 200 && res.status < 300;
    const out: NodeOutput = {
      response: {
        status_code: res.status,
        headers: res.headers,
        // requests' `headers.get("Content-Type", "")`: an answer without one has "".
        content_type: contentType ?? '',
        content: parseContent(res.body, contentType, String(i.response_format ?? 'auto')),
        response_time_ms: res.ms,
        url: res.url,
      },
      status_code: res.status,
      success,
    };
    if (!success) {
      out.error = `HTTP ${res.status} from ${parsed.origin}${parsed.pathname}`;
      out.recovery_suggestions = SUGGESTIONS[String(res.status)[0]!] ?? [];
    }
    return out;
  }
}

function describe(err: unknown): string {
  const e = err as { code?: string; message?: string; cause?: { code?: string; message?: string } };
  const code = e.code ?? e.cause?.code;
  const msg = e.cause?.message ?? e.message ?? String(err);
  return code && !msg.includes(code) ? `${code}: ${msg}` : msg;
}

/** A transport failure in an `httpRequest` output (no response at all). */
export function isTransportFailure(out: NodeOutput): boolean {
  return out.response === null && typeof out.error_type === 'string';
}

/** Response header lookup that ignores case. */
export function header(out: NodeOutput, name: string): string | undefined {
  return headerIn((out.response as { headers?: Record<string, string> } | null)?.headers ?? {}, name.toLowerCase());
}

/**
 * The failure an integration node raises for an `httpRequest` output it cannot use: transport
 * failures, 5xx and 429 are retryable (honouring `Retry-After`), other statuses are not.
 */
export function failureOf(out: NodeOutput, type: string, what: string, detail?: string): NodeFailure {
  if (isTransportFailure(out)) return new NodeFailure(type, `${what}: ${String(out.error)}`, { retryable: true });
  const status = out.status_code;
  const retryAfterMs = parseRetryAfter(header(out, 'retry-after'));
  return new NodeFailure(type, `${what}: HTTP ${String(status)}${detail ? ` ${detail}` : ''}`, {
    retryable: isRetryableStatus(status),
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
  });
}

/** The parsed body of an `httpRequest` output. */
export function content(out: NodeOutput): unknown {
  return (out.response as { content?: unknown } | null)?.content;
}

export const runHttpRequest: NodeRun = (inputs, ctx) => httpRequest(inputs, ctx);

/**
 * AsyncHTTPRequestNode: the same request, but as Kailash's aiohttp variant does, a transport
 * failure that survives `retry_count` raises instead of returning `success: false`.
 */
export const runAsyncHttpRequest: NodeRun = async (inputs, ctx) => {
  const out = await httpRequest(inputs, ctx, { label: 'AsyncHTTPRequestNode' });
  if (isTransportFailure(out)) {
    const attempts = Math.max(0, Number(inputs.retry_count ?? 0)) + 1;
    throw new NodeFailure('NodeExecutionError', `Async HTTP request failed after ${attempts} attempts. ${String(out.error)}`, {
      retryable: true,
    });
  }
  return out;
};
