import { randomUUID } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import PQueue from 'p-queue';
import { getSpec } from '../catalog';
import type { CodeChainStep, NodeOutput, NodeSpec, ParamSpec, RunContext, RunServices } from '../catalog/types';
import { chainUnits } from './chains';
import { buildGraph, upstreamOf, type WorkflowGraph } from '../graph/graph';
import type { ConnectionModel, NodeModel, WorkflowModel } from '../model/types';
import { toValue } from '../model/values';
import { convergenceScope, convergenceChecks } from './convergence';
import { implementationOf, type NodeImplementation } from '../nodes/registry';
import { NodeFailure } from './errors';
import { explainFailure } from './explain';
import { evaluateExpression, truthy } from '../model/expression';
import { breakers, readPolicies, runWithPolicies, type NodePolicies } from './policies';
import { notPlain } from './plain';
import { preview } from './preview';
import { Redactor, type SecretProvider } from './secrets';
import { hasTemplates, resolveTemplates, type TemplateScope } from './templates';
import type { NodeError, NodeRecord, NodeStop, RunEvent, RunEventBody, RunOptions, RunResult } from './types';
import { checkRun, type RunCheck } from './run-parameters';
import { planUnits, type Unit } from './units';
import { coerce, readPath } from './values';
import { setOwn } from '../util/own';

const NO_PREVIOUS = new Map<string, NodeOutput | null>();
const NO_INPUTS: Record<string, unknown> = Object.freeze({}) as Record<string, unknown>;
const NO_NAMES: string[] = [];
const SQL_NODES = new Set(['SQLDatabaseNode', 'AsyncSQLDatabaseNode']);
/** Loops with only a convergence check still stop somewhere. */
const LOOP_SAFETY_LIMIT = 1000;

export interface RunEnvironment {
  secrets: SecretProvider;
  env: Record<string, string | undefined>;
  /** Creates the run's code workers and sub-workflow runner (owned by LocalRuntime). */
  services(run: { runId: string; baseDir: string; roots: string[]; signal: AbortSignal }): RunServices & { dispose(): Promise<void> };
}

/** `at`: in a chain, the index of the node that stopped the run. */
type Outcome = { stop?: NodeError & { node: string }; at?: number };

interface NodeStatic {
  policies: NodePolicies;
  config: Record<string, unknown>;
  /** Whether any config value holds a `${…}` template (else no resolution pass is needed). */
  templated: boolean;
  hasParameters: boolean;
}

/**
 * One execution of a workflow: Kailash's semantics (those of its `LocalRuntime`) with independent
 * units running concurrently, per-node policies, loops over cyclic edges, and live events.
 */
export class Run {
  readonly runId: string;
  private readonly redactor = new Redactor();
  private readonly graph: WorkflowGraph;
  private readonly records: Record<string, NodeRecord> = {};
  /** Real outputs for downstream nodes; `results` gets redacted copies. */
  private readonly outputs = new Map<string, NodeOutput | null>();
  private readonly results = new Map<string, NodeOutput | null>();
  private readonly skipped = new Set<string>();
  private readonly failed = new Set<string>();
  private readonly abort = this.makeAbort();
  private readonly baseDir: string;
  private services?: RunServices & { dispose(): Promise<void> };
  /** Connections into each node whose source exists, in file order. */
  private readonly incoming = new Map<string, ConnectionModel[]>();
  constructor(
    private readonly model: WorkflowModel,
    private readonly options: RunOptions,
    private readonly environment: RunEnvironment,
    private readonly check: RunCheck = checkRun(model, options),
  ) {
    this.runId = options.runId ?? randomUUID();
    this.listened = !options.onEvent ? undefined : options.events ? new Set(options.events) : 'all';
    this.graph = buildGraph(model);
    this.baseDir = options.baseDir ?? process.cwd();
    for (const c of model.connections) {
      if (!c.from || !c.to || !this.graph.successors.has(c.from.value) || !this.graph.successors.has(c.to.value)) continue;
      if (!c.cycle && c.from.value === c.to.value) continue;
      let list = this.incoming.get(c.to.value);
      if (!list) this.incoming.set(c.to.value, (list = []));
      list.push(c);
    }
    for (const secret of options.reuseSecrets ?? []) this.redactor.add(secret);
  }

  private readonly statics = new Map<string, NodeStatic>();

  /** What a node's run needs from the file, read once per run (loops and large runs reuse it). */
  private staticOf(node: NodeModel): NodeStatic {
    let st = this.statics.get(node.id);
    if (!st) {
      const config = (toValue(node.config) as Record<string, unknown> | undefined) ?? {};
      st = {
        policies: readPolicies(node),
        config,
        templated: hasTemplates(config),
        hasParameters: this.check.plan.has(node.id),
      };
      this.statics.set(node.id, st);
    }
    return st;
  }

