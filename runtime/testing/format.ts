import type { Diagnostic } from '../diagnostics';
import type { NodeStatus, RunStatus } from '../engine/types';
import { diag, readDocument } from '../model/parse';
import type { Entry, MapValue, Span, Spanned, Value } from '../model/types';
import { toPlain } from '../model/values';
import { closest } from '../util/suggest';

/** Test files sit beside workflows: `orders.workflow.test.yaml` tests `orders.workflow.yaml`. */
export const TEST_FILE_NAME = /\.workflow\.test\.(ya?ml|json)$/i;

export function isTestFile(path: string): boolean {
  return TEST_FILE_NAME.test(path);
}

export const NODE_STATUSES: readonly NodeStatus[] = ['succeeded', 'failed', 'skipped', 'cancelled', 'not-run'];
export const RUN_STATUSES: readonly RunStatus[] = ['succeeded', 'failed', 'cancelled'];

export const FILE_KEYS = ['workflow', 'description', 'parameters', 'params_file', 'env_file', 'env', 'pins', 'cases'] as const;
export const CASE_KEYS = ['name', 'description', 'parameters', 'pins', 'status', 'expect'] as const;
export const ASSERTION_KEYS = ['status', 'path', 'equals', 'subset', 'schema', 'expression'] as const;

/** A pinned output: the node is not run, this value is its output (`null`: the node is skipped). */
export interface Pin {
  node: Spanned<string>;
  value: Value;
}

/** What a case asserts about one node. */
export interface NodeExpectation {
  node: Spanned<string>;
  span: Span;
  status?: Spanned<NodeStatus>;
  /** Assertions apply to this dotted path of the output (as `from_output` reads it), not the whole output. */
  path?: Spanned<string>;
  equals?: Value;
  subset?: Value;
  schema?: Value;
  expressions: Spanned<string>[];
}

export interface TestCase {
  name: Spanned<string>;
  /** The whole case entry. */
  span: Span;
  parameters?: MapValue;
  pins: Pin[];
  status?: Spanned<RunStatus>;
  expect: NodeExpectation[];
}

export interface TestFileModel {
  text: string;
  root?: MapValue;
  workflow?: Spanned<string>;
  parameters?: MapValue;
  paramsFile?: Spanned<string>;
  envFile?: Spanned<string>;
  env?: MapValue;
  pins: Pin[];
  cases: TestCase[];
  /** Problems found reading it: `yaml-syntax` and `test-file`. */
  diagnostics: Diagnostic[];
}

/**
 * Reads a test file into a model whose every part keeps its span (the language server points at
 * them, failures name them). Never throws: what cannot be read becomes a diagnostic.
 */
export function parseTestFile(text: string, format: 'yaml' | 'json' = 'yaml'): TestFileModel {
  const model: TestFileModel = { text, pins: [], cases: [], diagnostics: [] };
  const root = readDocument(text, format, model.diagnostics);
  const bad = (message: string, span: Span, suggestions?: string[]) =>
    model.diagnostics.push(diag('test-file', 'error', message, span, suggestions));
  if (!root || (root.kind === 'scalar' && root.value === null)) {
    if (!model.diagnostics.length) bad('The test file is empty: it needs `workflow` and `cases`.', [0, Math.min(text.length, 1)]);
    return model;
  }
  if (root.kind !== 'map') {
    bad('A test file is a mapping with `workflow` and `cases` at the top level.', root.span);
    return model;
  }
  model.root = root;
  for (const e of root.entries) {
    switch (e.key) {
      case 'workflow':
        model.workflow = text_(e, bad);
        break;
      case 'description':
        text_(e, bad);
        break;
      case 'params_file':
        model.paramsFile = text_(e, bad);
        break;
      case 'env_file':
        model.envFile = text_(e, bad);
        break;
      case 'parameters':
        model.parameters = mapping(e, bad);
        break;
      case 'env': {
        const env = mapping(e, bad);
        if (env) {
          model.env = env;
          for (const v of env.entries)
            if (v.value.kind !== 'scalar' || v.value.value === null) bad(`\`env\` values are text: ${v.key} is not.`, v.value.span);
        }
        break;
      }
      case 'pins':
        model.pins = pins(e, bad);
        break;
      case 'cases':
        if (e.value.kind !== 'seq') bad('`cases` is a list of cases, each with a `name`.', e.value.span);
        else for (const item of e.value.items) readCase(item, model, bad);
        break;
      default:
        unknownKey(e, FILE_KEYS, 'test file', bad);
    }
  }
  if (!model.workflow && !model.diagnostics.some((d) => d.code === 'yaml-syntax'))
    bad(
      'A test file names the workflow it tests: `workflow: my.workflow.yaml` (relative to this file).',
      root.entries[0]?.keySpan ?? root.span,
    );
  if (!getKey(root, 'cases') && !model.diagnostics.some((d) => d.code === 'yaml-syntax'))
    bad('A test file needs `cases`: a list of cases, each with a `name`.', root.entries[0]?.keySpan ?? root.span);
  return model;
}

type Bad = (message: string, span: Span, suggestions?: string[]) => void;

function getKey(map: MapValue, key: string): Entry | undefined {
  return map.entries.find((e) => e.key === key);
}

