import { setTimeout as sleep } from 'node:timers/promises';
import { Agent, EnvHttpProxyAgent, request, type Dispatcher } from 'undici';
import type { NodeOutput, NodeRun, RunContext } from '../../catalog/types';
import { NodeFailure } from '../../engine/errors';
import { isRetryableError } from '../../engine/retryable';

/** Bodies larger than this fail with a clear error instead of filling memory. */
export const MAX_RESPONSE_BYTES = 50 * 1024 * 1024;
const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'];

let secure: Dispatcher | undefined;
let insecure: Dispatcher | undefined;

/**
 * One pooled dispatcher for the process (undici pools connections per origin), honouring
 * HTTPS_PROXY/HTTP_PROXY/NO_PROXY when set; a second one for `verify_ssl: false`.
 */
function dispatcher(verify: boolean): Dispatcher {
  const proxied = Boolean(process.env.HTTPS_PROXY || process.env.https_proxy || process.env.HTTP_PROXY || process.env.http_proxy);
  const connect = verify ? {} : { rejectUnauthorized: false };
  if (verify) return (secure ??= proxied ? new EnvHttpProxyAgent({ connect }) : new Agent({ connect }));
  return (insecure ??= proxied ? new EnvHttpProxyAgent({ connect, requestTls: connect, proxyTls: connect } as never) : new Agent({ connect }));
}

export function targetHost(inputs: Record<string, unknown>, key = 'url'): string | undefined {
  try {
    return new URL(String(inputs[key])).host;
  } catch {
    return undefined;
  }
}

function authHeaders(i: Record<string, unknown>): Record<string, string> {
  switch (i.auth_type) {
    case 'bearer':
    case 'oauth2':
      return i.auth_token ? { authorization: `Bearer ${String(i.auth_token)}` } : {};
    case 'basic':
      return { authorization: `Basic ${Buffer.from(`${String(i.auth_username ?? '')}:${String(i.auth_password ?? '')}`).toString('base64')}` };
    case 'api_key':
      return i.auth_token ? { [String(i.api_key_header ?? 'X-API-Key').toLowerCase()]: String(i.auth_token) } : {};
    default:
      return {};
  }
}

function lowerKeys(h: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (h && typeof h === 'object') for (const [k, v] of Object.entries(h)) if (v !== null && v !== undefined) out[k.toLowerCase()] = String(v);
  return out;
}

/** `json_data` wins over `data`; a dict `data` is form-encoded, as Python's requests does. */
function body(i: Record<string, unknown>, headers: Record<string, string>): string | Buffer | undefined {
  if (i.json_data !== undefined && i.json_data !== null) {
    headers['content-type'] ??= 'application/json';
    return JSON.stringify(i.json_data);
  }
  const d = i.data;
  if (d === undefined || d === null) return undefined;
  if (typeof d === 'string') return d;
  if (typeof d === 'object' && !Array.isArray(d)) {
    headers['content-type'] ??= 'application/x-www-form-urlencoded';
    return new URLSearchParams(Object.entries(d as Record<string, unknown>).map(([k, v]): [string, string] => [k, String(v)])).toString();
  }
  headers['content-type'] ??= 'application/json';
  return JSON.stringify(d);
}

async function readCapped(stream: AsyncIterable<Buffer>, limit: number, url: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    size += chunk.length;
    if (size > limit) throw new NodeFailure('ResponseTooLargeError', `The response from ${url} exceeds ${Math.round(limit / 1024 / 1024)} MB; it was not read further.`, { retryable: false });
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
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
      try {
        return JSON.parse(text());
      } catch {
        return text();
      }
    default:
      if (ct.includes('json')) {
        try {
          return JSON.parse(text());
        } catch {
          return text();
        }
      }
      if (ct.startsWith('text/') || ct.includes('xml') || ct.includes('javascript') || ct.includes('x-www-form-urlencoded') || buf.length === 0) return text();
      // Kailash would fail to serialise bytes; base64 keeps the output JSON.
      return buf.toString('base64');
  }
}

const SUGGESTIONS: Record<string, string[]> = {
  '4': ['Check the URL, method, parameters and credentials: the server rejected the request.'],
  '5': ['The server failed; a `retry` policy with backoff helps with transient errors.'],
  transport: ['Check that the host is reachable and the port is open; a `retry` policy helps with transient failures.'],
};