  private makeAbort(): AbortController {
    const c = new AbortController();
    // Every in-flight node listens on the run's signal; many at once is normal, not a leak.
    setMaxListeners(0, c.signal);
    return c;
  }

  /** The event types the listener takes (`RunOptions.events`); none without a listener. */
  private readonly listened: ReadonlySet<string> | 'all' | undefined;

  /** Whether an event of `type` would reach a listener: else it is not built at all. */
  private listens(type: RunEvent['type']): boolean {
    return this.listened === 'all' || (this.listened !== undefined && this.listened.has(type));
  }

  private emit(e: RunEventBody): void {
    if (!this.listens(e.type)) return;
    // Every caller passes a fresh literal: it becomes the event rather than being copied.
    const event = e as RunEvent;
    event.runId = this.runId;
    event.time = Date.now();
    try {
      this.options.onEvent!(this.redactor.value(event));
    } catch {
      // A listener's bug must not break the run.
    }
  }

  async execute(): Promise<RunResult> {
    const started = performance.now();
    let units = planUnits(this.model, this.graph);
    if (this.options.to !== undefined) {
      const keep = upstreamOf(this.graph, this.model, this.options.to);
      units = units.filter((u) => u.nodes.some((n) => keep.has(n)));
    }
    const order = units.flatMap((u) => u.nodes);
    for (const id of order) this.records[id] = { status: 'not-run', durationMs: 0, attempts: 0 };
    if (this.chaining())
      units = chainUnits(
        units,
        (id) => this.canChain(id),
        (from, to) => this.links(from, to),
      );
    const outer = this.options.signal;
    const onCancel = () => this.abort.abort(new NodeFailure('WorkflowCancelledError', 'Workflow cancelled'));
    if (outer?.aborted) onCancel();
    outer?.addEventListener('abort', onCancel, { once: true });
    const unlisten = breakers.listen((key, state) => this.emit({ type: 'breaker', key, state }));
    this.emit({ type: 'run-start', order });
    for (const message of this.check.warnings) this.emit({ type: 'warning', message });
    let stop: Outcome['stop'];
    try {
      stop = await this.schedule(units);
    } finally {
      outer?.removeEventListener('abort', onCancel);
      unlisten();
      await this.services?.dispose();
    }
    const cancelled = outer?.aborted === true;
    for (const id of order) if (cancelled && this.records[id]!.status === 'not-run') this.records[id]!.status = 'cancelled';
    const untolerated = [...this.failed].find((id) => readPolicies(this.node(id)).onError !== 'continue');
    const status = cancelled ? 'cancelled' : stop || untolerated ? 'failed' : 'succeeded';
    const results: Record<string, NodeOutput | null> = {};
    for (const id of order) if (this.results.has(id)) setOwn(results, id, this.results.get(id)!);
    const result: RunResult = { runId: this.runId, status, durationMs: round(performance.now() - started), results, nodes: this.records };
    if (cancelled) result.error = { type: 'WorkflowCancelledError', message: 'Workflow cancelled' };
    else if (stop) result.error = stop;
    else if (untolerated) result.error = { ...this.records[untolerated]!.error!, node: untolerated };
    this.options.keepOutputs?.(Object.fromEntries(this.outputs), this.redactor.values());
    this.emit({ type: 'run-end', result });
    return result;
  }

  private node(id: string): NodeModel {
    return this.model.nodesById.get(id)!;
  }

  /** Starts units as their dependencies finish, up to `maxConcurrency` at once, in Kailash order. */
  private async schedule(units: Unit[]): Promise<Outcome['stop']> {
    const queue = new PQueue({ concurrency: Math.max(1, this.options.maxConcurrency ?? 10) });
    // A unit's rank is its first node's place in Kailash's order (a chain spans its nodes' places).
    const rank = new Map<Unit, number>();
    let place = 0;
    for (const u of units) {
      rank.set(u, place);
      place += u.chain ? u.nodes.length : 1;
    }
    const waiting = new Map(units.map((u) => [u, new Set([...u.after].filter((a) => rank.has(a)))]));
    const dependents = new Map<Unit, Unit[]>(units.map((u) => [u, []]));
    for (const u of units) for (const a of waiting.get(u)!) dependents.get(a)!.push(u);
    let stop: Outcome['stop'];
    // Kailash runs one node at a time in this order, so a failure at rank r means every node
    // before r ran and none after it did. Concurrently, that becomes: units before the stopping
    // one still start, units after it do not, and units already running are never interrupted
    // (they finish and are recorded as they end), so a sibling's status does not depend on
    // whether it happened to end before the failure.
    let stopRank = Infinity;
    return new Promise((resolve, reject) => {
      let pending = units.length;
      if (pending === 0) resolve(undefined);
      const start = (u: Unit) => {
        queue
          .add(async () => {
            if (rank.get(u)! > stopRank || this.abort.signal.aborted) return;
            const outcome = await this.runUnit(u, (at) => rank.get(u)! + at > stopRank);
            const at = rank.get(u)! + (outcome.at ?? 0);
            if (outcome.stop && at < stopRank) {
              stopRank = at;
              stop = outcome.stop;
            }
          })
          .then(() => {
            pending--;
            const ready = dependents.get(u)!.filter((d) => {
              const w = waiting.get(d)!;
              w.delete(u);
              return w.size === 0;
            });
            for (const d of ready.sort((a, b) => rank.get(a)! - rank.get(b)!)) start(d);
            if (pending === 0) resolve(stop);
          }, reject);
      };
      for (const u of units) if (waiting.get(u)!.size === 0) start(u);
    });
  }

