import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { getSpec } from '../catalog';
import type { RunServices, SubRunResult } from '../catalog/types';
import type { WorkflowModel } from '../model/types';
import { parseWorkflow } from '../model/parse';
import { parseWorkflowFile } from '../model/load';
import { LineIndex } from '../model/lines';
import type { Diagnostic } from '../diagnostics';
import { validateModel } from '../validate';
import { JsWorker } from '../nodes/code/js-worker';
import { PythonWorker } from '../nodes/code/python-worker';
import { readablePath } from '../nodes/files/paths';
import { NodeFailure, WorkflowInvalid } from './errors';
import { disposeAll } from './resources';
import { Run } from './run';
import { checkRun, type RunCheck } from './run-parameters';
import { EnvSecretProvider, type SecretProvider } from './secrets';
import type { RunOptions, RunResult } from './types';
import { setOwn, table } from '../util/own';

export interface RuntimeOptions {
  secrets?: SecretProvider;
  /** Variables `${env:NAME}` reads (process env plus an env file, by default the process env). */
  env?: Record<string, string | undefined>;
  /** The Python for PythonCodeNode (default `KAILASH_PYTHON` or `python3`). */
  pythonPath?: string;
  /** Heap limit of JavaScriptCodeNode's worker thread. */
  jsMemoryMb?: number;
}

const checked = new WeakMap<WorkflowModel, Diagnostic[]>();

/** A model's errors, validated once however many callers ask (the CLI prints them, execute refuses on them). */
export function workflowErrors(model: WorkflowModel): Diagnostic[] {
  let errors = checked.get(model);
  if (!errors) checked.set(model, (errors = validateModel(model, { errorsOnly: true })));
  return errors;
}

/**
 * What every path that starts a run checks before any node starts (`run`, a worker, the editor,
 * `submit`): the workflow's errors, then the required values against everything the run has.
 * Throws WorkflowInvalid when the run must not start; else returns the run's parameter plan.
 */
export function prepareRun(model: WorkflowModel, options: Pick<RunOptions, 'parameters' | 'to' | 'reuse'> = {}): RunCheck {
  const errors = workflowErrors(model);
  if (errors.length)
    throw new WorkflowInvalid(
      `The workflow has ${errors.length} error${errors.length === 1 ? '' : 's'}; first, on line ${new LineIndex(model.text).position(errors[0]!.span[0]).line + 1}: ${errors[0]!.message}`,
      errors,
    );
  if (options.to !== undefined && !model.nodesById.has(options.to)) throw new WorkflowInvalid(`No node '${options.to}' in this workflow.`);
  const check = checkRun(model, options);
  if (check.dropped.length) throw droppedCredentials(check);
  if (check.missing.length) throw missingParameters(check);
  return check;
}

/**
 * A run refused before any node started, for required values that nothing gives. The warnings
 * go with it: a misspelt node id or parameter is usually why the value is missing.
 */
function missingParameters(check: RunCheck): WorkflowInvalid {
  const { missing, warnings } = check;
  const head = missing.length === 1 ? '' : `${missing.length} required parameters have no value:\n`;
  const tail = warnings.length ? `\n${warnings.map((w) => `warning: ${w}`).join('\n')}` : '';
  return new WorkflowInvalid(head + missing.map((d) => d.message).join('\n') + tail, missing, warnings);
}

/**
 * A run refused because a credential among its parameters would not be sent (a misspelt name, a
 * node that does not take it): the request would otherwise go out without it.
 */
function droppedCredentials(check: RunCheck): WorkflowInvalid {
  const { dropped, missing, warnings } = check;
  const all = [...dropped, ...missing];
  const tail = warnings.length ? `\n${warnings.map((w) => `warning: ${w}`).join('\n')}` : '';
  return new WorkflowInvalid(all.map((d) => `${d.code}: ${d.message}`).join('\n') + tail, all, warnings);
}

/** Sub-workflows including one another stop here rather than recurse forever. */
const MAX_DEPTH = 8;

