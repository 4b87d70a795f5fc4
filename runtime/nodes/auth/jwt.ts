import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import type { JWTVerifyGetKey } from 'jose';
import type { NodeRun } from '../../catalog/types';
import { NodeFailure } from '../../engine/errors';

/** The key family each allowed algorithm needs; nothing else (above all not `none`) is accepted. */
const FAMILY = { HS256: 'hmac', HS384: 'hmac', HS512: 'hmac', RS256: 'rsa', ES256: 'ec' } as const;
type Algorithm = keyof typeof FAMILY;

/** JWKS documents are cached per URL across runs (jose refetches on an unknown `kid`, with a cooldown). */
const jwksSets = new Map<string, JWTVerifyGetKey>();
const JWKS_TIMEOUT_MS = 5000;

function algorithmOf(v: unknown): Algorithm {
  const a = String(v ?? 'HS256').toUpperCase();
  if (!(a in FAMILY))
    throw new NodeFailure('NodeValidationError', `Unsupported algorithm '${String(v)}': use ${Object.keys(FAMILY).join(', ')}.`);
  return a as Algorithm;
}

function pemKey(pem: unknown, kind: 'private' | 'public', alg: Algorithm, param: string): KeyObject {
  if (typeof pem !== 'string' || !pem.includes('-----BEGIN'))
    throw new NodeFailure('NodeValidationError', `${alg} needs '${param}' as a PEM ${kind} key.`);
  let key: KeyObject;
  try {
    key = kind === 'private' ? createPrivateKey(pem) : createPublicKey(pem);
  } catch (err) {
    throw new NodeFailure('NodeValidationError', `'${param}' is not a readable PEM ${kind} key: ${(err as Error).message}`);
  }
  const want = FAMILY[alg];
  const type = key.asymmetricKeyType;
  const curve = key.asymmetricKeyDetails?.namedCurve;
  if ((want === 'rsa' && type !== 'rsa') || (want === 'ec' && (type !== 'ec' || curve !== 'prime256v1'))) {
    throw new NodeFailure(
      'NodeValidationError',
      `'${param}' is a ${type}${curve ? ` (${curve})` : ''} key; ${alg} needs ${want === 'rsa' ? 'an RSA key' : 'an EC P-256 key'}.`,
    );
  }
  return key;
}

function hmacKey(secret: unknown): Uint8Array {
  if (typeof secret !== 'string' || secret === '') throw new NodeFailure('NodeValidationError', "HS* algorithms need 'secret_key'.");
  return new TextEncoder().encode(secret);
}

const seconds = (ms: number) => Math.floor(ms / 1000);

async function generate(i: Record<string, unknown>): Promise<Record<string, unknown>> {
  const { SignJWT } = await import('jose');
  const alg = algorithmOf(i.algorithm);
  const now = Date.now();
  const expires = now + Number(i.expire_minutes ?? 60) * 60_000;
  const claims: Record<string, unknown> = {
    ...((i.payload as Record<string, unknown> | undefined) ?? {}),
    iat: seconds(now),
    exp: seconds(expires),
  };
  if (i.issuer) claims.iss = String(i.issuer);
  if (i.audience) claims.aud = String(i.audience);
  const key = FAMILY[alg] === 'hmac' ? hmacKey(i.secret_key) : pemKey(i.private_key, 'private', alg, 'private_key');
  const token = await new SignJWT(claims).setProtectedHeader({ alg, typ: 'JWT' }).sign(key);
  return { token, expires_at: new Date(seconds(expires) * 1000).toISOString() };
}