  /** `stopped(i)`: whether the run stopped before a chain's node `i` may start. */
  private async runUnit(u: Unit, stopped: (i: number) => boolean): Promise<Outcome> {
    if (u.chain) return this.runChain(u.nodes, stopped);
    if (u.cycleEdges.length === 0) return this.runNode(this.node(u.nodes[0]!), new Map());
    return this.runLoop(u);
  }

  /** Chains of PythonCodeNodes go to the worker as one request unless switched off (tests, benches). */
  private chaining(): boolean {
    return !this.options.beforeNode && this.options.chain !== false && process.env.KAILASH_CHAIN !== '0';
  }

  /** A node that may be in a chain: a chain-capable code node with no policy of its own, not reused. */
  private canChain(id: string): boolean {
    const node = this.node(id);
    if (!implementationOf(node.type!.value)?.chainStep) return false;
    if (this.options.reuse && Object.hasOwn(this.options.reuse, id)) return false;
    const p = this.staticOf(node).policies;
    return !p.retry && p.timeoutMs === undefined && !p.breaker && !p.rateLimit && p.onError === 'stop';
  }

  /**
   * Whether `to` may follow `from` in a chain: `from` feeds `to` alone and nothing else, by plain
   * output keys into variables (not the node's own settings), and `to` needs no template
   * resolved with its inputs. Its run parameters, known before the chain starts, are allowed.
   */
  private links(from: string, to: string): boolean {
    const out = this.graph.successors.get(from)!;
    const into = this.graph.predecessors.get(to)!;
    if (out.size !== 1 || !out.has(to) || into.size !== 1 || !into.has(from)) return false;
    const node = this.node(to);
    if (this.staticOf(node).templated) return false;
    const spec = getSpec(node.type!.value)!;
    const incoming = this.incoming.get(to) ?? [];
    return (
      incoming.length > 0 &&
      incoming.every(
        (c) => !c.cycle && c.from!.value === from && !c.fromOutput.value.includes('.') && !settingsOf(spec).has(c.toInput.value),
      )
    );
  }

