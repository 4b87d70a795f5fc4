import { createHmac, getHashes, timingSafeEqual } from 'node:crypto';
import { BODY_JSON, jsonText } from '../../values/print';
import { parseJson } from '../../values/json';
import type { NodeOutput, NodeRun } from '../../catalog/types';
import { NodeFailure } from '../../engine/errors';

const HASHES = new Set(getHashes().map((h) => h.toLowerCase()));

function headerValue(headers: unknown, name: string): string | undefined {
  if (!headers || typeof headers !== 'object') return undefined;
  const entry = Object.entries(headers).find(([k]) => k.toLowerCase() === name.toLowerCase());
  if (!entry || entry[1] === null || entry[1] === undefined) return undefined;
  return Array.isArray(entry[1]) ? String(entry[1][0]) : String(entry[1]);
}

/** The signature's bytes: hex (any case) when it is exactly a digest's worth of hex, else base64 or base64url. */
function decodeSignature(s: string, size: number): Buffer | undefined {
  if (s.length === size * 2 && /^[0-9a-f]+$/i.test(s)) return Buffer.from(s, 'hex');
  if (/^[A-Za-z0-9+/_-]+={0,2}$/.test(s)) {
    const b = Buffer.from(s.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
    if (b.length === size) return b;
  }
  return undefined;
}

function matches(secret: string, algorithm: string, signed: string, expected: Buffer): boolean {
  const mac = createHmac(algorithm, secret).update(signed, 'utf8').digest();
  return mac.length === expected.length && timingSafeEqual(mac, expected);
}

function rejected(error: string): NodeOutput {
  // Unverified content is not passed on: nothing downstream may act on a forged body.
  return { verified: false, event_type: null, data: null, error };
}

/**
 * WebhookVerifyNode: HMAC of the raw body compared in constant time. A bad signature is an
 * output (`verified: false` and why), never an exception, and no message carries the secret or
 * the expected digest.
 *
 * With `timestamp_header`, the delivery must be within `tolerance_seconds` of now, and the
 * signature may cover `<timestamp>.<body>` (Stripe's scheme, which binds the timestamp so a
 * replay cannot refresh it) or the body alone (GitHub's; the timestamp check is then only as
 * good as the sender's header).
 */
export const runWebhookVerify: NodeRun = async (i) => {
  const algorithm = String(i.algorithm ?? 'sha256').toLowerCase();
  if (!HASHES.has(algorithm))
    throw new NodeFailure('NodeValidationError', `Unsupported HMAC algorithm '${algorithm}': use a digest such as sha256, sha1 or sha512`);
  const secret = String(i.webhook_secret ?? '');
  if (!secret) throw new NodeFailure('NodeValidationError', 'webhook_secret is required');
  const payload =
    typeof i.payload === 'string' ? i.payload : i.payload === undefined || i.payload === null ? '' : jsonText(i.payload, BODY_JSON);
  let signature = String(i.signature ?? '').trim();
  if (!signature) return rejected('No signature was provided.');
  const prefix = String(i.signature_prefix ?? 'sha256=');
  if (prefix && signature.startsWith(prefix)) signature = signature.slice(prefix.length);
  else if (prefix && /^[a-z0-9]+=/i.test(signature))
    return rejected(`The signature's prefix is not '${prefix}' (was it made with another algorithm?).`);
  const size = createHmac(algorithm, 'probe').digest().length;
  const expected = decodeSignature(signature, size);
  if (!expected) return rejected(`The signature is not a ${algorithm} digest in hex or base64.`);

  const tsHeader = i.timestamp_header ? String(i.timestamp_header) : undefined;
  let timestamp: string | undefined;
  if (tsHeader) {
    timestamp = headerValue(i.headers, tsHeader);
    if (timestamp === undefined) return rejected(`The ${tsHeader} header is missing.`);
    const n = Number(timestamp);
    if (!Number.isFinite(n)) return rejected(`The ${tsHeader} header is not a Unix time.`);
    // Milliseconds are accepted too: no sender means the year 50,000.
    const seconds = n > 1e11 ? n / 1000 : n;
    const age = Date.now() / 1000 - seconds;
    const tolerance = Number(i.tolerance_seconds ?? 300);
    if (Math.abs(age) > tolerance) {
      return rejected(
        age > 0
          ? `The delivery is ${Math.round(age)} s old, beyond the ${tolerance} s tolerance (a replay?).`
          : `The delivery's timestamp is ${Math.round(-age)} s in the future, beyond the ${tolerance} s tolerance.`,
      );
    }
  }
  const ok =
    (timestamp !== undefined && matches(secret, algorithm, `${timestamp}.${payload}`, expected)) ||
    matches(secret, algorithm, payload, expected);
  if (!ok) return rejected('The signature does not match the payload.');
  let data: unknown = null;
  try {
    data = parseJson(payload);
  } catch {
    data = null;
  }
  return { verified: true, event_type: headerValue(i.headers, 'X-Event-Type') ?? null, data };
};
