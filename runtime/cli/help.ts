import pkg from '../../package.json';
import { closest } from '../util/suggest';

/** One command of `kailash-wf`: what `--help` prints for it and what the overview lists. */
interface CommandHelp {
  synopsis: string;
  summary: string;
  options: [flag: string, what: string][];
  /** Exit codes beyond the common ones (0 ok, 2 bad usage, 3 internal error). */
  exits?: string;
  example?: string;
}

const REDIS: [string, string] = ['--redis URL', 'the Redis server of the queue (redis://127.0.0.1:6379)'];
const QUEUE: [string, string] = ['--queue NAME', "the queue's name (default: kailash)"];
const PARAMS: [string, string][] = [
  ['--params FILE', 'run parameters from a JSON or YAML file: {node_id: {param: value}}, or {param: value} for every node that takes it'],
  [
    '--param [node.]key=value',
    'one run parameter (repeatable; without node., for every node that takes key); a text parameter takes the text as typed, other values are read as YAML scalars or [..]/{..} collections',
  ],
];

export const COMMANDS: Record<string, CommandHelp> = {
  validate: {
    synopsis: 'validate <file>... [--json]',
    summary: 'check workflow files',
    options: [['--json', 'print the diagnostics as a JSON array']],
    exits: '0 no errors, 1 errors found',
    example: 'kailash-wf validate examples/*.workflow.yaml',
  },
  run: {
    synopsis: 'run <file> [--params FILE] [--param [node.]key=value]... [--env-file FILE] [--to NODE] [--json]',
    summary: "run a workflow and print each node's result",
    options: [
      ...PARAMS,
      ['--env-file FILE', 'variables that ${env:NAME} reads; KAILASH_SECRET_<NAME> entries supply ${secret:NAME}'],
      ['--to NODE', 'run only NODE and what it depends on'],
      ['--json', 'print the run record as JSON'],
    ],
    exits: '0 succeeded, 1 a node failed, 2 invalid workflow, a required parameter with no value (nothing ran), or usage',
    example: 'kailash-wf run examples/quickstart.workflow.yaml',
  },
  test: {
    synopsis: 'test [file|folder]... [--reporter text|junit|tap] [--color|--no-color]',
    summary: 'run workflow test files (*.workflow.test.yaml; default: all under the working folder)',
    options: [
      ['--reporter NAME', 'text (default: a line per case, failures with a diff), junit (XML for CI) or tap (TAP 13)'],
      ['--color, --no-color', 'colour the diff (default: only on a terminal, and not when NO_COLOR is set)'],
    ],
    exits: '0 every case passed, 1 a case failed or could not run, 2 an invalid test file, no test files, or usage',
    example: 'kailash-wf test examples/ --reporter junit > report.xml',
  },
  nodes: {
    synopsis: 'nodes [TYPE] [--json]',
    summary: "list the node catalog, or one node type's reference",
    options: [['--json', 'print the specs as JSON']],
    example: 'kailash-wf nodes HTTPRequestNode',
  },
  schema: { synopsis: 'schema', summary: 'print the workflow JSON schema', options: [] },
  graph: {
    synopsis: 'graph <file> [--format mermaid|dot]',
    summary: 'print the workflow graph',
    options: [['--format mermaid|dot', 'the output format (default mermaid)']],
    exits: '0 printed, 1 the workflow has errors',
  },
  worker: {
    synopsis: 'worker --redis URL [--queue NAME] [--concurrency N] [--root DIR] [--timeout S] [--lock-duration S] [--grace S]',
    summary: 'take runs from a queue and execute them',
    options: [
      REDIS,
      QUEUE,
      ['--concurrency N', 'runs at once (default 4)'],
      ['--root DIR', 'the folder workflow paths resolve in; files outside it are refused (default: the working folder)'],
      ['--timeout S', 'fail a run that takes longer than S seconds'],
      ['--lock-duration S', 'how long a run stays claimed without a heartbeat (default 30)'],
      ['--grace S', 'on SIGTERM, how long in-flight runs may finish (default 30)'],
    ],
  },
  submit: {
    synopsis:
      'submit <file> --redis URL [--queue NAME] [--params FILE] [--param [node.]key=value]... [--to NODE] [--timeout S] [--run-id ID] [--root DIR] [--wait] [--json]',
    summary: 'send a run to a worker queue (prints its run id)',
    options: [
      REDIS,
      QUEUE,
      ...PARAMS,
      ['--to NODE', 'run only NODE and what it depends on'],
      ['--timeout S', 'fail the run if it takes longer than S seconds'],
      ['--run-id ID', 'make submitting idempotent'],
      ['--root DIR', 'the root the file must be inside (default: the working folder)'],
      ['--wait', 'wait for the run and print and exit as `run` does'],
      ['--json', 'with --wait, print the run record as JSON'],
    ],
    example: 'ID=$(kailash-wf submit flows/sync.workflow.yaml --redis redis://127.0.0.1:6379)',
  },
  status: {
    synopsis: 'status <run-id> --redis URL [--queue NAME] [--json]',
    summary: "a queued run's state and record",
    options: [REDIS, QUEUE, ['--json', 'print {runId, queue, state, record?}']],
    exits: '0 queued, running or succeeded, 1 failed or cancelled, 2 unknown run',
  },
  cancel: {
    synopsis: 'cancel <run-id> --redis URL [--queue NAME]',
    summary: 'cancel a queued or running run',
    options: [REDIS, QUEUE],
  },
};

export const VERSION: string = pkg.version;

export function overview(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((c) => c.length));
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`);
  return `Usage: kailash-wf <command> [options]

Commands:
${lines.join('\n')}

Options:
  -h, --help     this help; \`kailash-wf <command> --help\` for one command
  -V, --version  print the version

Exit codes: 0 ok, 1 the check or run failed, 2 bad usage or invalid workflow, 3 internal error.
`;
}

export function commandHelp(name: string): string {
  const c = COMMANDS[name]!;
  const width = Math.max(0, ...c.options.map(([f]) => f.length));
  const opts = c.options.length ? `\nOptions:\n${c.options.map(([f, w]) => `  ${f.padEnd(width)}  ${w}`).join('\n')}\n` : '';
  const exits = c.exits ? `\nExit codes: ${c.exits}.\n` : '';
  const example = c.example ? `\nExample:\n  ${c.example}\n` : '';
  return `Usage: kailash-wf ${c.synopsis}\n\n${c.summary[0]!.toUpperCase()}${c.summary.slice(1)}.\n${opts}${exits}${example}`;
}

/** `unknown command 'rn'`, with the nearest commands when there are any. */
export function unknownCommand(name: string): string {
  const near = closest(name, Object.keys(COMMANDS));
  return `unknown command '${name}'${near.length ? ` (did you mean ${near.map((n) => `'${n}'`).join(' or ')}?)` : ''}; see kailash-wf --help`;
}