  /**
   * A chain (chains.ts) as one request to the worker: the head's inputs resolved as any node's,
   * each later node's arguments made before the chain starts, without what the node before
   * feeds it (the worker applies those connections); each node recorded and reported as its
   * line arrives, through the same steps as a node run alone. What cannot go on in the chain
   * (a node whose arguments cannot be made, a `success` only Python judges falsy) runs in turn.
   */
  private async runChain(ids: string[], stopped: (i: number) => boolean): Promise<Outcome> {
    const nodes = ids.map((id) => this.node(id));
    const worker = this.runServices().python();
    if (!worker.runChain) return this.inTurn(nodes, 0, {}, stopped);
    const head = await this.begin(nodes[0]!, new Map(), []);
    if ('done' in head) return this.inTurn(nodes, 1, head.done, stopped);
    const chainStep = implementationOf(nodes[0]!.type!.value)!.chainStep!;
    const steps: CodeChainStep[] = [];
    const made: { args: Record<string, unknown>; params?: Record<string, unknown>; spec: NodeSpec; policies: NodePolicies }[] = [];
    try {
      steps.push({ ...chainStep(head.args, ids[0]!), connections: [], fixed: [] });
      made.push({ args: head.args, spec: head.spec, policies: head.policies });
    } catch (err) {
      return this.inTurn(nodes, 1, this.threw(nodes[0]!, head.policies, err, round(performance.now() - head.started)), stopped);
    }
    for (let i = 1; i < nodes.length; i++) {
      const node = nodes[i]!;
      const spec = getSpec(node.type!.value)!;
      try {
        const st = this.staticOf(node);
        const params = st.hasParameters ? await this.runParameters(node) : undefined;
        // A chain's later nodes have no templates (`links`): nothing to wait for.
        const args = st.templated ? await this.prepare(node, spec, params ?? {}) : argumentsOf(spec, st.config, params ?? NO_INPUTS);
        const connections = this.incoming.get(node.id)!.map((c): [string, string] => [c.fromOutput.value, c.toInput.value]);
        const step = chainStep(args, node.id) as CodeChainStep;
        step.connections = connections;
        step.fixed = params ? Object.keys(params) : NO_NAMES;
        steps.push(step);
        made.push({ args, spec, policies: this.policiesOf(node), ...(params ? { params } : {}) });
      } catch {
        // Its connections cannot cure this: it fails the same way when it runs in turn, after the chain.
        break;
      }
    }
    const local = new AbortController();
    const onAbort = () => local.abort(this.abort.signal.reason);
    this.abort.signal.addEventListener('abort', onAbort, { once: true });
    let ended = 0;
    let result: Outcome | undefined;
    let since = performance.now();
    try {
      await worker.runChain(steps, {
        signal: local.signal,
        ...(this.options.defaultTimeoutMs ? { timeoutMs: this.options.defaultTimeoutMs } : {}),
        log: (i, line) => this.emit({ type: 'node-log', node: ids[i]!, message: line }),
        onStep: (i, outcome, ms, end) => {
          ended = i + 1;
          since = performance.now();
          const node = nodes[i]!;
          const { policies } = made[i]!;
          let o: Outcome;
          try {
            o =
              'output' in outcome
                ? this.succeeded(node, policies, outcome.output, 1, round(ms), true)
                : this.threw(node, policies, outcome.error, round(ms));
          } catch (err) {
            o = this.threw(node, policies, err, round(ms));
          }
          const next = i + 1;
          if (o.stop || this.failed.has(node.id) || (next < steps.length && stopped(next))) {
            result = { ...o, at: i };
            // The worker goes on only when Python thought the node fine: it is stopped.
            if (!end) local.abort(new NodeFailure('WorkflowCancelledError', 'The chain stopped'));
            return;
          }
          if (next < steps.length) {
            const n = nodes[next]!;
            this.skipped.delete(n.id);
            this.announce(n, made[next]!.spec, this.wantsInputs() ? this.chainedArgs(n, made[next]!) : undefined);
          }
        },
      });
    } catch (err) {
      if (!result && ended < steps.length) {
        // Stopped under node `ended`: its timeout, the run's cancellation, the worker's death.
        const o = this.threw(nodes[ended]!, made[ended]!.policies, err, round(performance.now() - since));
        return { ...o, at: ended };
      }
    } finally {
      this.abort.signal.removeEventListener('abort', onAbort);
    }
    if (result) return result;
    return this.inTurn(nodes, ended, {}, stopped);
  }

  /** What a chain's node is called with, as `prepare` would make it with its connections. */
  private chainedArgs(node: NodeModel, made: { args: Record<string, unknown>; params?: Record<string, unknown> }): Record<string, unknown> {
    const { inputs } = this.connectionInputs(this.incoming.get(node.id)!, NO_PREVIOUS);
    const args = { ...made.args };
    for (const [k, v] of Object.entries(inputs)) if (!made.params || !Object.hasOwn(made.params, k)) setOwn(args, k, v);
    return args;
  }

  /** The rest of a chain, from node `from`, one node at a time, after `outcome` of the node before. */
  private async inTurn(nodes: NodeModel[], from: number, outcome: Outcome, stopped: (i: number) => boolean): Promise<Outcome> {
    if (outcome.stop) return { ...outcome, at: from - 1 };
    for (let i = from; i < nodes.length; i++) {
      if (this.abort.signal.aborted || stopped(i)) return {};
      const o = await this.runNode(nodes[i]!, new Map());
      if (o.stop) return { ...o, at: i };
    }
    return {};
  }

  /** Kailash's cyclic executor: passes over the loop's nodes until max_iterations or convergence. */
  private async runLoop(u: Unit): Promise<Outcome> {
    const maxIterations = Math.min(
      ...u.cycleEdges.map((c) => (typeof c.maxIterations?.value === 'number' ? c.maxIterations.value : LOOP_SAFETY_LIMIT)),
    );
    const checks = convergenceChecks(u.cycleEdges);
    const history: Record<string, unknown>[] = [];
    const started = performance.now();
    let previous = new Map<string, NodeOutput | null>();
    for (let iteration = 1; iteration <= maxIterations; iteration++) {
      for (const id of u.nodes) {
        const outcome = await this.runNode(this.node(id), previous, u.cycleEdges);
        this.records[id]!.iterations = iteration;
        if (outcome.stop || this.failed.has(id)) return outcome;
      }
      previous = new Map(u.nodes.map((id) => [id, this.outputs.get(id) ?? null]));
      const scope = convergenceScope(u.nodes, this.outputs, iteration, history, (performance.now() - started) / 1000);
      history.push(Object.fromEntries(u.nodes.map((id) => [id, this.outputs.get(id) ?? null])));
      let converged = false;
      for (const check of checks) {
        try {
          if (truthy(evaluateExpression(check.expression, scope))) converged = true;
        } catch (err) {
          // Kailash ends a loop whose check cannot be evaluated (fail-safe), and so do we, loudly.
          this.emit({
            type: 'warning',
            node: u.nodes[0]!,
            message: `convergence_check '${check.source}' failed at iteration ${iteration}: ${(err as Error).message}; the loop stops.`,
          });
          converged = true;
        }
      }
      if (converged) break;
    }
    return {};
  }

