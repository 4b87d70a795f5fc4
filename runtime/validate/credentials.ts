import type { NodeSpec } from '../catalog/types';
import type { ConnectionModel, Entry, NodeModel, Span } from '../model/types';
import { didYouMean, type Context } from './context';
import { SECRET_KEY } from './secrets';

/**
 * Credentials that would not be sent. `credential-dropped` (error) marks one this runtime would
 * drop, so the request would silently go out unauthenticated; `kailash-compat` (warning) marks
 * one sent here but dropped by the Python SDK (a token without its `auth_type`, `auth_config`).
 */

/** A name that holds a credential wherever it appears (config key, input, nested setting). */
export function isCredentialName(name: string): boolean {
  return SECRET_KEY.test(name) || /^(authorization|bearer|auth)$/i.test(name);
}

type AuthType = 'bearer' | 'oauth2' | 'basic' | 'api_key';

/** The flat credential params each auth type sends (Kailash's HTTP nodes). */
const SENDS: Record<AuthType, readonly string[]> = {
  bearer: ['auth_token'],
  oauth2: ['auth_token'],
  basic: ['auth_username', 'auth_password'],
  api_key: ['auth_token'],
};
/** The same for the keys of RESTClientNode's `auth_config`. */
const SENDS_CONFIG: Record<AuthType, readonly string[]> = {
  bearer: ['token'],
  oauth2: ['token'],
  basic: ['username', 'password'],
  api_key: ['api_key', 'token'],
};
const FLAT = ['auth_token', 'auth_username', 'auth_password'];

/** The auth type a credential param implies when none is declared (what the runtime infers). */
const impliedBy = (param: string): AuthType => (param === 'auth_token' ? 'bearer' : 'basic');

/** Nodes with Kailash's HTTP auth params (HTTPRequestNode, AsyncHTTPRequestNode, RESTClientNode). */
function hasHttpAuth(spec: NodeSpec): boolean {
  return Boolean(spec.params.auth_type && spec.params.auth_token);
}

function entryOf(node: NodeModel, key: string): Entry | undefined {
  return node.config?.entries.find((e) => e.key === key);
}

/** The literal `auth_type` of a node's config: undefined when absent, null when set another way (template). */
function declaredType(node: NodeModel): AuthType | undefined | null {
  const e = entryOf(node, 'auth_type');
  if (!e || (e.value.kind === 'scalar' && e.value.value === null)) return undefined;
  if (e.value.kind !== 'scalar' || typeof e.value.value !== 'string' || e.value.value.includes('${')) return null;
  return e.value.value in SENDS ? (e.value.value as AuthType) : null;
}

/**
 * Whether a credential reaches the request another way: a `${name}` template reads it, or the
 * config writes an Authorization header (which an implied auth type never replaces).
 */
function usedOtherwise(ctx: Context, node: NodeModel, param: string): boolean {
  if (ctx.templateInputs(node.id).has(param)) return true;
  const headers = entryOf(node, 'headers');
  return headers?.value.kind === 'map' && headers.value.entries.some((h) => h.key.toLowerCase() === 'authorization');
}

const isSet = (e: Entry | undefined): e is Entry =>
  e !== undefined && !(e.value.kind === 'scalar' && (e.value.value === null || e.value.value === ''));

/** The runtime's pick for an `auth_config` without `auth_type`: api_key, then token, then basic. */
function impliedByConfig(keys: string[]): AuthType | undefined {
  if (keys.includes('api_key')) return 'api_key';
  if (keys.includes('token')) return 'bearer';
  if (keys.includes('username') || keys.includes('password')) return 'basic';
  return undefined;
}

function dropped(ctx: Context, what: string, type: AuthType, span: Span, fix: string): void {
  ctx.report(
    'credential-dropped',
    'error',
    `${what} is never sent: auth_type '${type}' sends ${SENDS[type].join(' and ')} only, so the request would go out without it. ${fix}`,
    span,
  );
}

function fixFor(param: string): string {
  return param === 'auth_token'
    ? 'Write `auth_type: bearer` (or `api_key` for a key header) to send it.'
    : 'Write `auth_type: basic` to send it.';
}

/**
 * Why a credential param given to `node` would not be sent because of the node's literal
 * `auth_type` (`auth_username` next to `auth_type: bearer`), or undefined when it would be.
 */
export function notSentByAuthType(node: NodeModel, spec: NodeSpec, param: string): string | undefined {
  if (!hasHttpAuth(spec) || !FLAT.includes(param)) return undefined;
  const type = declaredType(node);
  if (!type || SENDS[type].includes(param)) return undefined;
  return `auth_type '${type}' sends ${SENDS[type].join(' and ')} only, so the request would go out without it. ${fixFor(param)}`;
}

