import { getSpec, METADATA_KEYS, nodeTypes } from '../catalog';
import { POLICIES } from '../catalog/policies';
import type { NodeSpec, ParamSpec, TypeSpec } from '../catalog/types';
import { checkLiteral, describeType } from '../catalog/typing';
import { findTemplates, isWholeTemplate } from '../model/templates';
import { Entry, POLICY_KEYS, type MapValue, type NodeModel, type Value } from '../model/types';
import { didYouMean, type Context } from './context';
import { checkTransactionMode } from './transaction-mode';
import { checkNodeCredentials, isCredentialName, reportUnknownParam } from './credentials';
import { checkSandboxImports } from './sandbox';
import { requiredGaps } from './required';
import { findSecrets } from './secrets';

export function checkNodes(ctx: Context): void {
  for (const node of ctx.model.nodes) checkNode(ctx, node);
}

/**
 * One node's checks. Besides the node itself they read only what `providedAtRun` reads (inputs
 * connected into it, its run parameters): the incremental validator keys its cache on exactly that.
 */
export function checkNode(ctx: Context, node: NodeModel): void {
  checkPolicies(ctx, node);
  const spec = checkType(ctx, node);
  if (node.config) checkConfig(ctx, node, node.config, spec);
  if (spec && !node.configInvalid) {
    checkRequired(ctx, node, spec);
    checkNodeCredentials(ctx, node, spec);
    // Both only ever warn.
    if (ctx.wants('warning')) {
      checkSandboxImports(ctx, node, spec);
      checkTransactionMode(ctx, node, spec);
    }
  }
}

function checkType(ctx: Context, node: NodeModel): NodeSpec | undefined {
  if (!node.type) return undefined;
  const spec = getSpec(node.type.value);
  if (spec) return spec;
  const near = ctx.closest(node.type.value, nodeTypes);
  ctx.report('unknown-node-type', 'error', `Unknown node type '${node.type.value}'.${didYouMean(near)}`, node.type.span, near);
  return undefined;
}

function checkConfig(ctx: Context, node: NodeModel, config: MapValue, spec: NodeSpec | undefined): void {
  for (const e of config.entries) {
    const param = spec?.params[e.key];
    if (spec && !param && !spec.acceptsAnyInput && !METADATA_KEYS.includes(e.key)) {
      const alias = Object.entries(spec.params).find(([, p]) => p.aliases?.includes(e.key));
      if (!alias) {
        reportUnknownParam(ctx, spec, e, 'config');
      }
    }
    if (param) checkParamValue(ctx, e, param, e.key);
    walkStrings(ctx, { node, inputTemplates: true }, e.key, e.value, param, sqlModeOf(param));
  }
}

/** Type, enum and nested-field checks of one literal value against its declared param. */
/** `path` names the value in messages: `timeout`, `smtp_config.port`, `retry.max_attempts`. */
export function checkParamValue(ctx: Context, e: Entry, param: ParamSpec | TypeSpec, path: string): void {
  const label = `'${path}'`;
  const v = e.value;
  if (v.kind === 'scalar') {
    if (v.value === null) return;
    if (typeof v.value === 'string' && v.value.includes('${')) return; // resolved at run time
    const check = checkLiteral(v.value, param);
    if (check.verdict !== 'ok') {
      ctx.report('param-type', check.verdict === 'mismatch' ? 'error' : 'warning', `${label}: ${check.message}.`, v.span);
      return;
    }
    const p = param as ParamSpec;
    if (p.enum && !enumHas(p, v.value)) {
      const near = typeof v.value === 'string' ? ctx.closest(v.value, p.enum.map(String)) : [];
      ctx.report(
        'invalid-enum-value',
        'error',
        `${label} must be one of ${p.enum.map((x) => JSON.stringify(x)).join(', ')}; got ${JSON.stringify(v.value)}.${didYouMean(near)}`,
        v.span,
        near.length ? near : p.enum.map(String),
      );
    }
    if (p.minimum !== undefined && typeof v.value === 'number' && v.value < p.minimum) {
      ctx.report('param-type', 'error', `${label} must be at least ${p.minimum}; got ${v.value}.`, v.span);
    }
    return;
  }
  const check = checkLiteral(v.kind === 'seq' ? [] : {}, param);
  if (check.verdict !== 'ok') {
    ctx.report('param-type', 'error', `${label}: ${check.message}.`, v.span);
    return;
  }
  if (v.kind === 'map' && param.type === 'dict' && param.fields) {
    for (const f of v.entries) {
      const field = param.fields[f.key];
      if (!field) {
        if (!param.open) {
          const near = ctx.closest(f.key, Object.keys(param.fields));
          if (isCredentialName(f.key))
            ctx.report(
              'credential-dropped',
              'error',
              `${label} has no key '${f.key}', so this credential is never used.${didYouMean(near)}`,
              f.keySpan,
              near,
            );
          else ctx.report('unknown-param', 'warning', `${label} has no key '${f.key}'.${didYouMean(near)}`, f.keySpan, near);
        }
        continue;
      }
      checkParamValue(ctx, f, field, `${path}.${f.key}`);
    }
  }
  if (v.kind === 'seq' && param.type === 'list' && param.items && param.items.type !== 'Any') {
    v.items.forEach((item, i) => {
      checkParamValue(ctx, new Entry(String(i), item.start, item.end, item), param.items!, `${path}[${i}]`);
    });
  }
}