  /** Runs one node; returns a stop when the run must end. */
  private async runNode(node: NodeModel, previous: Map<string, NodeOutput | null>, cycleEdges: ConnectionModel[] = []): Promise<Outcome> {
    const begun = await this.begin(node, previous, cycleEdges);
    if ('done' in begun) return begun.done;
    const { args, policies, spec } = begun;
    const id = node.id;
    try {
      const implementation = implementationOf(spec.type);
      if (!implementation) {
        throw new NodeFailure(
          'NotImplementedError',
          `${spec.type} cannot run yet: this version of Kailash Workflows has no runtime for it (validation, completion and type checks work).`,
        );
      }
      const { run } = implementation;
      const target = safeTarget(implementation, args);
      const keys = {
        breaker: policies.breaker?.key === 'node' || !target ? `${spec.type}:${target ?? id}` : target,
        limit: target ?? `${spec.type}:${id}`,
      };
      const { output, attempts } = await runWithPolicies(
        policies,
        keys,
        this.abort.signal,
        {
          onRetry: (attempt, delayMs, cause) =>
            this.emit({ type: 'node-retry', node: id, attempt, delayMs, cause: this.redactor.text(cause) }),
        },
        (signal, attempt) => run(args, this.context(id, signal, attempt)),
      );
      return this.succeeded(node, policies, output, attempts, round(performance.now() - begun.started));
    } catch (err) {
      return this.threw(node, policies, err, round(performance.now() - begun.started));
    }
  }

  /**
   * A node up to the call of its implementation: reused, skipped, or its inputs resolved and
   * announced (`node-start`) and passed through `beforeNode`; a failure on the way is recorded.
   */
  private async begin(
    node: NodeModel,
    previous: Map<string, NodeOutput | null>,
    cycleEdges: ConnectionModel[],
  ): Promise<{ done: Outcome } | { args: Record<string, unknown>; policies: NodePolicies; spec: NodeSpec; started: number }> {
    const id = node.id;
    const spec = getSpec(node.type!.value)!;
    const record = this.records[id]!;
    if (this.options.reuse && Object.prototype.hasOwnProperty.call(this.options.reuse, id)) return { done: this.reuse(node, record) };
    const policies = this.policiesOf(node);
    const incoming = (this.incoming.get(id) ?? []).filter((c) => !c.cycle || cycleEdges.includes(c));
    const { inputs, loopInputs, connected, fromSwitch } = this.connectionInputs(incoming, previous);
    if (fromSwitch && [...connected].every((k) => inputs[k] === null || inputs[k] === undefined)) {
      // Kailash's `route_data` mode: fed only None by a switch (or a skipped node), the node is skipped.
      this.skipped.add(id);
      this.setResult(id, null);
      record.status = 'skipped';
      this.emit({ type: 'node-skip', node: id, record });
      return { done: {} };
    }
    this.skipped.delete(id);
    let started = performance.now();
    try {
      for (const c of incoming) {
        if (this.failed.has(c.from!.value))
          throw new NodeFailure('WorkflowExecutionError', `Cannot use outputs from failed node '${c.from!.value}'`);
      }
      // Run parameters seed a loop; from the second pass on, the back edges carry the values.
      const params = this.staticOf(node).hasParameters ? await this.runParameters(node) : undefined;
      const runtimeInputs = params ? { ...inputs, ...params, ...loopInputs } : { ...inputs, ...loopInputs };
      let args = await this.prepare(node, spec, runtimeInputs);
      this.announce(node, spec, args);
      if (this.options.beforeNode) {
        const paused = performance.now();
        args = await this.beforeNode(node, args, cycleEdges.length > 0);
        // Time spent paused in a debugger is not the node's.
        started += performance.now() - paused;
      }
      return { args, policies, spec, started };
    } catch (err) {
      // A node failing before its inputs are known is announced bare.
      this.announce(node, spec);
      return { done: this.threw(node, policies, err, round(performance.now() - started)) };
    }
  }