/** A node's own credential settings against its `auth_type`. */
export function checkNodeCredentials(ctx: Context, node: NodeModel, spec: NodeSpec): void {
  if (!hasHttpAuth(spec) || !node.config) return;
  const type = declaredType(node);
  if (type === null) return;
  const typeAtRun = type === undefined && ctx.providedAtRun(node.id, ['auth_type']);
  for (const param of FLAT) {
    const e = entryOf(node, param);
    if (!isSet(e)) continue;
    if (type === undefined) {
      if (typeAtRun || usedOtherwise(ctx, node, param)) continue;
      const implied = impliedBy(param);
      ctx.report(
        'kailash-compat',
        'warning',
        `'${param}' without 'auth_type': sent here as ${implied === 'bearer' ? '`Authorization: Bearer …`' : 'basic auth'}, but the Python SDK ignores it and sends the request unauthenticated. Add \`auth_type: ${implied}\`.`,
        e.keySpan,
      );
    } else if (!SENDS[type].includes(param)) {
      dropped(ctx, `'${param}'`, type, e.keySpan, fixFor(param));
    }
  }
  const config = entryOf(node, 'auth_config');
  if (!config || !spec.params.auth_config) return;
  ctx.report(
    'kailash-compat',
    'warning',
    "'auth_config' is a Kailash Workflows extension: the Python SDK ignores it and sends the request unauthenticated. For both, write `auth_type` with `auth_token` (or `auth_username`/`auth_password` for basic).",
    config.keySpan,
  );
  if (config.value.kind !== 'map' || typeAtRun) return;
  const keys = config.value.entries.filter(isSet).map((e) => e.key);
  const effective = type ?? impliedByConfig(keys);
  if (!effective) return;
  for (const e of config.value.entries) {
    if (!isSet(e) || !['token', 'username', 'password', 'api_key'].includes(e.key) || SENDS_CONFIG[effective].includes(e.key)) continue;
    const fix =
      e.key === 'token'
        ? 'Write `auth_type: bearer` to send it.'
        : e.key === 'api_key'
          ? 'Write `auth_type: api_key` to send it.'
          : 'Write `auth_type: basic` to send it.';
    ctx.report(
      'credential-dropped',
      'error',
      `'auth_config.${e.key}' is never sent: auth_type '${effective}' sends auth_config ${SENDS_CONFIG[effective].join(' / ')} only, so the request would go out without it. ${fix}`,
      e.keySpan,
    );
  }
}

/** A credential wired into an HTTP node: without `auth_type` (Python drops it), or of the wrong kind. */
export function checkConnectionCredentials(ctx: Context, c: ConnectionModel, to: NodeModel, spec: NodeSpec): void {
  const input = c.toInput.value;
  if (!hasHttpAuth(spec) || !FLAT.includes(input)) return;
  const type = declaredType(to);
  if (type === null) return;
  if (type === undefined) {
    if (usedOtherwise(ctx, to, input)) return;
    const implied = impliedBy(input);
    ctx.report(
      'kailash-compat',
      'warning',
      `'${input}' arrives at '${to.id}' without 'auth_type': sent here as ${implied === 'bearer' ? '`Authorization: Bearer …`' : 'basic auth'}, but the Python SDK ignores it and sends the request unauthenticated. Add \`auth_type: ${implied}\` to '${to.id}'.`,
      c.toInput.span,
    );
  } else if (!SENDS[type].includes(input)) {
    dropped(ctx, `'${input}' from '${c.from?.value ?? '?'}'`, type, c.toInput.span, fixFor(input));
  }
}

/** Advice for a credential under a name the node does not have. */
export function unknownCredentialAdvice(spec: NodeSpec, name: string, from: 'config' | 'input'): string {
  if (hasHttpAuth(spec)) {
    if (/pass|pwd|user/i.test(name)) return ' Write `auth_type: basic` with `auth_username` and `auth_password`.';
    if (/key/i.test(name)) return ' Write `auth_type: api_key` with `auth_token` (and `api_key_header`).';
    return ' Write `auth_type: bearer` with `auth_token`.';
  }
  if (spec.params.headers) {
    const ref = from === 'input' ? `\${${name}}` : '${secret:NAME}';
    return ` Send it as a header: \`headers: {Authorization: "Bearer ${ref}"}\`${from === 'input' ? ' (the template reads the input)' : ''}, or connect OAuth2Node's \`headers\` output into \`headers\`.`;
  }
  return '';
}

/**
 * A key the node does not take, in its config or its run parameters (`where`): an error when it
 * holds a credential (the request would go out without it), else a warning that Kailash ignores it.
 */
export function reportUnknownParam(ctx: Context, spec: NodeSpec, e: Entry, where: 'config' | 'input'): void {
  const near = ctx.closest(e.key, Object.keys(spec.params));
  if (isCredentialName(e.key)) {
    const dropped = where === 'config' ? 'unknown keys' : 'unknown run parameters';
    ctx.report(
      'credential-dropped',
      'error',
      `${spec.type} has no parameter '${e.key}', so this credential is never sent (Kailash drops ${dropped}).${unknownCredentialAdvice(spec, e.key, where) || didYouMean(near)}`,
      e.keySpan,
      near,
    );
  } else {
    ctx.report(
      'unknown-param',
      'warning',
      `${spec.type} has no parameter '${e.key}'; Kailash ignores it.${didYouMean(near)}`,
      e.keySpan,
      near,
    );
  }
}
