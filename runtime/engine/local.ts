import { randomUUID } from 'node:crypto';
import { getSpec } from '../catalog';
import type { NodeOutput, NodeSpec } from '../catalog/types';
import { buildGraph, topologicalOrder, type WorkflowGraph } from '../graph/graph';
import type { NodeModel, WorkflowModel } from '../model/types';
import { toPlain } from '../model/values';
import { validateModel } from '../validate';
import { NodeFailure, WorkflowInvalid } from './errors';
import { EnvSecretProvider, Redactor, type SecretProvider } from './secrets';
import { resolveTemplates } from './templates';
import type { NodeRecord, RunOptions, RunResult } from './types';
import { coerce, readPath } from './values';

const SQL_NODES = new Set(['SQLDatabaseNode', 'AsyncSQLDatabaseNode']);

export interface RuntimeOptions {
  secrets?: SecretProvider;
  env?: Record<string, string | undefined>;
}

/**
 * Runs workflows with Kailash's semantics (research/kailash-sdk.md §4): topological order with
 * sorted tie-break, parameter precedence, dotted paths, `None` never overwriting, SwitchNode
 * skipping, the failure policy and content-aware `success: false` detection.
 */
export class LocalRuntime {
  private readonly secrets: SecretProvider;
  private readonly env: Record<string, string | undefined>;

  constructor(options: RuntimeOptions = {}) {
    this.env = options.env ?? process.env;
    this.secrets = options.secrets ?? new EnvSecretProvider(this.env);
  }

  async execute(model: WorkflowModel, options: RunOptions = {}): Promise<RunResult> {
    const errors = validateModel(model).filter((d) => d.severity === 'error');
    if (errors.length) throw new WorkflowInvalid(`The workflow has ${errors.length} error${errors.length === 1 ? '' : 's'}; first: ${errors[0]!.message}`);
    if (model.connections.some((c) => c.cycle)) {
      throw new WorkflowInvalid('Cyclic connections (`cycle: true`) cannot run in this version of the runtime yet.');
    }
    const run = new Run(model, options, this.secrets, this.env);
    return run.execute();
  }
}

class Run {
  readonly runId = randomUUID();
  readonly redactor = new Redactor();
  readonly graph: WorkflowGraph;
  readonly results: Record<string, NodeOutput | null> = {};
  readonly records: Record<string, NodeRecord> = {};
  /** Real outputs for downstream nodes; `results` holds redacted copies. */
  readonly outputs = new Map<string, NodeOutput | null>();
  readonly skipped = new Set<string>();
  readonly failed = new Set<string>();

  constructor(
    readonly model: WorkflowModel,
    readonly options: RunOptions,
    readonly secrets: SecretProvider,
    readonly env: Record<string, string | undefined>,
  ) {
    this.graph = buildGraph(model);
  }

  private emit(e: Parameters<NonNullable<RunOptions['onEvent']>>[0]): void {
    this.options.onEvent?.(e);
  }

  async execute(): Promise<RunResult> {
    const started = performance.now();
    let order = topologicalOrder(this.graph).order;
    if (this.options.to !== undefined) {
      const keep = upstreamOf(this.graph, this.options.to);
      order = order.filter((id) => keep.has(id));
    }
    for (const id of order) this.records[id] = { status: 'not-run', durationMs: 0, attempts: 0 };
    this.emit({ type: 'run-start', runId: this.runId, order });
    let error: RunResult['error'];
    for (const id of order) {
      if (this.options.signal?.aborted) {
        this.records[id]!.status = 'cancelled';
        error ??= { type: 'WorkflowCancelledError', message: 'Workflow cancelled' };
        continue;
      }
      const node = this.model.nodesById.get(id)!;
      const stop = await this.runNode(node);
      if (stop) {
        error = { ...stop, node: id };
        break;
      }
    }
    const status = error?.type === 'WorkflowCancelledError' ? 'cancelled' : error || this.hasUntoleratedFailure() ? 'failed' : 'succeeded';
    const result: RunResult = {
      runId: this.runId,
      status,
      durationMs: round(performance.now() - started),
      results: this.results,
      nodes: this.records,
    };
    if (error) result.error = error;
    else if (status === 'failed') {
      const first = [...this.failed].find((id) => !onErrorContinue(this.model.nodesById.get(id)!))!;
      result.error = { ...this.records[first]!.error!, node: first };
    }
    this.emit({ type: 'run-end', runId: this.runId, result });
    return result;
  }