  private readonly announced = new Set<string>();

  /** `node-start`, once per run of the node, with what it is called with once that is known. */
  private announce(node: NodeModel, spec: NodeSpec, args?: Record<string, unknown>): void {
    if (!this.listens('node-start') || this.announced.has(node.id)) return;
    this.announced.add(node.id);
    const p = args && this.wantsInputs() ? preview(maskCredentials(args, spec)) : undefined;
    this.emit({ type: 'node-start', node: node.id, ...(p ? { inputs: p.value, inputsTruncated: p.truncated } : {}) });
  }

  private wantsInputs(): boolean {
    return this.options.inputPreviews !== false && this.listens('node-start');
  }

  private policiesOf(node: NodeModel): NodePolicies {
    const policies = { ...this.staticOf(node).policies };
    if (policies.timeoutMs === undefined && this.options.defaultTimeoutMs) policies.timeoutMs = this.options.defaultTimeoutMs;
    return policies;
  }

  /**
   * A node's implementation returned `output`: checked, kept, and reported (or its `success:
   * false` judged). `parsed`: the output was read from a worker's JSON, so it is plain data.
   */
  private succeeded(
    node: NodeModel,
    policies: NodePolicies,
    output: NodeOutput,
    attempts: number,
    durationMs: number,
    parsed = false,
  ): Outcome {
    const id = node.id;
    const record = this.records[id]!;
    this.announced.delete(id);
    record.attempts = attempts;
    record.durationMs = durationMs;
    if (!output || typeof output !== 'object' || Array.isArray(output)) {
      throw new NodeFailure(
        'NodeValidationError',
        `Node outputs must be a dictionary, got ${Array.isArray(output) ? 'list' : typeof output}`,
      );
    }
    const bad = parsed ? undefined : notPlain(output);
    if (bad)
      throw new NodeFailure(
        'NodeExecutionError',
        `Node '${id}' returned an output that is not plain data (${bad}); this is a bug in ${node.type!.value}, please report it.`,
      );
    this.outputs.set(id, output);
    this.setResult(id, output);
    // Kailash's content-aware detection: `success: false` stops the run.
    if ('success' in output && !output.success) return this.reportedFailure(node, policies, output);
    this.failed.delete(id);
    record.status = 'succeeded';
    if (record.error !== undefined) delete record.error;
    if (this.listens('node-output')) {
      const p = preview(this.results.get(id));
      this.emit({ type: 'node-output', node: id, record, preview: p.value, truncated: p.truncated });
    }
    return {};
  }

  /** A node's run threw `err` (or its worker reported an error): a cancellation, or its failure. */
  private threw(node: NodeModel, policies: NodePolicies, err: unknown, durationMs: number): Outcome {
    const id = node.id;
    const record = this.records[id]!;
    this.announced.delete(id);
    record.durationMs = durationMs;
    if (record.attempts === 0) record.attempts = 1;
    if (this.abort.signal.aborted && (this.options.signal?.aborted || isCancellation(err))) {
      record.status = 'cancelled';
      return {};
    }
    const e = toFailure(err, id);
    const error: NodeError = { type: e.type, message: this.redactor.text(e.message), ...(e.param ? { param: e.param } : {}) };
    this.outputs.set(id, null);
    this.setResult(id, { error: error.message, error_type: error.type, failed: true });
    return this.fail(node, policies, error, this.mustStop(node), true);
  }

  /** The `beforeNode` hook (a debugger): waited for, unless the run is cancelled meanwhile. */
  private async beforeNode(node: NodeModel, args: Record<string, unknown>, inLoop: boolean): Promise<Record<string, unknown>> {
    const stop: NodeStop = {
      node: node.id,
      model: this.model,
      callers: [],
      inputs: args,
      outputs: Object.fromEntries(this.results),
      redact: (v) => this.redactor.value(v),
      ...(inLoop ? { iteration: (this.records[node.id]!.iterations ?? 0) + 1 } : {}),
    };
    const signal = this.abort.signal;
    const answer = await new Promise<Awaited<ReturnType<NonNullable<RunOptions['beforeNode']>>>>((resolve, reject) => {
      const onAbort = () => reject(signal.reason);
      if (signal.aborted) return onAbort();
      signal.addEventListener('abort', onAbort, { once: true });
      this.options.beforeNode!(stop)
        .then(resolve, reject)
        .finally(() => signal.removeEventListener('abort', onAbort));
    });
    return answer?.inputs ?? args;
  }

  /** A node that answered `success: false` (Kailash's ContentAwareExecutionError). */
  private reportedFailure(node: NodeModel, policies: NodePolicies, output: NodeOutput): Outcome {
    const message = this.redactor.text(String(output.error ?? 'Operation failed (no error details provided)'));
    return this.fail(
      node,
      policies,
      { type: 'ContentAwareExecutionError', message: `Node '${node.id}' reported failure: ${message}` },
      true,
      false,
    );
  }

