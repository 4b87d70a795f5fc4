import { workflowSchema } from '../../runtime/schema/generate';

/** A key a workflow file may hold, with what the JSON schema says of it. */
export interface KeyDoc {
  name: string;
  description?: string;
}

type Json = Record<string, unknown>;

// The schema is the one list of workflow keys (generated from the catalog): read it, do not restate it.
const schema = workflowSchema() as Json;
const props = (o: unknown): Json => ((o as Json | undefined)?.properties as Json | undefined) ?? {};
const docs = (p: Json): KeyDoc[] =>
  Object.entries(p).map(([name, v]) => {
    const d = (v as Json).description;
    return typeof d === 'string' ? { name, description: d } : { name };
  });
const definitions = schema.definitions as Json;

export const TOP_LEVEL_KEYS: readonly KeyDoc[] = docs(props(schema));
export const NODE_KEYS: readonly KeyDoc[] = docs({ ...props(definitions.node), ...props(definitions.nodeBody) });
export const CONNECTION_KEYS: readonly KeyDoc[] = docs(props((props(schema).connections as Json).items));
/** Connection keys of the full and of the short form. */
export const FULL_FORM = ['from_node', 'from_output', 'to_node', 'to_input'] as const;
export const SHORT_FORM = ['from', 'to', 'from_output', 'to_input'] as const;