  private hasUntoleratedFailure(): boolean {
    return [...this.failed].some((id) => !onErrorContinue(this.model.nodesById.get(id)!));
  }

  /** Runs one node; returns the error when the run must stop. */
  private async runNode(node: NodeModel): Promise<RunResult['error'] | undefined> {
    const id = node.id;
    const spec = getSpec(node.type!.value)!;
    const record = this.records[id]!;
    const incoming = this.model.connections.filter((c) => c.to?.value === id && !c.cycle && c.from?.value !== id);
    const { inputs, connected } = this.connectionInputs(incoming);
    if (this.shouldSkip(incoming, connected)) {
      this.skipped.add(id);
      this.results[id] = null;
      this.outputs.set(id, null);
      record.status = 'skipped';
      this.emit({ type: 'node-end', runId: this.runId, node: id, record, output: null });
      return undefined;
    }
    this.emit({ type: 'node-start', runId: this.runId, node: id });
    for (const key of Object.keys(node.policies)) {
      if (key === 'on_error') continue;
      this.emit({ type: 'warning', runId: this.runId, node: id, message: `'${key}' on node '${id}' is not applied by this version of the runtime.` });
    }
    const started = performance.now();
    record.attempts = 1;
    try {
      for (const c of incoming) {
        if (this.failed.has(c.from!.value)) throw new NodeFailure('WorkflowExecutionError', `Cannot use outputs from failed node '${c.from!.value}'`);
      }
      const runtimeInputs = { ...inputs, ...(await this.runParameters(node)) };
      const args = await this.prepare(node, spec, runtimeInputs);
      if (!spec.run) {
        throw new NodeFailure('NotImplementedError', `${spec.type} cannot run yet: this version of Kailash Workflows has no runtime for it (validation, completion and type checks work).`);
      }
      const output = await spec.run(args, { nodeId: id, signal: this.options.signal ?? new AbortController().signal, baseDir: this.baseDir(), roots: this.options.roots ?? [] });
      record.durationMs = round(performance.now() - started);
      this.outputs.set(id, output);
      this.results[id] = this.redactor.value(output);
      if (output && typeof output === 'object' && 'success' in output && !output.success) {
        // Kailash's content-aware detection: a node reporting `success: false` stops the run.
        const message = this.redactor.text(String(output.error ?? 'Operation failed (no error details provided)'));
        return this.fail(node, record, { type: 'ContentAwareExecutionError', message: `Node '${id}' reported failure: ${message}` }, true);
      }
      record.status = 'succeeded';
      this.emit({ type: 'node-end', runId: this.runId, node: id, record, output: this.results[id]! });
      return undefined;
    } catch (err) {
      record.durationMs = round(performance.now() - started);
      const e = err instanceof NodeFailure ? err : new NodeFailure('NodeExecutionError', `Node '${id}' execution failed: ${(err as Error)?.message ?? String(err)}`);
      const error = { type: e.type, message: this.redactor.text(e.message) };
      this.results[id] = { error: error.message, error_type: error.type, failed: true };
      return this.fail(node, record, error, this.mustStop(node));
    }
  }

  private fail(node: NodeModel, record: NodeRecord, error: { type: string; message: string }, stop: boolean) {
    record.status = 'failed';
    record.error = error;
    this.failed.add(node.id);
    this.emit({ type: 'node-end', runId: this.runId, node: node.id, record, output: this.results[node.id] ?? null });
    return stop && !onErrorContinue(node) ? error : undefined;
  }

  /** Kailash stops on a failure only when something depends on the node, or it is a SQL node. */
  private mustStop(node: NodeModel): boolean {
    return this.graph.successors.get(node.id)!.size > 0 || SQL_NODES.has(node.type!.value);
  }

  private baseDir(): string {
    return this.options.baseDir ?? process.cwd();
  }

