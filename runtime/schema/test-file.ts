import { allSpecs } from '../catalog';
import type { NodeSpec } from '../catalog/types';
import { NODE_STATUSES, RUN_STATUSES } from '../testing/format';
import { typeSchema } from './generate';

type Json = Record<string, unknown>;

/** A node type's declared outputs as a schema: what a pinned output of that type may hold. */
function outputsSchema(spec: NodeSpec): Json {
  const properties: Json = {};
  for (const [k, o] of Object.entries(spec.outputs)) {
    const t = typeSchema(o);
    // Real nodes return null for a value they do not have (a failed request's `response`).
    properties[k] = { anyOf: [t, { type: 'null' }], description: o.when ? `${o.description} (${o.when})` : o.description };
  }
  return { type: 'object', description: `Outputs of ${spec.type}.`, properties };
}

/**
 * The JSON schema of test files (`*.workflow.test.yaml`, draft-07), generated like the workflow
 * schema: the statuses come from the engine's, and `definitions` holds each node type's outputs
 * from the catalog (what a pin of that type may hold; the language server checks pins against the
 * same specs, knowing each node's type from the workflow).
 */
export function testFileSchema(): Json {
  const definitions: Json = {};
  for (const spec of allSpecs) definitions[`${spec.type}.outputs`] = outputsSchema(spec);
  const pins: Json = {
    type: 'object',
    description: 'Node id → its pinned output: the node is not run, downstream nodes get this (null: the node is skipped).',
    additionalProperties: { type: ['object', 'null'] },
  };
  const parameters: Json = {
    type: 'object',
    description: 'Run parameters: `{node_id: {param: value}}`, or `{param: value}` for every node that takes it.',
  };
  definitions.expectation = {
    type: 'object',
    additionalProperties: false,
    properties: {
      status: { enum: [...NODE_STATUSES], description: "The node's status." },
      path: { type: 'string', description: 'A dotted path into the output (as `from_output` reads it): the assertions below apply to it.' },
      equals: { description: 'The output (or the value at `path`) equals this.' },
      subset: { type: ['object', 'array'], description: 'The output contains this: dict keys at least these, lists item by item.' },
      schema: { type: ['object', 'boolean'], description: 'A JSON Schema (draft-07) the output matches.' },
      expression: {
        description:
          "An expression (the language of `convergence_check`) that must be true; names: the output's keys, `output`, `status`, `results`, and each node id.",
        anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }],
      },
    },
  };
  definitions.case = {
    type: 'object',
    required: ['name'],
    additionalProperties: false,
    properties: {
      name: { type: 'string', description: 'The case name (reports and the Test Explorer show it).' },
      description: { type: 'string' },
      parameters: { ...parameters, description: "Run parameters for this case, merged over the file's." },
      pins: { ...pins, description: "Pinned outputs for this case, over the file's." },
      status: { enum: [...RUN_STATUSES], description: 'The run status expected (default succeeded).' },
      expect: {
        type: 'object',
        description: 'Node id → what to expect of it.',
        additionalProperties: { $ref: '#/definitions/expectation' },
      },
    },
  };
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: 'https://kailash-workflows.dev/schemas/workflow-test.schema.json',
    title: 'Kailash workflow test',
    description: 'Test cases for one workflow: run parameters, pinned outputs and assertions (`kailash-wf test`).',
    type: 'object',
    required: ['workflow', 'cases'],
    additionalProperties: false,
    definitions,
    properties: {
      workflow: { type: 'string', description: 'The workflow file tested, relative to this file.' },
      description: { type: 'string' },
      parameters: { ...parameters, description: 'Run parameters for every case.' },
      params_file: { type: 'string', description: 'Run parameters from a JSON or YAML file (relative to this file), under `parameters`.' },
      env_file: {
        type: 'string',
        description: 'Variables for `${env:NAME}` (and `KAILASH_SECRET_<NAME>` for `${secret:NAME}`), relative to this file.',
      },
      env: {
        type: 'object',
        additionalProperties: { type: ['string', 'number', 'boolean'] },
        description: 'Variables over `env_file` and the process env.',
      },
      pins: { ...pins, description: 'Pinned outputs for every case.' },
      cases: { type: 'array', items: { $ref: '#/definitions/case' }, description: 'The cases, run one after another.' },
    },
  };
}
