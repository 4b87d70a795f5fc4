import type { CodeChainStep, NodeRun } from '../../catalog/types';
import { NodeFailure } from '../../engine/errors';
import { setOwn } from '../../util/own';

/** What a code node's variables are: every input except the node's own settings. */
function variables(inputs: Record<string, unknown>, own: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k in inputs) if (Object.hasOwn(inputs, k) && !own.includes(k)) setOwn(out, k, inputs[k]);
  return out;
}

const PYTHON_SETTINGS = [
  'code',
  'max_code_lines',
  'validate_security',
  'sandbox_mode',
  'input_types',
  'output_type',
  'description',
] as const;
const JAVASCRIPT_SETTINGS = ['code', 'timeout'] as const;

/** What PythonCodeNode sends its worker for these inputs, alone or as a node of a chain. */
export function pythonStep(inputs: Record<string, unknown>, node: string): Omit<CodeChainStep, 'connections' | 'fixed'> {
  const vars = variables(inputs, PYTHON_SETTINGS);
  const sandbox = String(inputs.sandbox_mode ?? 'restricted');
  if (sandbox !== 'restricted' && sandbox !== 'trusted') {
    throw new NodeFailure('NodeConfigurationError', `sandbox_mode must be 'restricted' or 'trusted', got '${sandbox}'`);
  }
  // Kailash's safety check (imports, eval/exec/system calls) runs before restricted code anyway;
  // `validate_security: true` asks for it in trusted mode too, where Kailash silently skips it.
  return { node, code: String(inputs.code), inputs: vars, sandbox, validateSecurity: inputs.validate_security === true };
}

/** Kailash's PythonCodeNode: inputs become variables, `result` is the output. */
export const runPython: NodeRun = async (inputs, ctx) => {
  const step = pythonStep(inputs, ctx.nodeId);
  return ctx.services.python().run(step.code, step.inputs, {
    signal: ctx.signal,
    node: ctx.nodeId,
    sandbox: step.sandbox,
    validateSecurity: step.validateSecurity,
    ...(ctx.log ? { log: (line: string) => ctx.log!(line) } : {}),
  });
};

/** JavaScriptCodeNode: the same model in a QuickJS sandbox, with its own `timeout`. */
export const runJavaScript: NodeRun = async (inputs, ctx) => {
  const seconds = typeof inputs.timeout === 'number' && inputs.timeout > 0 ? inputs.timeout : 30;
  return ctx.services.javascript().run(String(inputs.code), variables(inputs, JAVASCRIPT_SETTINGS), {
    signal: ctx.signal,
    node: ctx.nodeId,
    timeoutMs: seconds * 1000,
    ...(ctx.log ? { log: (line: string) => ctx.log!(line) } : {}),
  });
};