/** One request as Kailash's HTTPRequestNode makes it, with `retry_count` extra tries on transport errors. */
export async function httpRequest(i: Record<string, unknown>, ctx: RunContext, limit = MAX_RESPONSE_BYTES): Promise<NodeOutput> {
  const url = String(i.url ?? '');
  if (!url) throw new NodeFailure('NodeValidationError', 'URL parameter is required');
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new NodeFailure('NodeValidationError', `Invalid URL: ${url}`);
  }
  const method = String(i.method ?? 'GET').toUpperCase();
  if (!METHODS.includes(method)) throw new NodeFailure('NodeValidationError', `Invalid HTTP method: ${method}. Supported methods: ${METHODS.join(', ')}`);
  for (const [k, v] of Object.entries((i.params as Record<string, unknown>) ?? {})) {
    for (const item of Array.isArray(v) ? v : [v]) parsed.searchParams.append(k, String(item));
  }
  const headers = { ...lowerKeys(i.headers), ...authHeaders(i) };
  if ((method === 'POST' || method === 'PATCH') && !headers['idempotency-key']) headers['idempotency-key'] = ctx.idempotencyKey;
  const payload = body(i, headers);
  const timeoutMs = Number(i.timeout ?? 30) * 1000;
  const retries = Math.max(0, Number(i.retry_count ?? 0));
  const backoff = Number(i.retry_backoff ?? 0.5);
  const delay = Number(i.rate_limit_delay ?? 0);
  for (let attempt = 0; ; attempt++) {
    if (delay > 0) await sleep(delay * 1000, undefined, { signal: ctx.signal });
    const started = performance.now();
    try {
      const res = await request(parsed, {
        method: method as Dispatcher.HttpMethod,
        headers,
        body: payload,
        signal: AbortSignal.any([ctx.signal, AbortSignal.timeout(timeoutMs)]),
        dispatcher: dispatcher(i.verify_ssl !== false),
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
      });
      const buf = await readCapped(res.body, limit, parsed.origin + parsed.pathname);
      const responseHeaders: Record<string, string> = {};
      for (const [k, v] of Object.entries(res.headers)) responseHeaders[k] = Array.isArray(v) ? v.join(', ') : String(v ?? '');
      const contentType = responseHeaders['content-type'];
      const success = res.statusCode >= 200 && res.statusCode < 300;
      const out: NodeOutput = {
        response: {
          status_code: res.statusCode,
          headers: responseHeaders,
          content_type: contentType ?? null,
          content: parseContent(buf, contentType, String(i.response_format ?? 'auto')),
          response_time_ms: Math.round((performance.now() - started) * 100) / 100,
          url: parsed.toString(),
        },
        status_code: res.statusCode,
        success,
      };
      if (!success) {
        out.error = `HTTP ${res.statusCode} from ${parsed.origin}${parsed.pathname}`;
        out.recovery_suggestions = SUGGESTIONS[String(res.statusCode)[0]!] ?? [];
      }
      return out;
    } catch (err) {
      if (ctx.signal.aborted) throw ctx.signal.reason ?? err;
      if (err instanceof NodeFailure) throw err;
      const timedOut = (err as Error).name === 'TimeoutError' || (err as { code?: string }).code === 'UND_ERR_HEADERS_TIMEOUT' || (err as { code?: string }).code === 'UND_ERR_BODY_TIMEOUT';
      const transport = timedOut || isRetryableError(err);
      if (transport && attempt < retries) {
        await sleep(backoff * 2 ** attempt * 1000, undefined, { signal: ctx.signal });
        continue;
      }
      const reason = timedOut ? `timed out after ${timeoutMs / 1000} s` : describe(err);
      // Kailash reports transport failures as an output with success=false, which stops the run.
      return {
        response: null,
        status_code: null,
        success: false,
        error: `${method} ${parsed.origin}${parsed.pathname} failed: ${reason}`,
        error_type: timedOut ? 'TimeoutError' : 'ConnectionError',
        recovery_suggestions: SUGGESTIONS.transport!,
      };
    }
  }
}

function describe(err: unknown): string {
  const e = err as { code?: string; message?: string; cause?: { code?: string; message?: string } };
  const code = e.code ?? e.cause?.code;
  const msg = e.cause?.message ?? e.message ?? String(err);
  return code && !msg.includes(code) ? `${code}: ${msg}` : msg;
}

export const runHttpRequest: NodeRun = (inputs, ctx) => httpRequest(inputs, ctx);