/**
 * Runs workflows with Kailash's semantics. One runtime can run many workflows at once; circuit
 * breakers and rate limits are shared by all runs in the process.
 */
export class LocalRuntime {
  private readonly secrets: SecretProvider;
  private readonly env: Record<string, string | undefined>;

  constructor(private readonly options: RuntimeOptions = {}) {
    this.env = options.env ?? process.env;
    this.secrets = options.secrets ?? new EnvSecretProvider(this.env);
  }

  /** Validates, then runs. Throws WorkflowInvalid (nothing ran) when the workflow has errors. */
  async execute(model: WorkflowModel, options: RunOptions = {}, depth = 0): Promise<RunResult> {
    const check = prepareRun(model, options);
    const run = new Run(
      model,
      options,
      {
        secrets: this.secrets,
        env: this.env,
        services: (r) => this.services(r, depth, options),
      },
      check,
    );
    return run.execute();
  }

  /** A Python started ahead of a run (`warmPython`), for the first run with its folder to take. */
  private spare?: { baseDir: string; worker: PythonWorker };

  private get pythonPath(): string {
    return this.options.pythonPath ?? this.env.KAILASH_PYTHON ?? 'python3';
  }

  /**
   * Starts PythonCodeNode's interpreter for the next run in `baseDir` now, while the caller
   * still reads and checks the workflow. Nothing else changes: the run that takes it owns it
   * and stops it; a run that never comes leaves it to `dispose()`. Resolves once it is spawned.
   */
  warmPython(baseDir: string): Promise<void> {
    this.spare ??= { baseDir, worker: new PythonWorker(this.pythonPath, baseDir) };
    return this.spare.worker.warm();
  }

  private pythonWorker(baseDir: string): PythonWorker {
    const spare = this.spare;
    if (spare && spare.baseDir === baseDir) {
      this.spare = undefined;
      return spare.worker;
    }
    return new PythonWorker(this.pythonPath, baseDir);
  }

  /** Closes what nodes keep open between runs (connection pools, clients). */
  async dispose(): Promise<void> {
    const spare = this.spare;
    this.spare = undefined;
    await Promise.all([spare?.worker.dispose(), disposeAll()]);
  }

  private services(
    run: { baseDir: string; roots: string[]; signal: AbortSignal },
    depth: number,
    options: RunOptions,
  ): RunServices & { dispose(): Promise<void> } {
    let python: PythonWorker | undefined;
    let js: JsWorker | undefined;
    return {
      python: () => (python ??= this.pythonWorker(run.baseDir)),
      javascript: () => (js ??= new JsWorker(this.options.jsMemoryMb)),
      runWorkflow: (source, parameters, signal, caller) =>
        this.runSubWorkflow(source, parameters, signal, run, depth, (file) => inherited(options, caller, file)),
      dispose: async () => {
        await Promise.all([python?.dispose(), js?.dispose()]);
      },
    };
  }

  private async runSubWorkflow(
    source: { path: string } | { definition: Record<string, unknown> },
    parameters: Record<string, unknown>,
    signal: AbortSignal,
    parent: { baseDir: string; roots: string[] },
    depth: number,
    inherit: (file: string | undefined) => Partial<RunOptions>,
  ): Promise<SubRunResult> {
    if (depth + 1 > MAX_DEPTH)
      throw new NodeFailure(
        'WorkflowExecutionError',
        `Sub-workflows nest deeper than ${MAX_DEPTH} levels (does a workflow include itself?)`,
      );
    let text: string;
    let file: string | undefined;
    let baseDir = parent.baseDir;
    const label = 'path' in source ? `'${source.path}'` : '(workflow_dict)';
    if ('path' in source) {
      // After links, as file nodes check theirs: a link inside the folder must not lead out of it.
      file = await readablePath(source.path, parent, 'workflow_path');
      try {
        text = await readFile(file, { encoding: 'utf8', signal });
      } catch (err) {
        if (signal.aborted) throw signal.reason;
        throw new NodeFailure('FileNotFoundError', `Cannot read sub-workflow ${label}: ${(err as Error).message}`);
      }
      baseDir = dirname(file);
    } else {
      text = JSON.stringify(fromToDict(source.definition));
    }
    // A `workflow_dict` is data already: written out as JSON, it reads back as strict JSON.
    const model = file === undefined ? parseWorkflow(text, 'json') : parseWorkflowFile(text, file);
    const exits = [...model.nodesById.keys()].filter((id) => !model.connections.some((c) => c.from?.value === id));
    try {
      const result = await this.execute(
        model,
        { parameters: mapParameters(model, parameters), signal, baseDir, roots: parent.roots, ...inherit(file) },
        depth + 1,
      );
      return { ...result, exits };
    } catch (err) {
      if (err instanceof WorkflowInvalid)
        throw new NodeFailure('WorkflowValidationError', `Sub-workflow ${label} is invalid: ${err.message}`);
      throw err;
    }
  }
}

