import { getSpec, METADATA_KEYS } from '../catalog';
import type { NodeSpec } from '../catalog/types';
import { describeType, findParam, takesGlobal } from '../catalog/typing';
import type { Diagnostic } from '../diagnostics';
import { buildGraph, upstreamOf } from '../graph/graph';
import { findTemplates } from '../model/templates';
import type { NodeModel, WorkflowModel } from '../model/types';
import { toValue } from '../model/values';
import { setOwn } from '../util/own';
import { closest } from '../util/suggest';
import { isCredentialName, notSentByAuthType, unknownCredentialAdvice } from '../validate/credentials';
import { requiredGaps } from '../validate/required';
import type { RunOptions, RunParameters } from './types';

type Params = Record<string, unknown>;

/** What one node receives from run parameters, split by origin (the file's values get templates resolved). */
export interface NodeParameters {
  /** From the file's `parameters` block. */
  file: Params;
  /** From the run (`--param`, `--params`, the editor, a submitted job). */
  run: Params;
}

/** An own property even for a key such as `__proto__`: run parameters are user data. */
const put = (o: Params, key: string, value: unknown) => setOwn(o, key, value);

const isMapping = (v: unknown): v is Params => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * Run parameters as Kailash's `LocalRuntime.execute(parameters=…)` reads them: a key naming a
 * node whose value is a mapping holds that node's values; any other key is global and goes to
 * every node that takes a parameter of that name. The run's parameters are merged over the file's
 * `parameters` block (a node's entries key by key); within a node its own values beat global ones.
 */
export class ParameterPlan {
  private readonly fileOwn = new Map<string, Params>();
  private readonly runOwn = new Map<string, Params>();
  /** Global values with their origin; the run's replace the file's. */
  private readonly global = new Map<string, { value: unknown; file: boolean }>();
  private readonly cache = new Map<string, NodeParameters>();
  private readonly templateCache = new Map<string, Set<string>>();

  constructor(
    private readonly model: WorkflowModel,
    private readonly runParameters: RunParameters = {},
  ) {
    const file = toValue(model.parameters);
    this.split(isMapping(file) ? file : {}, this.fileOwn, true);
    this.split(runParameters, this.runOwn, false);
  }

  private split(source: Params, own: Map<string, Params>, file: boolean): void {
    for (const [key, value] of Object.entries(source)) {
      if (this.model.nodesById.has(key) && isMapping(value)) own.set(key, value);
      else this.global.set(key, { value, file });
    }
  }

  /** The run parameters node `id` receives. */
  forNode(id: string): NodeParameters {
    let out = this.cache.get(id);
    if (out) return out;
    out = { file: {}, run: {} };
    const node = this.model.nodesById.get(id);
    const spec = node?.type ? getSpec(node.type.value) : undefined;
    if (node && spec) {
      for (const [key, g] of this.global) if (this.reaches(node, spec, key)) put(g.file ? out.file : out.run, key, g.value);
    }
    for (const [key, value] of Object.entries(this.fileOwn.get(id) ?? {})) {
      put(out.file, key, value);
      delete out.run[key];
    }
    for (const [key, value] of Object.entries(this.runOwn.get(id) ?? {})) {
      put(out.run, key, value);
      delete out.file[key];
    }
    this.cache.set(id, out);
    return out;
  }

  has(id: string): boolean {
    // No run parameters at all for it (most nodes of most runs): no plan to make.
    if (this.global.size === 0 && !this.fileOwn.has(id) && !this.runOwn.has(id)) return false;
    const p = this.forNode(id);
    return Object.keys(p.file).length > 0 || Object.keys(p.run).length > 0;
  }

  private reaches(node: NodeModel, spec: NodeSpec, key: string): boolean {
    return takesGlobal(spec, key, this.templateInputs(node, spec));
  }

  private templateInputs(node: NodeModel, spec: NodeSpec): Set<string> {
    let names = this.templateCache.get(node.id);
    if (names) return names;
    names = new Set();
    const visit = (v: unknown): void => {
      if (typeof v === 'string') {
        for (const t of findTemplates(v)) if (t.kind === 'input') names!.add(t.name);
      } else if (Array.isArray(v)) v.forEach(visit);
      else if (isMapping(v)) Object.values(v).forEach(visit);
    };
    const config = toValue(node.config);
    if (isMapping(config)) for (const [k, v] of Object.entries(config)) if (!spec.params[k]?.raw) visit(v);
    this.templateCache.set(node.id, names);
    return names;
  }

  /**
   * Required parameters of these nodes that still have no value: not in config, no connection
   * into it, not in the file's `parameters` block nor the run's parameters.
   */
  missing(ids: Iterable<string>): Diagnostic[] {
    const out: Diagnostic[] = [];
    const incoming = new Map<string, Set<string>>();
    for (const c of this.model.connections) {
      if (!c.to || !c.from) continue;
      let s = incoming.get(c.to.value);
      if (!s) incoming.set(c.to.value, (s = new Set()));
      s.add(c.toInput.value);
    }
    for (const id of ids) {
      const node = this.model.nodesById.get(id);
      const spec = node?.type ? getSpec(node.type.value) : undefined;
      if (!node || !spec || node.configInvalid) continue;
      // Asked only for values config lacks: connections first, then (planned once) the run parameters.
      const into = incoming.get(id);
      const provided = (names: readonly string[]) => {
        if (into && names.some((n) => into.has(n))) return true;
        if (!this.has(id)) return false;
        const p = this.forNode(id);
        return names.some((n) => (p.run[n] !== undefined && p.run[n] !== null) || (p.file[n] !== undefined && p.file[n] !== null));
      };
      for (const gap of requiredGaps(node, spec, provided)) {
        const [name] = gap.names;
        const example = `{"${id}": {"${name}": …}}`;
        const what = gap.group
          ? `Node '${id}' (${spec.type}) needs one of ${gap.names.map((n) => `'${n}'`).join(' or ')}`
          : `Node '${id}' (${spec.type}) has no value for required parameter '${name}' (${describeType(gap.param!)})`;
        const where = gap.configOnly
          ? 'set it in config (it is fixed when the node is built)'
          : `set it in config, connect an output to it, or give it in the run's parameters (${example})`;
        out.push({
          code: 'missing-required-param',
          severity: 'error',
          message: `${what}: ${where}.`,
          span: node.type?.span ?? node.idSpan,
          suggestions: gap.names,
        });
      }
    }
    return out;
  }

  /**
   * The run's own parameters that reach nothing: an unknown node id, a parameter the node does
   * not have, or one fixed when the node is built. Kailash drops these without a word; we say so.
   * (The file's `parameters` block is checked by the validator, where the editor shows it.)
   */
  warnings(): string[] {
    return this.review().warnings;
  }

  /**
   * The run's own parameters that hold a credential and reach nothing (`--param api_call.token=…`
   * on a node that has no `token`, or a global `auth_tokn`), or that the node's `auth_type` would
   * not send: `credential-dropped`, as for config. The run must not start, since its request would
   * silently go out without them.
   */
  dropped(): Diagnostic[] {
    return this.review().dropped;
  }

  private reviewed: { warnings: string[]; dropped: Diagnostic[] } | undefined;

  private review(): { warnings: string[]; dropped: Diagnostic[] } {
    if (this.reviewed) return this.reviewed;
    const warnings: string[] = [];
    const dropped: Diagnostic[] = [];
    const drop = (message: string, node: NodeModel | undefined, near: string[] = []) =>
      dropped.push({
        code: 'credential-dropped',
        severity: 'error',
        message,
        // Run parameters have no place in the file: point at the node they were meant for.
        span: node ? node.idSpan : [0, 0],
        ...(near.length ? { suggestions: near } : {}),
      });
    for (const [id, values] of this.runOwn) {
      const node = this.model.nodesById.get(id)!;
      const spec = node.type ? getSpec(node.type.value) : undefined;
      if (!spec) continue;
      for (const key of Object.keys(values)) {
        const found = findParam(spec, key);
        const credential = isCredentialName(key);
        if (found?.[1].configOnly) {
          if (credential)
            drop(
              `run parameter '${id}.${key}': '${found[0]}' of ${spec.type} is fixed when the node is built, so this credential is never used (run parameters cannot change it). Set it in config, as \`${found[0]}: \${secret:NAME}\`.`,
              node,
            );
          else
            warnings.push(
              `run parameter '${id}.${key}': '${found[0]}' of ${spec.type} is fixed when the node is built; run parameters cannot change it, so it is ignored.`,
            );
          continue;
        }
        if (found) {
          const why = notSentByAuthType(node, spec, found[0]);
          if (why) drop(`run parameter '${id}.${key}' is never sent: ${why}`, node);
          continue;
        }
        if (spec.acceptsAnyInput || METADATA_KEYS.includes(key) || this.templateInputs(node, spec).has(key)) continue;
        const near = closest(key, Object.keys(spec.params));
        // A misspelt credential (`auth_tokn`) is one too: its nearest name says so.
        const nearCredential = near.length > 0 && isCredentialName(near[0]!);
        if (credential || nearCredential)
          drop(
            `run parameter '${id}.${key}': ${spec.type} has no parameter '${key}', so this credential is never sent (Kailash drops unknown run parameters).${nearCredential ? dym(near) : unknownCredentialAdvice(spec, key, 'config') || dym(near)}`,
            node,
            near,
          );
        else warnings.push(`run parameter '${id}.${key}': ${spec.type} has no parameter '${key}', so it is ignored.${dym(near)}`);
      }
    }
    for (const [key, g] of this.global) {
      if (g.file) continue;
      const reached = [...this.model.nodesById.values()]
        .filter((n) => {
          const spec = n.type ? getSpec(n.type.value) : undefined;
          return spec !== undefined && this.reaches(n, spec, key);
        })
        .map((n) => n.id);
      const ids = [...this.model.nodesById.keys()];
      if (reached.length) {
        // Code nodes take any name, but a mapping under a near node id is a misspelt node, not a variable.
        const near = isMapping(g.value) && !this.model.nodesById.has(key) ? closest(key, ids) : [];
        if (near.length) {
          const message = `run parameter '${key}' is not a node id, so it goes as a global parameter to ${reached.map((id) => `'${id}'`).join(', ')}. Did you mean node '${near[0]}'?`;
          const secrets = credentialKeys(g.value);
          if (secrets.length)
            drop(`${message} Its ${listOf(secrets)} would not reach '${near[0]}'.`, this.model.nodesById.get(near[0]!), near);
          else warnings.push(message);
        }
        continue;
      }
      if (this.model.nodesById.has(key)) {
        warnings.push(
          `run parameter '${key}' names node '${key}' but is not a mapping of its parameters (${'{'}"${key}": {"param": value}${'}'}), so it is ignored.`,
        );
        continue;
      }
      // A mapping is a node's parameters, so a near node id is the likely meaning.
      const nearNode = closest(key, ids);
      const nearParam = isMapping(g.value) ? [] : closest(key, this.paramNames());
      const hint = nearNode.length ? ` Did you mean node '${nearNode[0]}'?` : dym(nearParam);
      const secrets = isMapping(g.value)
        ? credentialKeys(g.value)
        : isCredentialName(key) || (nearParam.length > 0 && isCredentialName(nearParam[0]!))
          ? [key]
          : [];
      if (secrets.length)
        drop(
          `run parameter '${key}' is not a node id and no node takes a parameter '${key}', so ${isMapping(g.value) ? `its ${listOf(secrets)}` : 'this credential'} is never sent.${hint}`,
          nearNode.length ? this.model.nodesById.get(nearNode[0]!) : undefined,
          nearNode.length ? nearNode : nearParam,
        );
      else warnings.push(`run parameter '${key}' is not a node id and no node takes a parameter '${key}', so it is ignored.${hint}`);
    }
    return (this.reviewed = { warnings, dropped });
  }

  private paramNames(): Set<string> {
    const names = new Set<string>();
    for (const n of this.model.nodesById.values()) {
      const spec = n.type ? getSpec(n.type.value) : undefined;
      for (const [k, p] of Object.entries(spec?.params ?? {})) if (!p.configOnly) names.add(k);
    }
    return names;
  }
}

/** The credential-named keys of a run parameter mapping (`{auth_token: …}` under a misspelt node id). */
function credentialKeys(value: unknown): string[] {
  return isMapping(value) ? Object.keys(value).filter(isCredentialName) : [];
}

function listOf(keys: string[]): string {
  return `credential${keys.length === 1 ? '' : 's'} ${keys.map((k) => `'${k}'`).join(', ')}`;
}

function dym(near: string[]): string {
  return near.length ? ` Did you mean '${near[0]}'?` : '';
}

/** The check every run gets before any node starts (CLI run, worker, editor, submit). */
export interface RunCheck {
  plan: ParameterPlan;
  /** Required values still missing: the run must not start. */
  missing: Diagnostic[];
  /** Run parameters that reach nothing. */
  warnings: string[];
  /** Credentials among the run parameters that would not be sent: the run must not start. */
  dropped: Diagnostic[];
}

/** Plans a run's parameters and checks them against the nodes the run will execute. */
export function checkRun(model: WorkflowModel, options: Pick<RunOptions, 'parameters' | 'to' | 'reuse'> = {}): RunCheck {
  const plan = new ParameterPlan(model, options.parameters ?? {});
  let ids: Iterable<string> = model.nodesById.keys();
  if (options.to !== undefined && model.nodesById.has(options.to)) ids = upstreamOf(buildGraph(model), model, options.to);
  const reuse = options.reuse;
  const run = [...ids].filter((id) => !(reuse && Object.prototype.hasOwnProperty.call(reuse, id)));
  return { plan, missing: plan.missing(run), warnings: plan.warnings(), dropped: plan.dropped() };
}
