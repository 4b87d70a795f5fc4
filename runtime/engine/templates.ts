import { findTemplates, isWholeTemplate } from '../model/templates';
import { NodeFailure } from './errors';
import type { Redactor, SecretProvider } from './secrets';
import { pyStr } from '../values/print';
import { PyFloat } from '../values/py';
import { setOwn } from '../util/own';

export interface TemplateScope {
  /** The node's runtime inputs (connection values and run parameters): what `${name}` sees. */
  inputs: Record<string, unknown>;
  env: Record<string, string | undefined>;
  secrets: SecretProvider;
  redactor: Redactor;
  node: string;
}

/**
 * Resolves `${…}` in values written in the workflow file (never in data flowing between nodes,
 * so a response cannot smuggle in `${secret:…}`). `${name}` follows Kailash: a whole-string
 * template takes the raw value, an embedded one its `str()`, an unknown name stays literal.
 */
export async function resolveTemplates(value: unknown, scope: TemplateScope, depth = 0): Promise<unknown> {
  if (typeof value === 'string') return resolveString(value, scope);
  if (depth > 64 || value === null || typeof value !== 'object' || value instanceof PyFloat) return value;
  if (Array.isArray(value)) return Promise.all(value.map((v) => resolveTemplates(v, scope, depth + 1)));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) setOwn(out, k, await resolveTemplates(v, scope, depth + 1));
  return out;
}

/** Whether a value written in the file holds a `${…}` anywhere (else no resolution pass is needed). */
export function hasTemplates(value: unknown, depth = 0): boolean {
  if (typeof value === 'string') return value.includes('${');
  if (depth > 64 || value === null || typeof value !== 'object') return false;
  if (Array.isArray(value)) return value.some((v) => hasTemplates(v, depth + 1));
  return Object.values(value).some((v) => hasTemplates(v, depth + 1));
}

async function resolveString(s: string, scope: TemplateScope): Promise<unknown> {
  const templates = findTemplates(s);
  if (templates.length === 0) return s;
  const values: unknown[] = [];
  for (const t of templates) values.push(await lookup(t.kind, t.name, s.slice(t.start, t.end), scope));
  if (templates.length === 1 && isWholeTemplate(s)) return values[0];
  let out = '';
  let last = 0;
  templates.forEach((t, i) => {
    out += s.slice(last, t.start) + pyStr(values[i]);
    last = t.end;
  });
  return out + s.slice(last);
}

async function lookup(kind: string, name: string, raw: string, scope: TemplateScope): Promise<unknown> {
  switch (kind) {
    case 'env': {
      const v = scope.env[name];
      if (v === undefined)
        throw new NodeFailure('TemplateError', `Environment variable '${name}' is not set (used as ${raw} in node '${scope.node}').`);
      return v;
    }
    case 'secret': {
      const v = await scope.secrets.get(name);
      if (v === undefined) {
        throw new NodeFailure(
          'SecretNotFoundError',
          `Secret '${name}' is not set (used as ${raw} in node '${scope.node}'); set KAILASH_SECRET_${name} or store it with "Kailash: Set Secret".`,
        );
      }
      scope.redactor.add(v);
      return v;
    }
    case 'input':
      return Object.prototype.hasOwnProperty.call(scope.inputs, name) ? scope.inputs[name] : raw;
    default:
      throw new NodeFailure(
        'TemplateError',
        `Template ${raw} in node '${scope.node}' is not valid: use \${name}, \${env:NAME} or \${secret:NAME}.`,
      );
  }
}