function unknownKey(e: Entry, known: readonly string[], where: string, bad: Bad): void {
  const near = closest(e.key, known);
  bad(
    `Unknown key \`${e.key}\` in a ${where}${near.length ? ` (did you mean \`${near[0]}\`?)` : ''}; it takes ${known.map((k) => `\`${k}\``).join(', ')}.`,
    e.keySpan,
    near,
  );
}

function text_(e: Entry, bad: Bad): Spanned<string> | undefined {
  if (e.value.kind === 'scalar' && typeof e.value.value === 'string' && e.value.value !== '')
    return { value: e.value.value, span: e.value.span };
  bad(`\`${e.key}\` is text.`, e.value.span);
  return undefined;
}

function mapping(e: Entry, bad: Bad): MapValue | undefined {
  if (e.value.kind === 'map') return e.value;
  if (e.value.kind === 'scalar' && e.value.value === null) return undefined;
  bad(`\`${e.key}\` is a mapping.`, e.value.span);
  return undefined;
}

function pins(e: Entry, bad: Bad): Pin[] {
  const map = mapping(e, bad);
  if (!map) return [];
  const out: Pin[] = [];
  for (const p of map.entries) {
    const v = p.value;
    if (v.kind === 'seq' || (v.kind === 'scalar' && v.value !== null)) {
      bad(`A pinned output is the node's output dict (or null for a skipped node); \`${p.key}\` is not a mapping.`, v.span);
      continue;
    }
    out.push({ node: { value: p.key, span: p.keySpan }, value: v });
  }
  return out;
}

function readCase(item: Value, model: TestFileModel, bad: Bad): void {
  if (item.kind !== 'map') {
    bad('A case is a mapping with a `name` (and `pins`, `parameters`, `status`, `expect`).', item.span);
    return;
  }
  let name: Spanned<string> | undefined;
  const c: Omit<TestCase, 'name'> = { span: item.span, pins: [], expect: [] };
  for (const e of item.entries) {
    switch (e.key) {
      case 'name':
        if (e.value.kind === 'scalar' && e.value.value !== null && e.value.value !== '')
          name = { value: String(e.value.value), span: e.value.span };
        else bad('A case `name` is text.', e.value.span);
        break;
      case 'description':
        text_(e, bad);
        break;
      case 'parameters': {
        const p = mapping(e, bad);
        if (p) c.parameters = p;
        break;
      }
      case 'pins':
        c.pins = pins(e, bad);
        break;
      case 'status': {
        const s = status(e, RUN_STATUSES, 'run', bad);
        if (s) c.status = s as Spanned<RunStatus>;
        break;
      }
      case 'expect': {
        const map = mapping(e, bad);
        for (const n of map?.entries ?? []) {
          const x = expectation(n, bad);
          if (x) c.expect.push(x);
        }
        break;
      }
      default:
        unknownKey(e, CASE_KEYS, 'case', bad);
    }
  }
  if (!name) {
    bad('Every case has a `name` (the Test Explorer and reports show it).', item.span);
    return;
  }
  const twin = model.cases.find((x) => x.name.value === name.value);
  if (twin) bad(`Two cases are named '${name.value}': reports could not tell them apart.`, name.span);
  model.cases.push({ name, ...c });
}

function status(e: Entry, allowed: readonly string[], what: string, bad: Bad): Spanned<string> | undefined {
  const v = e.value;
  if (v.kind === 'scalar' && typeof v.value === 'string' && allowed.includes(v.value)) return { value: v.value, span: v.span };
  const near = v.kind === 'scalar' && typeof v.value === 'string' ? closest(v.value, allowed) : [];
  bad(`A ${what} status is one of ${allowed.map((s) => `\`${s}\``).join(', ')}.`, v.span, near);
  return undefined;
}

function expectation(n: Entry, bad: Bad): NodeExpectation | undefined {
  const node = { value: n.key, span: n.keySpan };
  if (n.value.kind !== 'map') {
    bad(
      `What to expect of \`${n.key}\` is a mapping: \`status\`, \`equals\`, \`subset\`, \`schema\`, \`expression\` (and \`path\`).`,
      n.value.span,
    );
    return undefined;
  }
  const x: NodeExpectation = { node, span: [n.keySpan[0], n.value.span[1]], expressions: [] };
  for (const e of n.value.entries) {
    switch (e.key) {
      case 'status': {
        const s = status(e, NODE_STATUSES, 'node', bad);
        if (s) x.status = s as Spanned<NodeStatus>;
        break;
      }
      case 'path': {
        const p = text_(e, bad);
        if (p) x.path = p;
        break;
      }
      case 'equals':
        x.equals = e.value;
        break;
      case 'subset':
        if (e.value.kind === 'scalar' && e.value.value !== null)
          bad('`subset` is a mapping or a list (a part of the output).', e.value.span);
        else x.subset = e.value;
        break;
      case 'schema':
        if (e.value.kind !== 'map' && !(e.value.kind === 'scalar' && typeof e.value.value === 'boolean'))
          bad('`schema` is a JSON Schema (a mapping).', e.value.span);
        else x.schema = e.value;
        break;
      case 'expression': {
        const list = e.value.kind === 'seq' ? e.value.items : [e.value];
        for (const v of list) {
          if (v.kind === 'scalar' && typeof v.value === 'string') x.expressions.push({ value: v.value, span: v.span });
          else bad('An `expression` is text (or a list of texts), e.g. `len(data) == 3`.', v.span);
        }
        break;
      }
      default:
        unknownKey(e, ASSERTION_KEYS, 'node expectation', bad);
    }
  }
  return x;
}

/** The plain value of a part of the file (as YAML 1.1 / JSON reads it). */
export function plain(v: Value | undefined): unknown {
  return toPlain(v);
}