function enumHas(p: ParamSpec, value: string | number | boolean): boolean {
  if (p.enum!.includes(value)) return true;
  return (
    p.enumCaseInsensitive === true && typeof value === 'string' && p.enum!.some((x) => String(x).toLowerCase() === value.toLowerCase())
  );
}

type SqlMode = 'all' | 'query' | 'none';

/** Where SQL text sits under a param: the whole string, or (in `operations` lists) `query` keys only. */
export function sqlModeOf(param: ParamSpec | undefined): SqlMode {
  if (!param?.sql) return 'none';
  return param.type === 'str' || param.type === 'Any' ? 'all' : 'query';
}

export interface StringScan {
  node: NodeModel;
  /** `${name}` may name node inputs (config); in `parameters` only env and secret templates make sense. */
  inputTemplates: boolean;
}

/** Templates, SQL splicing and literal secrets, in every string under a config key. */
export function walkStrings(
  ctx: Context,
  scan: StringScan,
  key: string,
  v: Value,
  param: ParamSpec | undefined,
  sql: SqlMode,
  depth = 0,
): void {
  if (v.kind === 'map') {
    for (const e of v.entries) {
      const child: SqlMode = sql === 'query' && e.key === 'query' ? 'all' : sql;
      walkStrings(ctx, scan, e.key, e.value, undefined, child, depth + 1);
    }
    return;
  }
  if (v.kind === 'seq') {
    for (const item of v.items) walkStrings(ctx, scan, key, item, undefined, sql, depth + 1);
    return;
  }
  if (v.value === null || typeof v.value === 'boolean') return;
  const s = String(v.value);
  if (typeof v.value === 'string' && !param?.raw) checkTemplates(ctx, scan, s, v, sql === 'all');
  if ((typeof v.value === 'string' && isWholeTemplate(s)) || !ctx.wants('warning')) return;
  for (const f of findSecrets(key, s, param)) {
    const text = s.slice(f.start, f.end);
    ctx.report('plaintext-secret', 'warning', f.message, text ? ctx.spanWithin(v.span, text) : v.span);
  }
}

function checkTemplates(ctx: Context, scan: StringScan, s: string, at: Value, sql: boolean): void {
  const node = scan.node;
  const templates = findTemplates(s);
  // Indexed: run for every string of every config, mostly while the code is cold (on open).
  for (let i = 0; i < templates.length; i++) {
    const t = templates[i]!;
    const text = s.slice(t.start, t.end);
    const span = ctx.spanWithin(at.span, text);
    if (t.kind === 'invalid') {
      ctx.report(
        'unknown-template-variable',
        'error',
        `Template ${text} is not valid: use \${name} (a node input), \${env:NAME} or \${secret:NAME}.`,
        span,
      );
      continue;
    }
    if (t.kind === 'input' && !scan.inputTemplates) {
      ctx.report(
        'unknown-template-variable',
        'error',
        `${text}: run parameters can use only \${env:NAME} and \${secret:NAME} templates.`,
        span,
      );
      continue;
    }
    if (t.kind === 'input' && !ctx.providedAtRun(node.id, [t.name])) {
      const known = new Set<string>([
        ...(ctx.incoming.get(node.id) ?? []).map((c) => c.toInput.value),
        ...(ctx.nodeParameters.get(node.id)?.entries.map((e) => e.key) ?? []),
        ...ctx.flatParameters,
      ]);
      const near = ctx.closest(t.name, known);
      ctx.report(
        'unknown-template-variable',
        'error',
        `${text} has no value: no connection into '${node.id}' sets input '${t.name}' and \`parameters\` gives none (templates resolve against the node's inputs).${didYouMean(near)}`,
        span,
        near,
      );
    }
    if (sql && t.kind !== 'secret' && ctx.wants('warning')) {
      ctx.report(
        'sql-injection-risk',
        'warning',
        `${text} is spliced into the SQL text: pass the value as a bound parameter (\`:${t.name}\` with \`parameters: {${t.name}: …}\`) instead.`,
        span,
      );
    }
  }
}

