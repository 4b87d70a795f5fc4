import { caseKey } from '../switch-cases';
import { pyRepr } from '../../values/print';
import type { NodeSpec } from '../types';

type OutputSpec = NodeSpec['outputs'][string];

const md = (...lines: string[]): string => lines.join('\n');

/** SwitchNode's config-dependent outputs: one per case, plus a renamed default field. */
function switchOutputsFor(config: Record<string, unknown>): Record<string, OutputSpec> {
  const out: Record<string, OutputSpec> = {};
  const prefix = typeof config.case_prefix === 'string' ? config.case_prefix : 'case_';
  if (Array.isArray(config.cases)) {
    for (const value of config.cases) {
      out[caseKey(prefix, value)] = {
        type: 'Any',
        description: `The input data when it matches case ${pyRepr(value)}, else null`,
      };
    }
  }
  const defaultField = config.default_field;
  if (typeof defaultField === 'string' && defaultField !== 'default') {
    out[defaultField] = {
      type: 'Any',
      description: 'The input data, whatever case matched (multi-case mode; renamed by default_field)',
    };
  }
  return out;
}

export const specs: NodeSpec[] = [
  {
    type: 'SwitchNode',
    category: 'logic',
    origin: 'kailash',
    summary: 'Route data by a condition (true/false) or by value (one output per case)',
    docs: md(
      'Boolean mode (no `cases`): compares `input_data[condition_field]` (or `input_data` itself) with `value` using `operator` and passes the input to `true_output` or `false_output`; the other is null.',
      'Multi-case mode (`cases`): the input goes to `<case_prefix><case>` for the matching case (space, `-`, `.`, `:`, `/` in the case become `_`) and always to `default`; `condition_result` is the matched case.',
      'Nodes whose connected inputs from a switch are all null are **skipped** (their result is null); a node fed by both branches still runs.',
      '```yaml',
      'nodes:',
      '  - id: route',
      '    type: SwitchNode',
      '    config:',
      '      condition_field: status',
      '      cases: [active, suspended]',
      '```',
    ),
    params: {
      input_data: {
        type: 'Any',
        description: 'Input data to route',
        aliases: ['data', 'input', 'items'],
      },
      condition_field: {
        type: 'str',
        description: 'Field in input data to evaluate (for dict inputs)',
      },
      operator: {
        type: 'str',
        description: 'Comparison operator (==, !=, >, <, >=, <=, in, contains, is_null, is_not_null)',
        default: '==',
        enum: ['==', '!=', '>', '<', '>=', '<=', 'in', 'contains', 'is_null', 'is_not_null'],
      },
      value: { type: 'Any', description: 'Value to compare against for boolean conditions' },
      cases: { type: 'list', description: 'List of values for multi-case switching' },
      case_prefix: {
        type: 'str',
        description: 'Prefix for case output fields',
        default: 'case_',
      },
      default_field: {
        type: 'str',
        description: 'Output field name for default case',
        default: 'default',
      },
      pass_condition_result: {
        type: 'bool',
        description: 'Whether to include condition result in outputs',
        default: true,
      },
      break_after_first_match: {
        type: 'bool',
        description: 'Whether to stop checking cases after the first match',
        default: true,
      },
    },
    outputs: {
      true_output: { type: 'Any', description: 'Output when condition is true (boolean mode)' },
      false_output: { type: 'Any', description: 'Output when condition is false (boolean mode)' },
      default: { type: 'Any', description: 'Output for default case (multi-case mode)' },
      condition_result: { type: 'Any', description: 'Result of condition evaluation' },
    },
    outputsFor: switchOutputsFor,
  },
  {
    type: 'MergeNode',
    category: 'logic',
    origin: 'kailash',
    summary: 'Combine up to five inputs into one (concat, zip or merge_dict)',
    docs: md(
      'Merges `data1`…`data5` into `merged_data`: `concat` joins lists (or lists the inputs), `zip` pairs them up, `merge_dict` updates dicts in order (or joins lists of dicts on `key`).',
      'With `skip_none`, null inputs (e.g. from a skipped switch branch) are ignored, and a single remaining input is passed through as is. Without `data1` (connected or in config) the node fails when it runs, unless every input is null.',
      '```yaml',
      'nodes:',
      '  - id: combine',
      '    type: MergeNode',
      '    config:           # data1, data2 arrive by connections',
      '      merge_type: merge_dict',
      '      key: id',
      '```',
    ),
    params: {
      data1: { type: 'Any', description: 'First data source (the node fails at run time without it, unless every input is null)' },
      data2: { type: 'Any', description: 'Second data source' },
      data3: { type: 'Any', description: 'Third data source (optional)' },
      data4: { type: 'Any', description: 'Fourth data source (optional)' },
      data5: { type: 'Any', description: 'Fifth data source (optional)' },
      merge_type: {
        type: 'str',
        description: 'Type of merge (concat, zip, merge_dict)',
        default: 'concat',
        enum: ['concat', 'zip', 'merge_dict'],
      },
      key: { type: 'str', description: 'Key field for dict merging' },
      skip_none: { type: 'bool', description: 'Skip None values when merging', default: true },
    },
    outputs: {
      merged_data: { type: 'Any', description: 'Merged result from all inputs' },
    },
  },
  {
    type: 'WorkflowNode',
    category: 'logic',
    origin: 'kailash',
    summary: 'Run another workflow (file or inline definition) as a single node',
    docs: md(
      'Loads the inner workflow from `workflow_path` (.yaml, .yml, .json) or `workflow_dict` and runs it. Its inputs are named `<entry_node>_<param>` for params the entry node declares, split at the first `_` as Kailash does (or mapped by `input_mapping`); `inputs` overrides values per inner node.',
      'Outputs: `results` (inner node id → output), plus one `<node>_<key>` output per output of each exit node (an inner node nothing else consumes, e.g. `transform_result`), or only the names given by `output_mapping`.',
      '```yaml',
      'nodes:',
      '  - id: enrich',
      '    type: WorkflowNode',
      '    config:',
      '      workflow_path: enrich-user.workflow.yaml',
      '```',
    ),
    params: {
      inputs: {
        type: 'dict',
        description: 'Additional input overrides for workflow nodes',
        default: {},
      },
      workflow_path: {
        type: 'str',
        description: 'Path of the workflow file to run (.json, .yaml or .yml)',
        configOnly: true,
        mustExist: 'file',
      },
      workflow_dict: {
        type: 'dict',
        description: 'The workflow to run, inline (Kailash `Workflow.to_dict()` shape)',
        configOnly: true,
      },
      input_mapping: {
        type: 'dict',
        description: 'Inputs of this node: name → {node, parameter, type, required, default, description}',
        configOnly: true,
      },
      output_mapping: {
        type: 'dict',
        description: 'Outputs of this node: name → inner node output to expose',
        configOnly: true,
      },
    },
    requireOneOf: [['workflow_path', 'workflow_dict']],
    acceptsAnyInput: true,
    dynamicOutputs: true,
    outputs: {
      results: { type: 'dict', description: 'Complete workflow execution results by node' },
    },
  },
];