  private reuse(node: NodeModel, record: NodeRecord): Outcome {
    const id = node.id;
    const output = this.options.reuse![id] ?? null;
    this.outputs.set(id, output);
    this.setResult(id, output);
    record.reused = true;
    // A test's pin stands for what the node returned: `success: false` fails it as it would have.
    if (this.options.reusedAsReturned && output && 'success' in output && !output.success)
      return this.reportedFailure(node, this.staticOf(node).policies, output);
    if (output === null) {
      this.skipped.add(id);
      record.status = 'skipped';
      this.emit({ type: 'node-skip', node: id, record });
    } else {
      record.status = 'succeeded';
      const p = preview(this.results.get(id));
      this.emit({ type: 'node-output', node: id, record, preview: p.value, truncated: p.truncated });
    }
    return {};
  }

  private setResult(id: string, output: NodeOutput | null): void {
    this.results.set(id, this.redactor.value(output));
  }

  private fail(node: NodeModel, policies: NodePolicies, raw: NodeError, stop: boolean, threw: boolean): Outcome {
    const record = this.records[node.id]!;
    const spec = getSpec(node.type!.value)!;
    const error = explainFailure(raw, {
      nodeType: spec.type,
      params: spec.params,
      configured: new Set(Object.keys(this.staticOf(node).config)),
    });
    record.status = 'failed';
    record.error = error;
    if (threw || policies.onError !== 'continue') this.failed.add(node.id);
    this.emit({ type: 'node-error', node: node.id, record, error });
    return stop && policies.onError !== 'continue' ? { stop: { ...error, node: node.id } } : {};
  }

  /** Kailash stops on a failure only when something depends on the node, or it is a SQL node. */
  private mustStop(node: NodeModel): boolean {
    return this.graph.successors.get(node.id)!.size > 0 || SQL_NODES.has(node.type!.value);
  }

  private context(nodeId: string, signal: AbortSignal, attempt: number): RunContext {
    return {
      runId: this.runId,
      nodeId,
      signal,
      attempt,
      // Each loop pass is its own execution, so it gets its own key.
      idempotencyKey: `${this.runId}:${nodeId}${(this.records[nodeId]?.iterations ?? 0) > 0 ? `#${this.records[nodeId]!.iterations! + 1}` : ''}:${attempt}`,
      baseDir: this.baseDir,
      roots: this.options.roots ?? [],
      services: this.runServices(),
      log: (message) => this.emit({ type: 'node-log', node: nodeId, message }),
    };
  }

  private runServices(): RunServices {
    this.services ??= this.environment.services({
      runId: this.runId,
      baseDir: this.baseDir,
      roots: this.options.roots ?? [],
      signal: this.abort.signal,
    });
    return this.services;
  }

  /** Connection values for a node: dotted paths, and a None never overwrites a set value. */
  private connectionInputs(incoming: ConnectionModel[], previous: Map<string, NodeOutput | null>) {
    const inputs: Record<string, unknown> = {};
    const loopInputs: Record<string, unknown> = {};
    const connected = new Set<string>();
    let fromSwitch = false;
    for (const c of incoming) {
      const from = c.from!.value;
      if (c.cycle) {
        // A loop's back edge carries the previous pass's output; on the first pass, nothing.
        if (!previous.has(from)) continue;
      } else {
        connected.add(c.toInput.value);
        if (this.skipped.has(from) || this.node(from).type?.value === 'SwitchNode') fromSwitch = true;
      }
      const raw = c.cycle ? previous.get(from) : this.outputs.get(from);
      const source: Record<string, unknown> = raw === null || raw === undefined ? { result: null } : raw;
      const r = readPath(source, c.fromOutput.value);
      if (!r.found) continue;
      const into = c.cycle ? loopInputs : inputs;
      const current = into[c.toInput.value];
      if ((r.value === null || r.value === undefined) && current !== undefined && current !== null) continue;
      into[c.toInput.value] = r.value ?? null;
    }
    return { inputs, loopInputs, connected, fromSwitch };
  }

  private scope(node: NodeModel, inputs: Record<string, unknown>): TemplateScope {
    return { inputs, env: this.environment.env, secrets: this.environment.secrets, redactor: this.redactor, node: node.id };
  }

  /** The run parameters this node receives (see ParameterPlan); the file's get env and secret templates resolved. */
  private async runParameters(node: NodeModel): Promise<Record<string, unknown>> {
    const { file, run } = this.check.plan.forNode(node.id);
    const resolved = Object.keys(file).length ? ((await resolveTemplates(file, this.scope(node, {}))) as Record<string, unknown>) : {};
    return { ...resolved, ...run };
  }