/**
 * Kailash checks required parameters when a run starts, against everything the run has; so a
 * value no file source gives is a warning here (the run may give it), unless only config can.
 */
function checkRequired(ctx: Context, node: NodeModel, spec: NodeSpec): void {
  for (const gap of requiredGaps(node, spec, (names) => ctx.providedAtRun(node.id, names))) {
    const at = node.type?.span ?? node.idSpan;
    const [name] = gap.names;
    const what = `Node '${node.id}' (${spec.type})`;
    let message: string;
    if (gap.group && gap.configOnly) message = `${what} needs one of ${quoted(gap.names)}: set one in \`config\`.`;
    else if (gap.group)
      message = `${what} needs one of ${quoted(gap.names)}, and none is in config, the \`parameters\` block or a connection: it must be given at run time, or add it to config.`;
    else if (gap.configOnly)
      message = `${what} is missing required parameter '${name}' (${describeType(gap.param!)}): set it in \`config\` (it is fixed when the node is built).`;
    else
      message = `${what}: required parameter '${name}' (${describeType(gap.param!)}) is in none of config, the \`parameters\` block or a connection: it must be given at run time, or add it to config.`;
    ctx.report('missing-required-param', gap.configOnly ? 'error' : 'warning', message, at, gap.names);
  }
}

function quoted(names: readonly string[]): string {
  return names.map((g) => `'${g}'`).join(' or ');
}

/** Each mapping policy's required settings, listed once (every node with the policy asks). */
const REQUIRED_FIELDS = new Map<string, string[]>(
  POLICY_KEYS.map((key) => [key, Object.entries(POLICIES[key].fields ?? {}).flatMap(([name, f]) => (f.required ? [name] : []))]),
);

function checkPolicies(ctx: Context, node: NodeModel): void {
  // In the order the model reader sets them (POLICY_KEYS), as `Object.entries` would list them.
  for (let k = 0; k < POLICY_KEYS.length; k++) {
    const key = POLICY_KEYS[k]!;
    const entry = node.policies[key];
    if (!entry) continue;
    const policy = POLICIES[key];
    const v = entry.value;
    if (policy.value) {
      if (v.kind === 'scalar' && v.value === null) continue;
      checkPolicyValue(ctx, entry, policy.value, key);
      continue;
    }
    if (v.kind !== 'map') {
      ctx.report('schema', 'error', `\`${key}\` must be a mapping: ${Object.keys(policy.fields!).join(', ')}.`, v.span);
      continue;
    }
    for (const f of v.entries) {
      const field = policy.fields![f.key];
      if (!field) {
        const near = ctx.closest(f.key, Object.keys(policy.fields!));
        ctx.report('schema', 'error', `\`${key}\` has no setting '${f.key}'.${didYouMean(near)}`, f.keySpan, near);
        continue;
      }
      checkPolicyValue(ctx, f, field, `${key}.${f.key}`);
    }
    for (const name of REQUIRED_FIELDS.get(key)!) {
      if (!v.entries.some((x) => x.key === name)) ctx.report('schema', 'error', `\`${key}\` needs '${name}'.`, entry.keySpan, [name]);
    }
  }
}

/** Policies are ours, so their values are checked strictly and reported as `schema`. */
function checkPolicyValue(ctx: Context, e: Entry, p: ParamSpec, path: string): void {
  const before = ctx.diagnostics.length;
  // Its `param-type` warnings become errors below: they must be reported even for errors only.
  ctx.keepAll++;
  try {
    checkParamValue(ctx, e, p, path);
  } finally {
    ctx.keepAll--;
  }
  for (let i = before; i < ctx.diagnostics.length; i++) {
    const d = ctx.diagnostics[i]!;
    if (d.code !== 'param-type') continue;
    d.code = 'schema';
    d.severity = 'error';
  }
}
