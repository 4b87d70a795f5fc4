import { randomUUID } from 'node:crypto';
import { readFileSync, realpathSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import {
  DebugSession,
  Event,
  ExitedEvent,
  InitializedEvent,
  OutputEvent,
  Scope,
  Source,
  StackFrame,
  StoppedEvent,
  TerminatedEvent,
  Thread,
} from '@vscode/debugadapter';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { getSpec } from '../../runtime/catalog';
import type { NodeOutput } from '../../runtime/catalog/types';
import { collectParams } from '../../runtime/cli/run';
import { WorkflowInvalid } from '../../runtime/engine/errors';
import { prepareRun, type LocalRuntime } from '../../runtime/engine/local';
import type { NodeStop, RunEvent, RunOptions, RunParameters, RunResult } from '../../runtime/engine/types';
import { coerce, typeOf } from '../../runtime/engine/values';
import { buildGraph } from '../../runtime/graph/graph';
import { truthy } from '../../runtime/model/expression';
import { parseWorkflowFile } from '../../runtime/model/load';
import type { TestCase } from '../../runtime/testing/format';
import { prepareCase, reportCase } from '../../runtime/testing/runner';
import type { WorkflowModel } from '../../runtime/model/types';
import { toPlain } from '../../runtime/model/values';
import { TEST_CASE_EVENT, type TestCaseReport } from '../common/protocol';
import { Breakpoints, hitMatches } from './breakpoints';
import { display, evaluate, interpolate, parseEdit, scopeOf } from './expressions';
import { nodeLines } from './lines';
import { setAt, VariableStore } from './variables';

/** A `kailash` launch configuration (package.json's `configurationAttributes` documents each). */
export interface LaunchArguments extends DebugProtocol.LaunchRequestArguments {
  program?: string;
  /** Another name for `program`. */
  file?: string;
  parameters?: RunParameters;
  paramsFile?: string;
  envFile?: string;
  stopOnEntry?: boolean;
  pythonPath?: string;
  /** Seconds, for nodes without a `timeout` of their own. */
  defaultTimeout?: number;
  /** The editor sends runs to a worker queue; a debug session still runs here. */
  workerMode?: boolean;
  /** Outputs used instead of running these nodes, as a test's pins (the engine's `reuse`, taken as returned). */
  pins?: Record<string, NodeOutput | null>;
  /** Variables over the process env (and `envFile`), as a test file's `env`. */
  env?: Record<string, string>;
  /**
   * Debug one case of a workflow test file: its workflow, parameters, pins and env (the other
   * attributes add to them); its assertions are checked when the run ends and sent as a
   * `kailashTestCase` event. `text` is the test file's (unsaved) text, else it is read.
   */
  test?: { file: string; case: string; text?: string };
}

/** What the session needs from the process it lives in (the run host, or a test). */
export interface DebugHost {
  runtime(launch: LaunchArguments): LocalRuntime;
  /** A run of the session started (each restart is a new run): the run panel follows it. */
  runStarted?(run: { runId: string; file: string; label: string; cancel: () => void }): void;
  runEvent?(runId: string, event: RunEvent): void;
  /** The run waits before `node` (inside the WorkflowNodes `callers`), or (no node) goes on: the run panel shows it. */
  runPaused?(runId: string, node?: string, callers?: string[]): void;
  runEnded?(runId: string, outcome: RunResult | { invalid: string }): void;
}

const THREAD = 1;

type Mode = { kind: 'continue' | 'entry' | 'in' | 'pause' } | { kind: 'next' | 'out'; depth: number };
type Resume = 'continue' | 'next' | 'stepIn' | 'stepOut' | 'cancel';

interface Frame {
  id: number;
  /** Node ids from the top-level workflow down to this frame's node. */
  chain: string[];
  name: string;
  file?: string;
  line: number;
  inputs: () => unknown;
  editable: boolean;
  config: unknown;
  outputs: Record<string, NodeOutput | null>;
}

interface Paused {
  stop: NodeStop;
  /** The inputs the node will run with; edits land here. Never sent out unredacted. */
  inputs: Record<string, unknown>;
  edited: boolean;
  frames: Frame[];
  resume: (how: Resume) => void;
}

interface ActiveRun {
  runId: string;
  controller: AbortController;
  done: Promise<void>;
  kept?: { outputs: Record<string, NodeOutput | null>; secrets: string[] };
}

/**
 * The `kailash` debug adapter: runs a workflow with the engine's `beforeNode` hook and speaks
 * DAP. Threads are one (the run, sequential while debugged); a stack frame is a node, with the
 * WorkflowNodes it runs inside below it. Everything shown is redacted by the run's redactor.
 */
export class KailashDebugSession extends DebugSession {
  private launch?: LaunchArguments & { program: string };
  private configured!: () => void;
  private readonly configurationDone = new Promise<void>((r) => (this.configured = r));
  private readonly breakpoints = new Breakpoints();
  private readonly variables = new VariableStore();
  private mode: Mode = { kind: 'continue' };
  private paused?: Paused;
  private run?: ActiveRun;
  /** What follows the current run's end, when it was stopped to restart. */
  private after?: 'restart' | { chain: string[] };
  private stopAt?: string[];
  /** The last stop of each node (by chain), for the frames of the WorkflowNodes a node runs in. */
  private readonly seen = new Map<string, { stop: NodeStop; file?: string }>();
  private ending = false;
  /** The test case this session debugs, checked at the end of each run. */
  private testCase?: TestCase;

  constructor(private readonly host: DebugHost) {
    super();
    this.setDebuggerLinesStartAt1(false);
    this.setDebuggerColumnsStartAt1(false);
  }

  protected override initializeRequest(response: DebugProtocol.InitializeResponse): void {
    response.body = {
      supportsConfigurationDoneRequest: true,
      supportsConditionalBreakpoints: true,
      supportsHitConditionalBreakpoints: true,
      supportsLogPoints: true,
      supportsSetVariable: true,
      supportsEvaluateForHovers: true,
      supportsRestartRequest: true,
      supportsRestartFrame: true,
      supportsTerminateRequest: true,
      supportTerminateDebuggee: true,
    };
    this.sendResponse(response);
    this.sendEvent(new InitializedEvent());
  }

  protected override configurationDoneRequest(response: DebugProtocol.ConfigurationDoneResponse): void {
    this.sendResponse(response);
    this.configured();
  }

  protected override async launchRequest(response: DebugProtocol.LaunchResponse, args: LaunchArguments): Promise<void> {
    const launch = this.readLaunch(args);
    if (typeof launch === 'string') return this.fail(response, launch);
    this.launch = launch;
    this.mode = { kind: launch.stopOnEntry ? 'entry' : 'continue' };
    if (launch.workerMode)
      this.print(
        'console',
        'Debug sessions run the workflow here, in the editor; the worker queue (kailash.queue.redisUrl) is not used.\n',
      );
    this.sendResponse(response);
    await this.configurationDone;
    this.startRun();
  }

  /** The launch arguments with absolute paths, checked as a run would be; a string says what is wrong. */
  private readLaunch(args: LaunchArguments): (LaunchArguments & { program: string }) | string {
    if (args.test) {
      const file = resolve(args.test.file);
      let prepared;
      try {
        prepared = prepareCase(file, args.test.text ?? readFileSync(file, 'utf8'), args.test.case);
      } catch (err) {
        return `${basename(file)}: ${(err as Error).message}`;
      }
      if ('invalid' in prepared) return `${basename(file)}: ${prepared.invalid}`;
      this.testCase = prepared.testCase;
      const parameters: RunParameters = { ...prepared.parameters };
      for (const [k, v] of Object.entries(args.parameters ?? {})) {
        const had = parameters[k];
        parameters[k] = isDict(had) && isDict(v) ? { ...had, ...v } : v;
      }
      args = {
        ...args,
        program: prepared.workflowFile,
        parameters,
        pins: { ...prepared.pins, ...args.pins },
        env: { ...(prepared.env as Record<string, string>), ...args.env },
      };
    }
    const given = args.program ?? args.file;
    if (!given) return 'The launch configuration needs `program`: the workflow file to debug.';
    const program = real(resolve(given));
    const dir = dirname(program);
    const launch = {
      ...args,
      program,
      ...(args.paramsFile ? { paramsFile: resolve(dir, args.paramsFile) } : {}),
      ...(args.envFile ? { envFile: resolve(dir, args.envFile) } : {}),
    };
    try {
      const { model, parameters } = this.load(launch);
      prepareRun(model, { parameters });
    } catch (err) {
      return `${basename(program)}: ${(err as Error).message}`;
    }
    return launch;
  }

  private load(launch: LaunchArguments & { program: string }): { model: WorkflowModel; parameters: RunParameters } {
    const text = readFileSync(launch.program, 'utf8');
    const model = parseWorkflowFile(text, launch.program);
    const parameters = collectParams(launch.paramsFile, [], (f) => readFileSync(f, 'utf8'), text);
    for (const [k, v] of Object.entries(launch.parameters ?? {})) {
      const had = parameters[k];
      parameters[k] = isDict(had) && isDict(v) ? { ...had, ...v } : v;
    }
    return { model, parameters };
  }

  /** Starts a run of the launched file (read again: a restart runs the file as it is now). */
  private startRun(extra: Pick<RunOptions, 'reuse' | 'reuseSecrets'> = {}): void {
    const launch = this.launch!;
    let loaded: { model: WorkflowModel; parameters: RunParameters };
    try {
      loaded = this.load(launch);
    } catch (err) {
      this.print('stderr', `${(err as Error).message}\n`);
      this.sendEvent(new TerminatedEvent());
      return;
    }
    const { model, parameters } = loaded;
    const runId = randomUUID();
    const controller = new AbortController();
    const runtime = this.host.runtime(launch);
    this.seen.clear();
    this.breakpoints.resetHits();
    this.host.runStarted?.({
      runId,
      file: launch.program,
      label: `${model.name?.value ?? basename(launch.program)} (debug)`,
      cancel: () => controller.abort(),
    });
    // However the run is cancelled (Stop, the run panel's Cancel), a paused node stops waiting.
    controller.signal.addEventListener('abort', () => this.paused?.resume('cancel'), { once: true });
    const run: ActiveRun = { runId, controller, done: Promise.resolve() };
    run.done = (async () => {
      let outcome: RunResult | { invalid: string };
      const started = performance.now();
      try {
        outcome = await runtime.execute(model, {
          runId,
          parameters,
          signal: controller.signal,
          baseDir: dirname(launch.program),
          // One node at a time: "the next node" is then the next in execution order.
          maxConcurrency: 1,
          ...(launch.defaultTimeout ? { defaultTimeoutMs: launch.defaultTimeout * 1000 } : {}),
          ...(launch.pins && Object.keys(launch.pins).length ? { reuse: launch.pins, reusedAsReturned: true } : {}),
          ...extra,
          ...(extra.reuse && launch.pins ? { reuse: { ...launch.pins, ...extra.reuse } } : {}),
          beforeNode: (stop) => this.beforeNode(stop, runId),
          onEvent: (e) => {
            this.host.runEvent?.(runId, e);
            this.report(e);
          },
          keepOutputs: (outputs, secrets) => (run.kept = { outputs, secrets }),
        });
      } catch (err) {
        outcome = { invalid: err instanceof WorkflowInvalid ? err.message : `The run failed to start: ${(err as Error).message}` };
        this.print('stderr', `${outcome.invalid}\n`);
      } finally {
        await runtime.dispose().catch(() => undefined);
      }
      this.host.runEnded?.(runId, outcome);
      if (this.run === run) this.run = undefined;
      this.afterRun(run, outcome, performance.now() - started);
    })();
    this.run = run;
  }

  private afterRun(run: ActiveRun, outcome: RunResult | { invalid: string }, ms: number): void {
    const next = this.after;
    this.after = undefined;
    if (this.ending) return;
    if (next === 'restart') {
      this.mode = { kind: this.launch!.stopOnEntry ? 'entry' : 'continue' };
      this.startRun();
    } else if (next) {
      this.restartFrom(next.chain, run, outcome);
    } else {
      const failed = 'invalid' in outcome || outcome.status !== 'succeeded';
      if (this.testCase) this.sendEvent(new Event(TEST_CASE_EVENT, this.caseReport(outcome, ms)));
      this.sendEvent(new ExitedEvent(failed ? 1 : 0));
      this.sendEvent(new TerminatedEvent());
    }
  }

  /** The test case's report (without the run record: the editor has it from the run panel). */
  private caseReport(outcome: RunResult | { invalid: string }, ms: number): TestCaseReport {
    const c = this.testCase!;
    const pinned = Object.keys(this.launch!.pins ?? {});
    if ('invalid' in outcome)
      return {
        name: c.name.value,
        span: c.name.span,
        pinned,
        durationMs: Math.round(ms),
        status: 'error',
        failures: [],
        error: outcome.invalid,
      };
    const { result: _result, ...report } = reportCase(c, pinned, outcome, ms);
    return report;
  }

  /** Restart Frame: a new run reusing the outputs upstream of the frame's top-level node, stopping at the frame's node. */
  private restartFrom(chain: string[], run: ActiveRun, outcome: RunResult | { invalid: string }): void {
    const top = chain[0]!;
    const reuse: Record<string, NodeOutput | null> = {};
    if (run.kept && !('invalid' in outcome)) {
      const { model } = this.load(this.launch!);
      const graph = buildGraph(model);
      const rerun = new Set([top]);
      const stack = [top];
      while (stack.length) for (const s of graph.successors.get(stack.pop()!) ?? []) if (!rerun.has(s)) (rerun.add(s), stack.push(s));
      for (const [id, out] of Object.entries(run.kept.outputs)) {
        const status = outcome.nodes[id]?.status;
        if (!rerun.has(id) && model.nodesById.has(id) && (status === 'succeeded' || status === 'skipped')) reuse[id] = out;
      }
    }
    this.stopAt = chain;
    this.mode = { kind: 'continue' };
    this.startRun({ reuse, reuseSecrets: run.kept?.secrets ?? [] });
  }

  /** Cancels the current run (a paused node stops waiting) and waits until it has ended, workers and all. */
  private async stopRun(): Promise<void> {
    const run = this.run;
    if (!run) return;
    run.controller.abort();
    this.paused?.resume('cancel');
    await run.done;
  }

  // ---- the engine's hook ----

  private async beforeNode(stop: NodeStop, runId: string): Promise<{ inputs?: Record<string, unknown> } | undefined> {
    const depth = stop.callers.length;
    const file = depth === 0 ? this.launch!.program : stop.file !== undefined ? real(stop.file) : undefined;
    const chain = [...stop.callers, stop.node];
    this.seen.set(chain.join('\0'), { stop, file });
    let reason: string | undefined;
    if (this.stopAt && this.stopAt.join('\0') === chain.join('\0')) {
      reason = 'restart';
      this.stopAt = undefined;
    } else {
      const m = this.mode;
      if (m.kind === 'entry' || m.kind === 'pause') reason = m.kind;
      else if (m.kind === 'in' || (m.kind === 'next' && depth <= m.depth) || (m.kind === 'out' && depth < m.depth)) reason = 'step';
    }
    const hit: number[] = [];
    let scope: Record<string, unknown> | undefined;
    for (const bp of this.breakpoints.at(file, stop.node)) {
      scope ??= scopeOf(stop.redact(stop.inputs), stop.outputs);
      if (bp.condition) {
        let holds = true;
        try {
          holds = truthy(evaluate(bp.condition, scope));
        } catch (err) {
          this.print('stderr', `Breakpoint condition '${bp.condition}' on ${stop.node}: ${(err as Error).message} (stopping)\n`);
        }
        if (!holds) continue;
      }
      bp.hits++;
      if (bp.hitCondition && !hitMatches(bp.hitCondition, bp.hits)) continue;
      if (bp.logMessage) {
        this.print('console', `${interpolate(bp.logMessage, scope)}\n`, file, stop);
        continue;
      }
      reason ??= 'breakpoint';
      hit.push(bp.id);
    }
    if (!reason) return undefined;
    return this.pause(stop, file, reason, hit, runId);
  }

  private async pause(stop: NodeStop, file: string | undefined, reason: string, hit: number[], runId: string) {
    const inputs = structuredClone(stop.inputs);
    const frames = this.framesOf(stop, file, inputs);
    this.mode = { kind: 'continue' };
    const how = await new Promise<Resume>((resolve) => {
      this.paused = { stop, inputs, edited: false, frames, resume: resolve };
      const event = new StoppedEvent(reason, THREAD) as DebugProtocol.StoppedEvent;
      event.body.description = `Paused before ${stop.node}`;
      event.body.allThreadsStopped = true;
      if (hit.length) event.body.hitBreakpointIds = hit;
      this.host.runPaused?.(runId, stop.node, stop.callers);
      this.sendEvent(event);
    });
    this.host.runPaused?.(runId);
    const paused = this.paused!;
    this.paused = undefined;
    this.variables.reset();
    const depth = stop.callers.length;
    const isWorkflowNode = stop.model.nodesById.get(stop.node)?.type?.value === 'WorkflowNode';
    if (how === 'next') this.mode = { kind: 'next', depth };
    else if (how === 'stepIn') this.mode = isWorkflowNode ? { kind: 'in' } : { kind: 'next', depth };
    else if (how === 'stepOut') this.mode = depth > 0 ? { kind: 'out', depth } : { kind: 'continue' };
    if (how === 'cancel' || !paused.edited) return undefined;
    // The WorkflowNode's frame, seen from inside it, shows what it really ran with.
    this.seen.set([...stop.callers, stop.node].join('\0'), { stop: { ...stop, inputs: paused.inputs }, file });
    return { inputs: paused.inputs };
  }

  private framesOf(stop: NodeStop, file: string | undefined, inputs: Record<string, unknown>): Frame[] {
    const frames: Frame[] = [this.frame(1, [...stop.callers, stop.node], stop, file, () => stop.redact(inputs), true)];
    for (let i = stop.callers.length - 1; i >= 0; i--) {
      const chain = stop.callers.slice(0, i + 1);
      const saved = this.seen.get(chain.join('\0'));
      if (saved)
        frames.push(this.frame(frames.length + 1, chain, saved.stop, saved.file, () => saved.stop.redact(saved.stop.inputs), false));
    }
    // A node of an inline `workflow_dict` has no file of its own: it points at its WorkflowNode.
    for (let i = frames.length - 2; i >= 0; i--) {
      if (frames[i]!.file === undefined) Object.assign(frames[i]!, { file: frames[i + 1]!.file, line: frames[i + 1]!.line });
    }
    return frames;
  }

  private frame(id: number, chain: string[], stop: NodeStop, file: string | undefined, inputs: () => unknown, editable: boolean): Frame {
    const node = stop.model.nodesById.get(stop.node);
    const at = nodeLines(stop.model).find((l) => l.node === stop.node);
    return {
      id,
      chain,
      name: `${stop.node} · ${node?.type?.value ?? '?'}${stop.iteration ? ` · pass ${stop.iteration}` : ''}`,
      ...(file !== undefined ? { file } : {}),
      line: at?.first ?? 0,
      inputs,
      editable,
      config: stop.redact(toPlain(node?.config) ?? {}),
      outputs: stop.outputs,
    };
  }

  // ---- DAP requests ----

  protected override setBreakPointsRequest(
    response: DebugProtocol.SetBreakpointsResponse,
    args: DebugProtocol.SetBreakpointsArguments,
  ): void {
    const path = args.source.path;
    let text: string | undefined;
    let file = path ?? '';
    try {
      file = real(path!);
      text = readFileSync(file, 'utf8');
    } catch {
      text = undefined;
    }
    const requested = args.breakpoints ?? (args.lines ?? []).map((line) => ({ line }));
    response.body = {
      breakpoints: this.breakpoints.set(
        file,
        text,
        requested.map((b) => ({ ...b, line: this.convertClientLineToDebugger(b.line) + 1 })),
        (line) => this.convertDebuggerLineToClient(line),
      ),
    };
    this.sendResponse(response);
  }

  protected override threadsRequest(response: DebugProtocol.ThreadsResponse): void {
    const name = this.launch ? basename(this.launch.program) : 'workflow';
    response.body = { threads: [new Thread(THREAD, name)] };
    this.sendResponse(response);
  }

  protected override stackTraceRequest(response: DebugProtocol.StackTraceResponse): void {
    const frames = this.paused?.frames ?? [];
    response.body = {
      stackFrames: frames.map((f) => {
        const source = f.file !== undefined ? new Source(basename(f.file), this.convertDebuggerPathToClient(f.file)) : undefined;
        return new StackFrame(f.id, f.name, source, this.convertDebuggerLineToClient(f.line), this.convertDebuggerColumnToClient(0));
      }),
      totalFrames: frames.length,
    };
    this.sendResponse(response);
  }

  protected override scopesRequest(response: DebugProtocol.ScopesResponse, args: DebugProtocol.ScopesArguments): void {
    const frame = this.frameById(args.frameId);
    if (!frame) return this.fail(response, 'The workflow is not paused.');
    const inputs = new Scope(
      frame.editable ? 'Inputs' : 'Inputs (as it ran)',
      this.variables.ref(frame.inputs, frame.editable ? [] : undefined) || this.empty(),
      false,
    ) as DebugProtocol.Scope;
    inputs.presentationHint = 'arguments';
    response.body = {
      scopes: [
        inputs,
        new Scope('Config', this.variables.ref(() => frame.config) || this.empty(), false),
        new Scope('Outputs', this.variables.ref(() => frame.outputs) || this.empty(), false),
      ],
    };
    this.sendResponse(response);
  }

  /** A reference to an empty container (a scope with nothing in it still opens). */
  private empty(): number {
    return this.variables.ref(() => ({}));
  }

  protected override variablesRequest(response: DebugProtocol.VariablesResponse, args: DebugProtocol.VariablesArguments): void {
    let variables = this.variables.variables(args.variablesReference);
    if (args.filter === 'indexed' && args.start !== undefined)
      variables = variables.slice(args.start, args.start + (args.count ?? variables.length));
    response.body = { variables };
    this.sendResponse(response);
  }

  protected override setVariableRequest(response: DebugProtocol.SetVariableResponse, args: DebugProtocol.SetVariableArguments): void {
    const container = this.variables.get(args.variablesReference);
    const paused = this.paused;
    if (!paused || !container?.editPath) return this.fail(response, 'Only the inputs of the node about to run can be changed.');
    let value: unknown;
    try {
      value = parseEdit(args.value);
    } catch (err) {
      return this.fail(response, `Not a YAML or JSON value: ${(err as Error).message}`);
    }
    const shownParent = container.shown();
    const key: string | number = Array.isArray(shownParent) ? Number(args.name) : args.name;
    const path = [...container.editPath, key];
    if (path.length === 1) {
      // A top-level input takes the type its param declares, as the engine would coerce it.
      const type = paused.stop.model.nodesById.get(paused.stop.node)?.type?.value;
      const param = type ? getSpec(type)?.params[args.name] : undefined;
      if (param) {
        try {
          value = coerce(args.name, value, param);
        } catch (err) {
          return this.fail(response, (err as Error).message);
        }
      }
    }
    try {
      setAt(paused.inputs, path, value);
    } catch (err) {
      return this.fail(response, (err as Error).message);
    }
    paused.edited = true;
    const shown = () => {
      const parent = container.shown() as Record<string | number, unknown>;
      return parent?.[key];
    };
    const v = this.variables.variable(args.name, shown(), shown, path);
    response.body = { value: v.value, ...(v.type ? { type: v.type } : {}), variablesReference: v.variablesReference };
    this.sendResponse(response);
  }

  protected override evaluateRequest(response: DebugProtocol.EvaluateResponse, args: DebugProtocol.EvaluateArguments): void {
    const frame = this.frameById(args.frameId);
    if (!frame) return this.fail(response, 'The workflow is not paused before a node.');
    let value: unknown;
    try {
      value = evaluate(args.expression, scopeOf(frame.inputs() as Record<string, unknown>, frame.outputs));
    } catch (err) {
      return this.fail(response, (err as Error).message);
    }
    response.body = { result: display(value, 10_000), type: typeOf(value), variablesReference: this.variables.ref(() => value) };
    this.sendResponse(response);
  }

  protected override continueRequest(response: DebugProtocol.ContinueResponse): void {
    response.body = { allThreadsContinued: true };
    this.resume(response, 'continue');
  }

  protected override nextRequest(response: DebugProtocol.NextResponse): void {
    this.resume(response, 'next');
  }

  protected override stepInRequest(response: DebugProtocol.StepInResponse): void {
    this.resume(response, 'stepIn');
  }

  protected override stepOutRequest(response: DebugProtocol.StepOutResponse): void {
    this.resume(response, 'stepOut');
  }

  protected override pauseRequest(response: DebugProtocol.PauseResponse): void {
    // A node that is running finishes; the run stops before the next one.
    this.mode = { kind: 'pause' };
    this.sendResponse(response);
  }

  private resume(response: DebugProtocol.Response, how: Resume): void {
    const paused = this.paused;
    this.sendResponse(response);
    paused?.resume(how);
  }

  protected override async restartFrameRequest(
    response: DebugProtocol.RestartFrameResponse,
    args: DebugProtocol.RestartFrameArguments,
  ): Promise<void> {
    const frame = this.frameById(args.frameId);
    if (!frame || !this.run) return this.fail(response, 'The workflow is not paused.');
    this.after = { chain: frame.chain };
    await this.stopRun();
    this.sendResponse(response);
  }

  protected override async restartRequest(response: DebugProtocol.RestartResponse, args: DebugProtocol.RestartArguments): Promise<void> {
    const given = args?.arguments as LaunchArguments | undefined;
    if (given) {
      const launch = this.readLaunch(given);
      if (typeof launch === 'string') return this.fail(response, launch);
      this.launch = launch;
    }
    if (this.run) {
      this.after = 'restart';
      await this.stopRun();
    } else {
      this.mode = { kind: this.launch?.stopOnEntry ? 'entry' : 'continue' };
      this.startRun();
    }
    this.sendResponse(response);
  }

  protected override async terminateRequest(response: DebugProtocol.TerminateResponse): Promise<void> {
    this.ending = true;
    await this.stopRun();
    this.sendResponse(response);
    this.sendEvent(new TerminatedEvent());
  }

  protected override async disconnectRequest(response: DebugProtocol.DisconnectResponse): Promise<void> {
    // Launched runs only: leaving the session ends the run, and with it its Python and JS workers.
    this.ending = true;
    await this.stopRun();
    this.sendResponse(response);
  }

  /** Ends the session's run when its client goes away without a disconnect. */
  async shutdownRun(): Promise<void> {
    this.ending = true;
    await this.stopRun();
  }

  // ---- helpers ----

  private frameById(id: number | undefined): Frame | undefined {
    const frames = this.paused?.frames;
    if (!frames) return undefined;
    return id === undefined ? frames[0] : frames.find((f) => f.id === id);
  }

  private fail(response: DebugProtocol.Response, message: string): void {
    response.success = false;
    response.message = message;
    this.sendResponse(response);
  }

  private print(category: 'console' | 'stdout' | 'stderr', text: string, file?: string, stop?: NodeStop): void {
    const e = new OutputEvent(text, category) as DebugProtocol.OutputEvent;
    if (file && stop) {
      const at = nodeLines(stop.model).find((l) => l.node === stop.node);
      e.body.source = new Source(basename(file), this.convertDebuggerPathToClient(file));
      e.body.line = this.convertDebuggerLineToClient(at?.first ?? 0);
    }
    this.sendEvent(e);
  }

  /** The run's events as lines in the Debug Console. */
  private report(e: RunEvent): void {
    switch (e.type) {
      case 'node-output':
        this.print(
          'console',
          `✓ ${e.node} (${Math.round(e.record.durationMs)} ms${e.record.reused ? ', reused' : ''}) ${display(e.preview, 160)}\n`,
        );
        break;
      case 'node-error':
        this.print('stderr', `✗ ${e.node}: ${e.error.type}: ${e.error.message}\n`);
        break;
      case 'node-skip':
        this.print('console', `↷ ${e.node} skipped\n`);
        break;
      case 'node-log':
        this.print('stdout', `[${e.node}] ${e.message}\n`);
        break;
      case 'node-retry':
        this.print('console', `↻ ${e.node}: attempt ${e.attempt} in ${e.delayMs} ms (${e.cause})\n`);
        break;
      case 'warning':
        this.print('console', `warning: ${e.message}\n`);
        break;
      case 'run-end': {
        const r = e.result;
        const why = r.error ? `: ${r.error.node ? `${r.error.node}: ` : ''}${r.error.type}: ${r.error.message}` : '';
        this.print(
          r.status === 'succeeded' ? 'console' : 'stderr',
          `${r.status === 'succeeded' ? '✓' : '✗'} ${r.status} in ${Math.round(r.durationMs)} ms${why}\n`,
        );
        break;
      }
      default:
        break;
    }
  }
}

function real(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return resolve(p);
  }
}

function isDict(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