  /** Config < connections < run parameters; templates resolved; declared params defaulted and coerced. */
  private async prepare(node: NodeModel, spec: NodeSpec, runtimeInputs: Record<string, unknown>): Promise<Record<string, unknown>> {
    const { config, templated } = this.staticOf(node);
    if (!templated) return argumentsOf(spec, config, runtimeInputs);
    const resolved: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(config))
      setOwn(resolved, k, spec.params[k]?.raw ? v : await resolveTemplates(v, this.scope(node, runtimeInputs)));
    return argumentsOf(spec, resolved, runtimeInputs);
  }
}

/** A node type's declared parameters, listed once per type (every node of a run walks them). */
interface ParamList {
  names: string[];
  params: ParamSpec[];
  required: string[];
}

const paramLists = new WeakMap<NodeSpec, ParamList>();

function paramList(spec: NodeSpec): ParamList {
  let list = paramLists.get(spec);
  if (!list) {
    const names = Object.keys(spec.params);
    list = { names, params: names.map((n) => spec.params[n]!), required: names.filter((n) => spec.params[n]!.required) };
    paramLists.set(spec, list);
  }
  return list;
}

/**
 * `prepare` once templates are resolved: config < inputs, declared params defaulted, coerced and
 * required. Indexed loops: it runs once per node, mostly before the JIT has compiled it.
 */
function argumentsOf(spec: NodeSpec, resolved: Record<string, unknown>, runtimeInputs: Record<string, unknown>): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...resolved, ...runtimeInputs };
  const args: Record<string, unknown> = {};
  const { names, params, required } = paramList(spec);
  for (let i = 0; i < names.length; i++) {
    const name = names[i]!;
    const p = params[i]!;
    let value = p.configOnly ? resolved[name] : merged[name];
    if (value === undefined && p.aliases) for (const alias of p.aliases) if (merged[alias] !== undefined) value = merged[alias];
    if (value === undefined) value = p.default;
    if (value === undefined) continue;
    args[name] = coerce(name, value, p);
  }
  if (spec.acceptsAnyInput) for (const k in merged) if (Object.hasOwn(merged, k) && !(k in args)) setOwn(args, k, merged[k]);
  for (let i = 0; i < required.length; i++) {
    const name = required[i]!;
    if (args[name] === undefined || args[name] === null) {
      throw new NodeFailure(
        'NodeValidationError',
        `Required parameter '${name}' not provided. Description: ${spec.params[name]!.description}`,
      );
    }
  }
  for (const group of spec.requireOneOf ?? []) {
    if (!group.some((g) => args[g] !== undefined && args[g] !== null)) {
      throw new NodeFailure('NodeValidationError', `One of ${group.map((g) => `'${g}'`).join(', ')} must be provided.`);
    }
  }
  return args;
}

const settings = new WeakMap<NodeSpec, Set<string>>();

/** A node type's own settings, by name and alias: what a connection into a variable must not be. */
function settingsOf(spec: NodeSpec): Set<string> {
  let names = settings.get(spec);
  if (!names) {
    names = new Set(Object.entries(spec.params).flatMap(([k, p]) => [k, ...(p.aliases ?? [])]));
    settings.set(spec, names);
  }
  return names;
}

function safeTarget(implementation: NodeImplementation, args: Record<string, unknown>): string | undefined {
  try {
    return implementation.target?.(args);
  } catch {
    return undefined;
  }
}

function isCancellation(err: unknown): boolean {
  return (
    (err instanceof NodeFailure && err.type === 'WorkflowCancelledError') ||
    (err as Error)?.name === 'TaskCancelledError' ||
    (err as Error)?.name === 'AbortError'
  );
}

function toFailure(err: unknown, id: string): NodeFailure {
  if (err instanceof NodeFailure) {
    if (err.type === 'TimeoutError') return new NodeFailure('TimeoutError', `Node '${id}' ${err.message}`);
    return err;
  }
  return new NodeFailure('NodeExecutionError', `Node '${id}' execution failed: ${(err as Error)?.message ?? String(err)}`);
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}

/**
 * What the panel shows a node received: a parameter that holds a credential (a Slack webhook URL,
 * a token) is masked even when written in the file, where the redactor knows no secret to match.
 */
function maskCredentials(args: Record<string, unknown>, spec: NodeSpec): Record<string, unknown> {
  let out: Record<string, unknown> | undefined;
  for (const [k, v] of Object.entries(args))
    if (v !== null && v !== undefined && Object.hasOwn(spec.params, k) && spec.params[k]!.secret) (out ??= { ...args })[k] = '***';
  return out ?? args;
}
