import { getSpec } from '../catalog';
import type { NodeSpec, TypeSpec } from '../catalog/types';
import { connectionVerdict, describeType, findParam, resolveOutputPath } from '../catalog/typing';
import type { ConnectionModel, NodeModel } from '../model/types';
import { parseExpression } from '../model/expression';
import { didYouMean, type Context } from './context';
import { checkConnectionCredentials, isCredentialName, unknownCredentialAdvice } from './credentials';

export function checkConnections(ctx: Context): void {
  const seen = new Set<string>();
  for (const c of ctx.model.connections) checkConnection(ctx, c, isRepeat(c, seen));
}

/** Whether a connection repeats an earlier one (same endpoints and ports); records it in `seen`. */
export function isRepeat(c: ConnectionModel, seen: Set<string>): boolean {
  if (!c.from || !c.to) return false;
  const key = `${c.from.value}\u0000${c.fromOutput.value}\u0000${c.to.value}\u0000${c.toInput.value}`;
  if (seen.has(key)) return true;
  seen.add(key);
  return false;
}

/**
 * One connection's checks. Besides the connection they read its endpoint nodes (type, config) or,
 * for an endpoint that does not exist, the list of node ids: the incremental validator keys its
 * cache on exactly that. Every diagnostic lands inside the connection's own text.
 */
export function checkConnection(ctx: Context, c: ConnectionModel, repeat: boolean): void {
  const from = endpoint(ctx, c.from);
  const to = endpoint(ctx, c.to);
  checkCycleFields(ctx, c);
  if (c.from && c.to && c.from.value === c.to.value && !c.cycle) {
    ctx.report(
      'self-connection',
      'error',
      `Cannot connect node '${c.from.value}' to itself. To loop, mark the connection \`cycle: true\` with \`max_iterations\` or \`convergence_check\`.`,
      c.to.span,
    );
  }
  if (repeat) {
    ctx.report(
      'duplicate-connection',
      'error',
      `Duplicate connection: ${c.from!.value}.${c.fromOutput.value} -> ${c.to!.value}.${c.toInput.value} is already declared.`,
      c.span,
    );
  }
  const fromSpec = from?.type ? getSpec(from.type.value) : undefined;
  const toSpec = to?.type ? getSpec(to.type.value) : undefined;
  // The config as plain values only for a spec whose outputs depend on it (`outputsFor`).
  const source =
    from && fromSpec ? checkOutput(ctx, c, from, fromSpec, fromSpec.outputsFor ? ctx.plainConfig(from) : NO_CONFIG) : undefined;
  const target = to && toSpec ? checkInput(ctx, c, toSpec) : undefined;
  if (to && toSpec && target) checkConnectionCredentials(ctx, c, to, toSpec);
  if (source && target && ctx.options.connectionTypes !== 'off') checkTypes(ctx, c, source, target);
}

const NO_CONFIG: Record<string, unknown> = Object.freeze({});

function endpoint(ctx: Context, ref: ConnectionModel['from']): NodeModel | undefined {
  if (!ref) return undefined;
  const node = ctx.model.nodesById.get(ref.value);
  if (node) return node;
  const near = ctx.closest(ref.value, ctx.nodeIds());
  ctx.report('unknown-connection-node', 'error', `No node '${ref.value}' in this workflow.${didYouMean(near)}`, ref.span, near);
  return undefined;
}

type Typed = { type: TypeSpec; label: string };

function checkOutput(
  ctx: Context,
  c: ConnectionModel,
  from: NodeModel,
  spec: NodeSpec,
  config: Record<string, unknown>,
): Typed | undefined {
  const path = c.fromOutput.value;
  const r = resolveOutputPath(spec, config, path);
  const label = `${from.id}.${path}`;
  if (r.ok) return { type: r.type, label };
  const parts = path.split('.');
  const bad = parts[r.segment]!;
  const span = c.fromOutput.implicit
    ? c.fromOutput.span
    : ctx.spanWithin(c.fromOutput.span, bad, parts.slice(0, r.segment).join('.').length);
  if (r.reason === 'not-a-dict') {
    const head = parts.slice(0, r.segment).join('.');
    ctx.report(
      'unknown-output',
      'error',
      `'${head}' of ${spec.type} is not a dict, so '${path}' cannot walk into it (Kailash's dotted paths follow dict keys only).`,
      span,
    );
    return undefined;
  }
  const near = ctx.closest(bad, r.known);
  const where =
    r.segment === 0
      ? `${spec.type} has no output '${bad}'`
      : `'${parts.slice(0, r.segment).join('.')}' of ${spec.type} has no key '${bad}'`;
  const implicit = c.fromOutput.implicit ? ' (a connection without `from_output` reads `result`)' : '';
  const available = r.known.length ? ` Available: ${r.known.join(', ')}.` : '';
  ctx.report(
    'unknown-output',
    'error',
    `${where}${implicit}.${near.length ? didYouMean(near) : available}`,
    span,
    near.length ? near : r.known,
  );
  return undefined;
}

