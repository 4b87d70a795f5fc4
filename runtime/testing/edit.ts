import { isMap, isSeq, parseDocument, YAMLMap, YAMLSeq, type Document } from 'yaml';
import type { NodeSpec } from '../catalog/types';
import type { NodeStatus, RunParameters } from '../engine/types';

/**
 * Writing test files from a run (the run panel's *Pin this output* and *Create test from this
 * run*): YAML files are edited in place, keeping their comments and layout; JSON files are
 * rewritten as JSON. Pure text in, text out.
 */

/** The test file beside a workflow: `orders.workflow.yaml` → `orders.workflow.test.yaml`. */
export function testFileFor(workflowPath: string): string {
  const m = /\.workflow\.(ya?ml|json)$/i.exec(workflowPath);
  return m
    ? `${workflowPath.slice(0, m.index)}.workflow.test.${m[1]!.toLowerCase() === 'json' ? 'json' : 'yaml'}`
    : `${workflowPath}.test.yaml`;
}

/** Keys whose values are credentials: a test file is shared and committed, so they are masked whatever the run knew. */
const CREDENTIAL_KEY =
  /(^|_|-)(token|access_token|refresh_token|id_token|secret|password|passwd|authorization|api_?key|cookie|set-cookie|private_key)$/i;

/**
 * An output made fit for a test file: the engine already replaced `${secret:…}` values with `***`;
 * this also masks values under credential-like keys (an OAuth token the run obtained, an
 * Authorization header), which no secret store knew about.
 */
export function redactForTest(value: unknown, depth = 0): unknown {
  if (depth > 64) return null;
  if (Array.isArray(value)) return value.map((v) => redactForTest(v, depth + 1));
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    const masked = CREDENTIAL_KEY.test(k) && v !== null && (typeof v === 'string' || typeof v === 'number');
    out[k] = masked ? maskCredential(String(v)) : redactForTest(v, depth + 1);
  }
  return out;
}

function maskCredential(v: string): string {
  const scheme = /^(Bearer|Basic|Token)\s+/i.exec(v);
  return scheme ? `${scheme[1]} ***` : '***';
}

/**
 * Whether a node type talks to a service outside the workflow (HTTP, databases, queues, cloud
 * storage, directories, models): *Create test from this run* pins these and runs the rest.
 */
export function callsServices(spec: NodeSpec): boolean {
  if (['api', 'database', 'cloud', 'messaging', 'ai'].includes(spec.category)) return true;
  return Object.keys(spec.params).some((p) => /(_server|_url|^url|endpoint|host)$/.test(p));
}

type Format = 'yaml' | 'json';

interface Edited {
  get(path: (string | number)[]): unknown;
  set(path: (string | number)[], value: unknown): void;
  push(path: (string | number)[], value: unknown): void;
  text(): string;
}

function open(text: string | undefined, format: Format, workflow: string): Edited {
  if (format === 'json') {
    const data = (text?.trim() ? JSON.parse(text) : { workflow, cases: [] }) as Record<string, unknown>;
    const at = (path: (string | number)[], create: boolean) => {
      let cur: Record<string | number, unknown> = data;
      for (const k of path) {
        if (cur[k] === undefined || cur[k] === null) {
          if (!create) return undefined;
          cur[k] = {};
        }
        cur = cur[k] as Record<string | number, unknown>;
      }
      return cur;
    };
    return {
      get: (path) => at(path, false),
      set: (path, value) => void (at(path.slice(0, -1), true)![path[path.length - 1]!] = value),
      push: (path, value) => {
        const parent = at(path.slice(0, -1), true)!;
        const key = path[path.length - 1]!;
        if (!Array.isArray(parent[key])) parent[key] = [];
        (parent[key] as unknown[]).push(value);
      },
      text: () => JSON.stringify(data, null, 2) + '\n',
    };
  }
  const doc: Document = parseDocument(text?.trim() ? text : `workflow: ${workflow}\ncases: []\n`, { version: '1.1' });
  if (doc.errors.length) throw new Error(`The test file does not parse: ${doc.errors[0]!.message}`);
  return {
    get: (path) => doc.getIn(path),
    set: (path, value) => {
      // A new mapping along the way is written in block style, as people write test files.
      for (let i = 1; i < path.length; i++) if (!doc.hasIn(path.slice(0, i))) doc.setIn(path.slice(0, i), new YAMLMap());
      doc.setIn(path, doc.createNode(value));
    },
    push: (path, value) => {
      let seq = doc.getIn(path);
      if (!isSeq(seq)) {
        seq = new YAMLSeq();
        doc.setIn(path, seq);
      }
      // `cases: []` reads as a flow sequence: a case appended to it is written in block style.
      (seq as YAMLSeq).flow = false;
      (seq as YAMLSeq).items.push(doc.createNode(value));
    },
    text: () => doc.toString({ lineWidth: 0, flowCollectionPadding: false }),
  };
}

/** The test file with `node`'s output pinned for every case (replacing an earlier pin of it); created when `text` is empty. */
export function pinOutput(text: string | undefined, format: Format, workflow: string, node: string, output: unknown): string {
  const file = open(text, format, workflow);
  file.set(['pins', node], redactForTest(output));
  return file.text();
}

export interface CaseFromRun {
  /** Node id → output, for the nodes to pin. */
  pins: Record<string, unknown>;
  /** Node id → status and (for nodes that ran) output, for the nodes to check. */
  nodes: Record<string, { status: NodeStatus; output?: unknown }>;
  status: 'succeeded' | 'failed' | 'cancelled';
  parameters?: RunParameters;
}

/** The test file with one more case, holding what a run did; its name is made unique in the file. */
export function addCase(
  text: string | undefined,
  format: Format,
  workflow: string,
  name: string,
  run: CaseFromRun,
): { text: string; name: string } {
  const file = open(text, format, workflow);
  const taken = new Set<string>();
  const cases = file.get(['cases']);
  const list = isSeq(cases)
    ? cases.items.map((i) => (isMap(i) ? i.get('name') : undefined))
    : Array.isArray(cases)
      ? cases.map((c) => c?.name)
      : [];
  for (const n of list) if (typeof n === 'string') taken.add(n);
  let unique = name;
  for (let i = 2; taken.has(unique); i++) unique = `${name} (${i})`;
  const expect: Record<string, unknown> = {};
  for (const [id, n] of Object.entries(run.nodes)) {
    expect[id] =
      n.status === 'succeeded' && n.output !== undefined ? { status: n.status, equals: redactForTest(n.output) } : { status: n.status };
  }
  const c: Record<string, unknown> = { name: unique };
  if (run.parameters && Object.keys(run.parameters).length) c.parameters = run.parameters;
  if (Object.keys(run.pins).length) c.pins = Object.fromEntries(Object.entries(run.pins).map(([k, v]) => [k, redactForTest(v)]));
  if (run.status !== 'succeeded') c.status = run.status;
  c.expect = expect;
  file.push(['cases'], c);
  return { text: file.text(), name: unique };
}
