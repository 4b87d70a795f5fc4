import type { ParamSpec } from '../catalog/types';
import { findTemplates } from '../model/templates';

export interface SecretFinding {
  /** Offsets within the string value. */
  start: number;
  end: number;
  message: string;
}

/** Keys whose values are credentials wherever they appear (config, headers, nested settings). */
export const SECRET_KEY =
  /(^|[_-])(password|passwd|pwd|secret|secret_key|client_secret|api_?key|apikey|token|access_token|refresh_token|auth_token|private_key|webhook_secret|credentials?)$/i;
/** Literal credentials by their well-known shapes. */
export const TOKEN_SHAPES: [RegExp, string][] = [
  [/^(Bearer|Basic|Token)\s+(?!\$\{)\S{8,}/i, 'an Authorization value'],
  [/\bxox[abprs]-[A-Za-z0-9-]{10,}/, 'a Slack token'],
  [/\bgh[pousr]_[A-Za-z0-9]{30,}/, 'a GitHub token'],
  [/\bAKIA[0-9A-Z]{16}\b/, 'an AWS access key'],
  [/\bsk-[A-Za-z0-9_-]{20,}/, 'an API secret key'],
  [/-----BEGIN [A-Z ]*PRIVATE KEY-----/, 'a private key'],
  [/\beyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}/, 'a JWT'],
];
/** The shortest text any of `TOKEN_SHAPES` matches (`Token ` or `Basic ` and 8 more). */
const MIN_TOKEN = 14;
/** `scheme://user:password@host`: the password part (never without `://` and `@`). */
const URL_PASSWORD = /\b[a-z][a-z0-9+.-]*:\/\/[^:/@\s]*:([^@/\s]+)@/i;
/** The shortest text `URL_PASSWORD` matches (`a://:p@`). */
const MIN_URL = 7;

const ADVICE = 'move it to `${secret:NAME}` (or `${env:NAME}`) so it never sits in the file';

/**
 * Credentials written literally. References (`${secret:…}`, `${env:…}`, `${input}`) are never
 * flagged: only text that would be the secret itself.
 */
export function findSecrets(key: string | undefined, value: string, param?: ParamSpec): SecretFinding[] {
  if (value.trim() === '') return [];
  // Most values are short words and paths: the shapes below cannot match them (checked in order
  // of cost, the templates only for a key that names a credential).
  const url = value.length >= MIN_URL && value.includes('://') && value.includes('@') ? URL_PASSWORD.exec(value) : null;
  if (url) {
    const pw = url[1]!;
    if (!pw.includes('${')) {
      const start = url.index + url[0].length - 1 - pw.length;
      return [{ start, end: start + pw.length, message: `Password written in a connection string: ${ADVICE}.` }];
    }
  }
  if ((param?.secret || (key !== undefined && SECRET_KEY.test(key))) && findTemplates(value).length === 0) {
    return [{ start: 0, end: value.length, message: `Literal credential in '${key}': ${ADVICE}.` }];
  }
  if (value.length < MIN_TOKEN) return [];
  for (const [re, what] of TOKEN_SHAPES) {
    const m = re.exec(value);
    if (m && !m[0].includes('${')) {
      return [{ start: m.index, end: m.index + m[0].length, message: `This looks like ${what} written literally: ${ADVICE}.` }];
    }
  }
  return [];
}
