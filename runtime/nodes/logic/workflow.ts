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
  else if (definition && typeof definition === 'object' && !Array.isArray(definition)) source = { definition: definition as Record<string, unknown> };
  else throw new NodeFailure('NodeConfigurationError', "WorkflowNode requires either 'workflow_path' or 'workflow_dict'");
  const label = 'path' in source ? `'${source.path}'` : '(workflow_dict)';
  const own = new Set(['workflow_path', 'workflow_dict', 'input_mapping', 'output_mapping', 'inputs']);
  const parameters = table<unknown>();
  if (inputs.inputs && typeof inputs.inputs === 'object') Object.assign(parameters, inputs.inputs);
  for (const [k, v] of Object.entries(inputs)) if (!own.has(k)) setOwn(parameters, k, v);
  const inner = await ctx.services.runWorkflow(source, parameters, ctx.signal);
  if (inner.status !== 'succeeded') {
    const where = inner.error?.node ? ` at node '${inner.error.node}'` : '';
    throw new NodeFailure('WorkflowExecutionError', `Sub-workflow ${label} ${inner.status}${where}: ${inner.error?.message ?? 'unknown error'}`);
  }
  const out: Record<string, unknown> = { results: inner.results };
  for (const [node, output] of Object.entries(inner.results)) {
    if (output) for (const [key, value] of Object.entries(output)) out[`${node}_${key}`] = value;
  }
  return out;
};
