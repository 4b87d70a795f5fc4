import type { NodeOutput } from '../catalog/types';

/**
 * The order Kailash's `Node.validate_outputs` gives a node's outputs when the node declares an
 * output schema (`get_output_schema`): the schema's outputs that hold a value, in the schema's
 * order, then every other output (None ones included) in the order the node set them. The order
 * shows in `json.dumps` of the results and in `list(outputs)`, so a node that Kailash reorders is
 * reordered the same way here.
 */
export function inSchemaOrder(out: NodeOutput, schema: readonly string[]): NodeOutput {
  const ordered: NodeOutput = {};
  for (const k of schema) {
    const v = out[k];
    if (Object.hasOwn(out, k) && v !== null && v !== undefined) ordered[k] = v;
  }
  for (const k of Object.keys(out)) if (!Object.hasOwn(ordered, k)) ordered[k] = out[k];
  return ordered;
}
