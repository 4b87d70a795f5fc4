import type { NodeOutput } from '../catalog/types';
import { NodeFailure } from './errors';

/** Transport-level error codes worth another attempt (Node, undici, DNS). */
const TRANSPORT = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'ECONNABORTED',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_CLOSED',
]);

function codeOf(err: unknown): string | undefined {
  const e = err as { code?: unknown; cause?: { code?: unknown } };
  return typeof e?.code === 'string' ? e.code : typeof e?.cause?.code === 'string' ? e.cause.code : undefined;
}

/** Errors a retry may cure: transport failures and timeouts, never validation or 4xx. */
export function isRetryableError(err: unknown): boolean {
  if (err instanceof NodeFailure) {
    if (err.retryable !== undefined) return err.retryable;
    if (err.type === 'TimeoutError') return true;
  }
  const code = codeOf(err);
  return code !== undefined && TRANSPORT.has(code);
}

/** HTTP statuses a retry may cure: 408, 429 and every 5xx; other 4xx never. */
export function isRetryableStatus(status: unknown): boolean {
  return typeof status === 'number' && (status === 408 || status === 429 || status >= 500);
}

/** A `success: false` output from a node that reached its target and got a retryable status. */
export function isRetryableOutput(out: unknown): boolean {
  if (!out || typeof out !== 'object') return false;
  const o = out as NodeOutput;
  if (o.success !== false) return false;
  if (isRetryableStatus(o.status_code)) return true;
  // Kailash's HTTP nodes report transport failures as success=false with no status.
  return (
    (o.status_code === null || o.status_code === undefined) &&
    typeof o.error_type === 'string' &&
    /Timeout|Connect|Connection|Transport|ECONN/i.test(o.error_type)
  );
}

/** `Retry-After` in milliseconds, from a thrown failure or a response's headers (seconds or HTTP date). */
export function retryAfterMs(source: unknown, now = Date.now()): number | undefined {
  if (source instanceof NodeFailure && source.retryAfterMs !== undefined) return source.retryAfterMs;
  const o = source as { response?: { headers?: Record<string, unknown> } } | undefined;
  const headers = o?.response?.headers;
  if (!headers || typeof headers !== 'object') return undefined;
  const raw = Object.entries(headers).find(([k]) => k.toLowerCase() === 'retry-after')?.[1];
  return parseRetryAfter(raw, now);
}

export function parseRetryAfter(raw: unknown, now = Date.now()): number | undefined {
  if (typeof raw !== 'string' && typeof raw !== 'number') return undefined;
  const s = String(raw).trim();
  if (/^\d+(\.\d+)?$/.test(s)) return Math.round(Number(s) * 1000);
  const date = Date.parse(s);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
