import type { NodeSpec } from '../types';

const md = (...lines: string[]): string => lines.join('\n');

export const specs: NodeSpec[] = [
  {
    type: 'PythonCodeNode',
    category: 'code',
    origin: 'kailash',
    summary: 'Run inline Python code; every input becomes a variable',
    docs: md(
      'Runs `code` with each input (connection or run parameter) as a local variable. If the code sets `result`, the output is `{result: <value>}`; otherwise **all** non-underscore locals are returned (inputs included).',
      '`sandbox_mode: restricted` (default) only allows imports from a module allow-list (math, json, datetime, re, collections, pandas, numpy, …); `trusted` lifts it.',
      '`code` is fixed at construction: a run parameter named `code` becomes a variable instead of replacing it.',
      '```yaml',
      'nodes:',
      '  - id: total',
      '    type: PythonCodeNode',
      '    config:',
      '      code: |',
      '        result = sum(row["amount"] for row in rows)',
      '```',
    ),
    params: {
      code: {
        type: 'str',
        description: 'Python code to run; set `result` to choose the output',
        required: true,
        configOnly: true,
      },
      input_types: {
        type: 'dict',
        description: 'Declared inputs: name → Python type name; declared inputs become required',
        configOnly: true,
      },
      output_type: {
        type: 'Any',
        description: 'Python type of `result` (default: Any)',
        configOnly: true,
      },
      max_code_lines: {
        type: 'int',
        description: 'Warn when `code` is longer than this many lines',
        default: 10,
        configOnly: true,
      },
      validate_security: {
        type: 'bool',
        description: 'Check the code for unsafe constructs (AST) when the node is built',
        default: false,
        configOnly: true,
      },
      sandbox_mode: {
        type: 'str',
        description:
          '`restricted`: imports limited to an allow-list of safe modules; `trusted`: no limit',
        default: 'restricted',
        enum: ['restricted', 'trusted'],
        configOnly: true,
      },
    },
    acceptsAnyInput: true,
    dynamicOutputs: true,
    outputs: {
      result: {
        type: 'Any',
        description:
          'The value the code assigned to `result` (without one, every local variable is an output)',
      },
    },
  },
  {
    type: 'JavaScriptCodeNode',
    category: 'code',
    origin: 'ours',
    summary: 'Run inline JavaScript; every input becomes a variable',
    docs: md(
      'Runs `code` in an isolated JavaScript context with each input (connection or run parameter) as a variable, like `PythonCodeNode`. The value assigned to `result` is the output `result`.',
      'The code is stopped after `timeout` seconds. Inputs and `result` should be JSON-serializable values.',
      '```yaml',
      'nodes:',
      '  - id: shape',
      '    type: JavaScriptCodeNode',
      '    config:',
      '      code: |',
      '        result = rows.filter((r) => r.active).map((r) => ({ id: r.id, name: r.name }));',
      '```',
    ),
    params: {
      code: {
        type: 'str',
        description: 'JavaScript code to run; assign `result` to choose the output',
        required: true,
        configOnly: true,
        // `${…}` in JavaScript is a template literal, never a workflow template.
        raw: true,
      },
      timeout: {
        type: 'float',
        description: 'Seconds the code may run before it is stopped',
        default: 30,
      },
    },
    acceptsAnyInput: true,
    dynamicOutputs: true,
    outputs: {
      result: { type: 'Any', description: 'The value the code assigned to `result`' },
    },
  },
];