  private connectionInputs(incoming: WorkflowModel['connections']) {
    const inputs: Record<string, unknown> = {};
    const connected = new Set<string>();
    for (const c of incoming) {
      connected.add(c.toInput.value);
      const raw = this.outputs.get(c.from!.value);
      const source: Record<string, unknown> = raw === null || raw === undefined ? { result: raw ?? null } : raw;
      const r = readPath(source, c.fromOutput.value);
      if (!r.found) continue;
      // A None never overwrites a value another connection already set.
      if ((r.value === null || r.value === undefined) && inputs[c.toInput.value] !== undefined && inputs[c.toInput.value] !== null) continue;
      inputs[c.toInput.value] = r.value ?? null;
    }
    return { inputs, connected };
  }

  /** SwitchNode routing (`route_data`): fed only by a switch or skipped nodes, with every input None. */
  private shouldSkip(incoming: WorkflowModel['connections'], connected: Set<string>): boolean {
    if (incoming.length === 0) return false;
    const conditional = incoming.some((c) => {
      const from = c.from!.value;
      return this.skipped.has(from) || this.model.nodesById.get(from)?.type?.value === 'SwitchNode';
    });
    if (!conditional) return false;
    const { inputs } = this.connectionInputs(incoming);
    return [...connected].every((k) => inputs[k] === null || inputs[k] === undefined);
  }

  /** Run parameters for a node: the file's `parameters` block (env and secret templates resolved) overridden by the caller's. */
  private async runParameters(node: NodeModel): Promise<Record<string, unknown>> {
    const fileParams = (await resolveTemplates(toPlain(this.model.parameters) ?? {}, this.scope(node, {}))) as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const source of [fileParams, this.options.parameters ?? {}]) {
      for (const [k, v] of Object.entries(source)) {
        if (this.model.nodesById.has(k) && v !== null && typeof v === 'object' && !Array.isArray(v)) {
          if (k === node.id) Object.assign(out, v);
        }
      }
    }
    return out;
  }

  private scope(node: NodeModel, inputs: Record<string, unknown>) {
    return { inputs, env: this.env, secrets: this.secrets, redactor: this.redactor, node: node.id };
  }

  /** Config < connections < run parameters, templates resolved, declared params coerced. */
  private async prepare(node: NodeModel, spec: NodeSpec, runtimeInputs: Record<string, unknown>): Promise<Record<string, unknown>> {
    const config = (toPlain(node.config) as Record<string, unknown> | undefined) ?? {};
    const resolvedConfig: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(config)) {
      resolvedConfig[k] = spec.params[k]?.raw ? v : await resolveTemplates(v, this.scope(node, runtimeInputs));
    }
    const merged: Record<string, unknown> = { ...resolvedConfig, ...runtimeInputs };
    const args: Record<string, unknown> = {};
    for (const [name, p] of Object.entries(spec.params)) {
      let value = merged[name];
      if (value === undefined) for (const alias of p.aliases ?? []) if (merged[alias] !== undefined) value = merged[alias];
      if (value === undefined) value = p.default;
      if (value === undefined) continue;
      args[name] = coerce(name, value, p);
    }
    if (spec.acceptsAnyInput) for (const [k, v] of Object.entries(merged)) if (!(k in args)) args[k] = v;
    for (const [name, p] of Object.entries(spec.params)) {
      if (p.required && (args[name] === undefined || args[name] === null)) {
        throw new NodeFailure('NodeValidationError', `Required parameter '${name}' not provided. Description: ${p.description}`);
      }
    }
    return args;
  }
}

function onErrorContinue(node: NodeModel): boolean {
  const v = node.policies.on_error?.value;
  return v?.kind === 'scalar' && v.value === 'continue';
}

function upstreamOf(g: WorkflowGraph, target: string): Set<string> {
  if (!g.predecessors.has(target)) throw new WorkflowInvalid(`No node '${target}' in this workflow.`);
  const seen = new Set<string>([target]);
  const stack = [target];
  while (stack.length) for (const p of g.predecessors.get(stack.pop()!)!) if (!seen.has(p)) stack.push(p), seen.add(p);
  return seen;
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}
