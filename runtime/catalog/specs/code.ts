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
      "`sandbox_mode: restricted` (default) is Kailash's: imports only from its module allow-list (math, json, datetime, re, collections, pandas, numpy, …), its builtins only (no `class` statements, no `eval`), and the code is checked before it runs; `trusted` lifts all of it. Installed allow-listed modules are in scope without `import` (`math.sqrt(81)`).",
      "The interpreter gets no secret of the environment (`os.environ` holds PATH, HOME, locale and Python's own variables): pass a value as an input (`${env:NAME}`, `${secret:NAME}`). `print` output goes to the node's log; processes the code starts are killed with the run.",
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
        description: 'Check the code for unsafe constructs (AST) before it runs, in `trusted` mode too (restricted code is always checked)',
        default: false,
        configOnly: true,
      },
      sandbox_mode: {
        type: 'str',
        description: '`restricted`: imports limited to an allow-list of safe modules; `trusted`: no limit',
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
        description: 'The value the code assigned to `result` (without one, every local variable is an output)',
      },
    },
  },
  {
    type: 'JavaScriptCodeNode',
    category: 'code',
    origin: 'ours',
    summary: 'Run inline JavaScript; every input becomes a variable',
    docs: md(
      'Runs `code` in a QuickJS sandbox (a separate JavaScript engine in WebAssembly) with each input (connection or run parameter) as a variable, like `PythonCodeNode`. The value assigned to `result` is the output `result`.',
      "The sandbox has the language only: no `process`, `require`, timers, network or files. Inputs are copied in and `result` out as JSON; `console.log` goes to the node's log. The code is stopped after `timeout` seconds, or when it uses more memory than the limit (256 MB).",
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
