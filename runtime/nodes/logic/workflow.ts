import type { NodeRun } from '../../catalog/types';
import { NodeFailure } from '../../engine/errors';
import { setOwn, table } from '../../util/own';

/**
 * Kailash's WorkflowNode for a sub-workflow file or an inline `workflow_dict`: `inputs` (`{node: {param: value}}`) and
 * `<node>_<param>` inputs become the inner run's parameters; the outputs are the inner `results`
 * plus each inner output flattened as `<node>_<key>`.
 */
export const runWorkflowNode: NodeRun = async (inputs, ctx) => {
  const path = inputs.workflow_path;
  const definition = inputs.workflow_dict;
  let source: { path: string } | { definition: Record<string, unknown> };
  if (typeof path === 'string' && path) source = { path };
  else if (definition && typeof definition === 'object' && !Array.isArray(definition))
    source = { definition: definition as Record<string, unknown> };
  else throw new NodeFailure('NodeConfigurationError', "WorkflowNode requires either 'workflow_path' or 'workflow_dict'");
  const label = 'path' in source ? `'${source.path}'` : '(workflow_dict)';
  const own = new Set(['workflow_path', 'workflow_dict', 'input_mapping', 'output_mapping', 'inputs']);
  const parameters = table<unknown>();
  const inputMapping = isDict(inputs.input_mapping) ? inputs.input_mapping : undefined;
  if (inputMapping) {
    // `{param: {node, parameter}}`: this node's input `param` becomes that inner node's `parameter`.
    for (const [param, m] of Object.entries(inputMapping)) {
      if (!(param in inputs) || !isDict(m) || typeof m.node !== 'string') continue;
      const into = (parameters[m.node] ??= table()) as Record<string, unknown>;
      setOwn(into, typeof m.parameter === 'string' ? m.parameter : param, inputs[param]);
    }
  } else {
    for (const [k, v] of Object.entries(inputs)) if (!own.has(k)) setOwn(parameters, k, v);
  }
  if (isDict(inputs.inputs)) {
    for (const [node, values] of Object.entries(inputs.inputs)) {
      if (isDict(values)) setOwn(parameters, node, table({ ...(isDict(parameters[node]) ? parameters[node] : {}), ...values }));
    }
  }
  const inner = await ctx.services.runWorkflow(source, parameters, ctx.signal, ctx.nodeId);
  if (inner.status !== 'succeeded') {
    const where = inner.error?.node ? ` at node '${inner.error.node}'` : '';
    throw new NodeFailure(
      'WorkflowExecutionError',
      `Sub-workflow ${label} ${inner.status}${where}: ${inner.error?.message ?? 'unknown error'}`,
    );
  }
  const out: Record<string, unknown> = { results: inner.results };
  const outputMapping = isDict(inputs.output_mapping) ? inputs.output_mapping : undefined;
  if (outputMapping) {
    for (const [name, m] of Object.entries(outputMapping)) {
      if (!isDict(m) || typeof m.node !== 'string') continue;
      const result = inner.results[m.node];
      const key = typeof m.output === 'string' ? m.output : name;
      if (isDict(result) && key in result) out[name] = result[key];
    }
    return out;
  }
  // Kailash flattens the outputs of the exit nodes only (those nothing else consumes).
  for (const node of inner.exits ?? Object.keys(inner.results)) {
    const output = inner.results[node];
    if (isDict(output)) for (const [key, value] of Object.entries(output)) out[`${node}_${key}`] = value;
  }
  return out;
};

function isDict(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
