import { allSpecs } from '../catalog';
import { POLICIES } from '../catalog/policies';
import type { NodeSpec, ParamSpec, TypeSpec } from '../catalog/types';

type Json = Record<string, unknown>;

const TEMPLATE = { type: 'string', pattern: '^\\$\\{[^}]+\\}$', description: 'A `${…}` template resolved at run time.' };

export function typeSchema(t: TypeSpec): Json {
  switch (t.type) {
    case 'str':
      return { type: 'string' };
    case 'int':
      return { type: 'integer' };
    case 'float':
      return { type: 'number' };
    case 'bool':
      return { type: 'boolean' };
    case 'list':
      return t.items && t.items.type !== 'Any' ? { type: 'array', items: typeSchema(t.items) } : { type: 'array' };
    case 'dict': {
      if (!t.fields) return { type: 'object' };
      const properties: Json = {};
      for (const [k, f] of Object.entries(t.fields))
        properties[k] = { ...typeSchema(f), ...(f.description ? { description: f.description } : {}) };
      return { type: 'object', properties, additionalProperties: t.open === true };
    }
    case 'Any':
      return {};
  }
}

function paramSchema(p: ParamSpec): Json {
  const base: Json = typeSchema(p);
  if (p.enum) base.enum = [...p.enum];
  if (p.minimum !== undefined) base.minimum = p.minimum;
  const out: Json = p.type === 'str' || p.type === 'Any' ? base : { anyOf: [base, TEMPLATE] };
  out.description = p.description;
  if (p.default !== undefined) out.default = p.default;
  return out;
}

function configSchema(spec: NodeSpec): Json {
  const properties: Json = {};
  for (const [name, p] of Object.entries(spec.params)) properties[name] = paramSchema(p);
  // Kailash ignores unknown keys (with a warning), so other tools should not reject them.
  return { type: 'object', description: `Parameters of ${spec.type}.`, properties };
}

function policySchemas(): Json {
  const out: Json = {};
  for (const [key, policy] of Object.entries(POLICIES)) {
    if (policy.value) {
      out[key] = { ...paramSchema(policy.value), description: policy.description };
      continue;
    }
    const properties: Json = {};
    for (const [name, p] of Object.entries(policy.fields!)) properties[name] = paramSchema(p);
    const required = Object.entries(policy.fields!)
      .filter(([, p]) => p.required)
      .map(([k]) => k);
    out[key] = {
      type: 'object',
      description: policy.description,
      properties,
      additionalProperties: false,
      ...(required.length ? { required } : {}),
    };
  }
  return out;
}

/**
 * The JSON schema of workflow files (draft-07), generated from the catalog so that it never
 * disagrees with the validator. Other YAML/JSON tools can use it for completion and checks.
 */
export function workflowSchema(): Json {
  const policies = policySchemas();
  const definitions: Json = {};
  for (const spec of allSpecs) definitions[`${spec.type}.config`] = configSchema(spec);
  const ref = (name: string): Json => ({ $ref: `#/definitions/${name}` });
  // Shared by both node forms: the type picks its config schema (if/then per type).
  definitions.nodeBody = {
    type: 'object',
    required: ['type'],
    properties: {
      type: { type: 'string', description: 'The node type.', enum: allSpecs.map((s) => s.type) },
      config: { type: 'object', description: 'Parameters of the node.' },
      parameters: { type: 'object', description: 'Alias of `config` (Kailash prefers it when both exist).' },
      ...policies,
    },
    allOf: allSpecs.map((s) => ({
      if: { properties: { type: { const: s.type } }, required: ['type'] },
      then: { properties: { config: ref(`${s.type}.config`), parameters: ref(`${s.type}.config`) } },
    })),
  };
  definitions.node = {
    allOf: [ref('nodeBody')],
    required: ['id', 'type'],
    properties: { id: { type: 'string', description: 'Unique id of the node in this workflow.' } },
  };
  const port = (d: string): Json => ({ type: 'string', description: d });
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: 'https://kailash-workflows.dev/schemas/workflow.schema.json',
    title: 'Kailash workflow',
    description: 'A Kailash workflow definition, as `WorkflowBuilder.from_dict` reads it, with Kailash Workflows additions.',
    type: 'object',
    required: ['nodes'],
    definitions,
    properties: {
      name: { type: 'string', description: 'The workflow name (Kailash `Workflow.name`).' },
      description: { type: 'string', description: 'What the workflow does.' },
      version: { type: ['string', 'number'], description: 'The workflow version (Kailash default `1.0.0`).' },
      author: { type: 'string', description: 'Who wrote it.' },
      metadata: { type: 'object', description: 'Free-form metadata Kailash keeps with the workflow.' },
      nodes: {
        description: 'A list of `{id, type, config}` or a mapping `{id: {type, config}}`.',
        // Both forms in one schema without `oneOf`, which sends some validators into deep recursion on large files.
        type: ['array', 'object'],
        items: ref('node'),
        additionalProperties: ref('nodeBody'),
      },
      connections: {
        description: 'Which output feeds which input: `{from_node, from_output, to_node, to_input}` or `{from, to}`.',
        type: 'array',
        items: {
          type: 'object',
          properties: {
            from_node: port('Source node id.'),
            from_output: port('Source output; a dotted path walks nested dicts (`response.content`). Default `result`.'),
            to_node: port('Target node id.'),
            to_input: port('Target input. Default `input`.'),
            from: port('Source node id (short form).'),
            to: port('Target node id (short form).'),
            cycle: { type: 'boolean', description: 'Marks a loop-back edge.' },
            cycle_id: { type: 'string', description: 'Groups the edges of one loop.' },
            max_iterations: { type: 'integer', minimum: 1, description: 'Most passes of the loop.' },
            convergence_check: { type: 'string', description: 'Expression that ends the loop, e.g. `done == True`.' },
          },
          anyOf: [{ required: ['from_node', 'to_node'] }, { required: ['from', 'to'] }],
        },
      },
      parameters: {
        type: 'object',
        description: 'Default run parameters: `{node_id: {param: value}}`.',
        additionalProperties: true,
      },
    },
  };
}