/**
 * What a sub-workflow's run takes from its parent's: the concurrency limit, and the `beforeNode`
 * hook, told which WorkflowNode the sub-workflow runs in and (innermost level only) its file.
 */
function inherited(options: RunOptions, caller: string | undefined, file: string | undefined): Partial<RunOptions> {
  const out: Partial<RunOptions> = {};
  if (options.maxConcurrency !== undefined) out.maxConcurrency = options.maxConcurrency;
  const hook = options.beforeNode;
  if (hook)
    out.beforeNode = (stop) =>
      hook({ ...stop, ...(stop.callers.length === 0 && file !== undefined ? { file } : {}), callers: [caller ?? '', ...stop.callers] });
  return out;
}

/**
 * Kailash's `workflow_dict` is `Workflow.to_dict()` output (`node_type`, `source_node`…); the
 * builder form (`type`, `from_node`…) is accepted as is.
 */
function fromToDict(d: Record<string, unknown>): Record<string, unknown> {
  const nodes = d.nodes;
  const out: Record<string, unknown> = { ...d };
  if (nodes && typeof nodes === 'object' && !Array.isArray(nodes)) {
    out.nodes = Object.fromEntries(
      Object.entries(nodes as Record<string, Record<string, unknown>>).map(([id, n]) => [
        id,
        { type: n.type ?? n.node_type, config: n.config ?? n.parameters ?? {} },
      ]),
    );
  }
  if (Array.isArray(d.connections)) {
    out.connections = (d.connections as Record<string, unknown>[]).map((c) =>
      'source_node' in c
        ? {
            from_node: c.source_node,
            from_output: c.source_output,
            to_node: c.target_node,
            to_input: c.target_input,
            ...(c.cycle ? { cycle: true, max_iterations: c.max_iterations, convergence_check: c.convergence_check } : {}),
          }
        : c,
    );
  }
  for (const k of ['workflow_id', 'metadata']) delete out[k];
  return out;
}

/**
 * `{node: {...}}` entries pass through. A `<node>_<param>` key is Kailash's WorkflowNode input: it
 * exists only for a param an entry node (one without incoming connections) declares, and the key is
 * split at its first `_`, so an inner id with an underscore cannot be reached this way.
 */
function mapParameters(model: WorkflowModel, flat: Record<string, unknown>): Record<string, unknown> {
  const out = table<Record<string, unknown>>();
  const entries = new Set([...model.nodesById.keys()].filter((id) => !model.connections.some((c) => c.to?.value === id && !c.cycle)));
  for (const [k, v] of Object.entries(flat)) {
    if (model.nodesById.has(k) && v && typeof v === 'object' && !Array.isArray(v)) {
      Object.assign((out[k] ??= table()), v);
      continue;
    }
    const cut = k.indexOf('_');
    if (cut < 0) continue;
    const id = k.slice(0, cut);
    const param = k.slice(cut + 1);
    const type = model.nodesById.get(id)?.type?.value;
    if (!entries.has(id) || !type || !getSpec(type)?.params[param]) continue;
    setOwn((out[id] ??= table()), param, v);
  }
  return out;
}