/** Why a token was refused, in words a workflow author can act on. */
function reason(err: unknown): string {
  const e = err as { code?: string; claim?: string; message?: string };
  switch (e.code) {
    case 'ERR_JWT_EXPIRED':
      return 'Token has expired';
    case 'ERR_JWT_CLAIM_VALIDATION_FAILED':
      return e.claim === 'nbf'
        ? 'Token is not yet valid (nbf)'
        : e.claim === 'iss'
          ? 'Invalid issuer'
          : e.claim === 'aud'
            ? 'Invalid audience'
            : `Invalid claim '${e.claim}': ${e.message}`;
    case 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED':
      return 'Signature verification failed';
    case 'ERR_JOSE_ALG_NOT_ALLOWED':
      return `Algorithm not allowed: ${e.message}`;
    case 'ERR_JWKS_NO_MATCHING_KEY':
      return 'No key in the JWKS matches the token';
    default:
      return `Invalid token: ${e.message ?? String(err)}`;
  }
}

async function verify(i: Record<string, unknown>, signal: AbortSignal): Promise<Record<string, unknown>> {
  const { createRemoteJWKSet, jwtVerify } = await import('jose');
  const alg = algorithmOf(i.algorithm);
  const token = typeof i.token === 'string' ? i.token.trim().replace(/^Bearer\s+/i, '') : '';
  if (!token) return { valid: false, payload: null, error: 'No token provided' };
  let key: Uint8Array | KeyObject | JWTVerifyGetKey;
  if (FAMILY[alg] === 'hmac') {
    // A JWKS holds public keys; accepting one as an HMAC secret is the algorithm-confusion attack.
    if (i.jwks_url) throw new NodeFailure('NodeValidationError', `${alg} is verified with secret_key; jwks_url needs RS256 or ES256.`);
    key = hmacKey(i.secret_key);
  } else if (i.jwks_url) {
    const url = String(i.jwks_url);
    let set = jwksSets.get(url);
    if (!set) {
      try {
        set = createRemoteJWKSet(new URL(url), { timeoutDuration: JWKS_TIMEOUT_MS });
      } catch (err) {
        throw new NodeFailure('NodeValidationError', `jwks_url '${url}' is not a URL: ${(err as Error).message}`);
      }
      jwksSets.set(url, set);
    }
    key = set;
  } else {
    key = pemKey(i.public_key, 'public', alg, 'public_key');
  }
  const options = {
    algorithms: [alg],
    ...(i.issuer ? { issuer: String(i.issuer) } : {}),
    ...(i.audience ? { audience: String(i.audience) } : {}),
  };
  const verifying = jwtVerify(token, key as Uint8Array, options);
  const aborted = new Promise<never>((_, reject) => {
    const onAbort = () => reject(signal.reason);
    if (signal.aborted) onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    verifying.finally(() => signal.removeEventListener('abort', onAbort)).catch(() => undefined);
  });
  try {
    const { payload } = await Promise.race([verifying, aborted]);
    return { valid: true, payload };
  } catch (err) {
    if (signal.aborted) throw signal.reason;
    const code = (err as { code?: string }).code ?? '';
    // The key server failing is not the token's fault: fail the node (a retry may help).
    // (jose reports a non-200 JWKS response as ERR_JOSE_GENERIC, network errors without a code.)
    if (i.jwks_url && (['ERR_JWKS_TIMEOUT', 'ERR_JWKS_INVALID', 'ERR_JOSE_GENERIC'].includes(code) || !code.startsWith('ERR_J'))) {
      throw new NodeFailure('NodeExecutionError', `Cannot fetch the JWKS at ${String(i.jwks_url)}: ${(err as Error).message}`, {
        retryable: code !== 'ERR_JWKS_INVALID',
      });
    }
    return { valid: false, payload: null, error: reason(err) };
  }
}

/** JWTAuthNode (ours; the guide writes it by hand): an invalid token is an answer (`valid: false`), not a node failure. */
export const runJwt: NodeRun = async (i, ctx) => {
  if (i.action === 'generate') return generate(i);
  if (i.action === 'verify') return verify(i, ctx.signal);
  throw new NodeFailure('NodeValidationError', `Unknown action '${String(i.action)}': use generate or verify.`);
};