function checkInput(ctx: Context, c: ConnectionModel, spec: NodeSpec): Typed | undefined {
  const name = c.toInput.value;
  const found = findParam(spec, name);
  const label = `${c.to!.value}.${name}`;
  if (found) {
    const [key, p] = found;
    if (p.configOnly && !spec.acceptsAnyInput) {
      ctx.report(
        'unknown-input',
        'error',
        `'${key}' of ${spec.type} is fixed when the node is built; a connection cannot set it. Put it in \`config\`.`,
        c.toInput.span,
      );
      return undefined;
    }
    return { type: p, label };
  }
  if (spec.acceptsAnyInput || ctx.templateInputs(c.to!.value).has(name)) return { type: { type: 'Any' }, label };
  const names = Object.entries(spec.params)
    .filter(([, p]) => !p.configOnly)
    .map(([k]) => k);
  const near = ctx.closest(name, names);
  const implicit = c.toInput.implicit ? ' (a connection without `to_input` writes `input`)' : '';
  if (isCredentialName(name) || isCredentialName(c.fromOutput.value.split('.').pop()!)) {
    ctx.report(
      'credential-dropped',
      'error',
      `${spec.type} has no input '${name}'${implicit}, so the credential this connection carries is never sent.${unknownCredentialAdvice(spec, name, 'input') || didYouMean(near)}`,
      c.toInput.span,
      near,
    );
    return undefined;
  }
  ctx.report('unknown-input', 'error', `${spec.type} has no input '${name}'${implicit}.${didYouMean(near)}`, c.toInput.span, near);
  return undefined;
}

function checkTypes(ctx: Context, c: ConnectionModel, source: Typed, target: Typed): void {
  const verdict = connectionVerdict(source.type, target.type);
  if (verdict === 'ok') return;
  const arrow = `${source.label} (${describeType(source.type)}) → ${target.label} (${describeType(target.type)})`;
  const span: readonly [number, number] = c.toInput.implicit ? c.span : c.toInput.span;
  if (verdict === 'coercion') {
    const severity = ctx.options.connectionTypes === 'strict' ? 'error' : 'warning';
    ctx.report('connection-type-coercion', severity, `${arrow}: Kailash converts the value at run time.`, span);
  } else {
    ctx.report('connection-type-mismatch', 'error', `Type mismatch: ${arrow}.`, span);
  }
}

const FORBIDDEN = [/\bimport\b/, /\bexec\s*\(/, /\beval\s*\(/, /__/];

function checkCycleFields(ctx: Context, c: ConnectionModel): void {
  const hasMax = c.maxIterations !== undefined && c.maxIterations.value !== null;
  const hasConv = c.convergenceCheck !== undefined && c.convergenceCheck.value !== null;
  if (!c.cycle) {
    if (hasMax || hasConv) {
      const at = (c.maxIterations ?? c.convergenceCheck)!.span;
      ctx.report('cycle', 'warning', '`max_iterations`/`convergence_check` apply only to a connection marked `cycle: true`.', at);
    }
    return;
  }
  if (!hasMax && !hasConv) {
    ctx.report('cycle', 'error', 'Cycle connections must specify either max_iterations or convergence_check.', c.span);
  }
  if (hasMax) {
    const v = c.maxIterations!.value;
    if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0) {
      ctx.report('cycle', 'error', `max_iterations must be a positive integer, got ${JSON.stringify(v)}.`, c.maxIterations!.span);
    }
  }
  if (hasConv) {
    const v = c.convergenceCheck!.value;
    if (typeof v !== 'string' || v.trim() === '') {
      ctx.report('cycle', 'error', 'convergence_check must be an expression such as `done == True`.', c.convergenceCheck!.span);
    } else if (FORBIDDEN.some((re) => re.test(v))) {
      ctx.report(
        'cycle',
        'error',
        'convergence_check may not use `import`, `exec(`, `eval(` or `__` (Kailash rejects them).',
        c.convergenceCheck!.span,
      );
    } else {
      // The runtime evaluates these with its own small parser; what it cannot read fails here, not mid-loop.
      try {
        parseExpression(v);
      } catch (err) {
        ctx.report('cycle', 'error', `convergence_check cannot be read: ${(err as Error).message}.`, c.convergenceCheck!.span);
      }
    }
  }
}
