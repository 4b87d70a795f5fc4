import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { isDeepStrictEqual } from 'node:util';
import { LocalRuntime } from '../../runtime/engine/local';
import { WorkflowInvalid } from '../../runtime/engine/errors';
import { parseWorkflow } from '../../runtime/model/parse';
import { validateModel } from '../../runtime/validate';
import { parseJson } from '../../runtime/values/json';
import { canonical, orderDifferences, parseLossless, type Tree } from './compare';
import { PLACEHOLDER, SERVER, startCompatServer } from './http-server';

// Every case of test/compat/cases runs through our engine and is compared with what the Kailash
// Python SDK did with it (NAME.expected.json, written by scripts/oracle/oracle.py; see README.md).

const HERE = __dirname;
const SQL_NODES = new Set(['SQLDatabaseNode', 'AsyncSQLDatabaseNode']);
const CASES = join(HERE, 'cases');
const names = readdirSync(CASES)
  .filter((f) => f.endsWith('.workflow.yaml'))
  .map((f) => f.slice(0, -'.workflow.yaml'.length))
  .sort();

interface Known {
  category: string;
  reason: string;
  /** A diagnostic the file must get for it (our warning where Kailash itself would fail). */
  diagnostic?: string;
}
const known = JSON.parse(readFileSync(join(HERE, 'known-differences.json'), 'utf8')) as Record<string, Known>;

interface Expected {
  status: 'ok' | 'error';
  results?: Record<string, Tree>;
  failed_nodes?: Record<string, string | null>;
  error?: { type: string; message: string };
  must_mention?: string | null;
  node?: string;
}

interface Ours {
  status: 'ok' | 'error';
  results: Record<string, unknown>;
  message: string;
  node?: string;
  nodeErrors: Record<string, string>;
  folders: string[];
}

const runtime = new LocalRuntime({ env: { KAILASH_PYTHON: process.env.KAILASH_PYTHON } });
after(() => runtime.dispose());

// The server the HTTP family of cases calls (http-server.ts), as the oracle started it for the SDK.
let server: Awaited<ReturnType<typeof startCompatServer>> | undefined;
before(async () => {
  server = await startCompatServer();
});
after(() => server?.server.close());
const places = (): [string, string][] => (server ? [[server.url, SERVER]] : []);

/** Runs a case in a fresh folder holding its workflow and files, as the oracle did. */
async function runOurs(name: string, chain = true): Promise<Ours> {
  const dir = mkdtempSync(join(tmpdir(), 'kwf-compat-'));
  const folders = [...new Set([realpathSync(dir), dir])].sort((a, b) => b.length - a.length);
  try {
    const text = readFileSync(join(CASES, `${name}.workflow.yaml`), 'utf8');
    writeFileSync(join(dir, `${name}.workflow.yaml`), server ? text.split(PLACEHOLDER).join(server.url) : text);
    if (existsSync(join(CASES, `${name}.files`))) cpSync(join(CASES, `${name}.files`), dir, { recursive: true });
    const paramsFile = join(CASES, `${name}.params.json`);
    // Read as `kailash-wf run --params` reads a JSON file: losslessly (runtime/values/json.ts).
    const parameters = existsSync(paramsFile) ? (parseJson(readFileSync(paramsFile, 'utf8')) as Record<string, unknown>) : undefined;
    const model = parseWorkflow(readFileSync(join(dir, `${name}.workflow.yaml`), 'utf8'));
    try {
      const r = await runtime.execute(model, { baseDir: dir, parameters, maxConcurrency: 1, chain });
      const nodeErrors = Object.fromEntries(Object.entries(r.nodes).flatMap(([id, rec]) => (rec.error ? [[id, rec.error.message]] : [])));
      // Kailash's execute() returns results when every node was visited: a failing leaf is
      // recorded and the run goes on. Ours reports such a run as failed, but visits every node too.
      // A failure that stopped the run (content-aware, a SQL node, a node others depend on) is
      // what Kailash raises from execute().
      const failedNode = r.error?.node ? model.nodesById.get(r.error.node) : undefined;
      const stopped =
        r.error?.type === 'ContentAwareExecutionError' ||
        (failedNode !== undefined && (SQL_NODES.has(failedNode.type?.value ?? '') || model.connections.some((c) => c.from?.value === failedNode.id)));
      const completed = !stopped && r.status !== 'cancelled' && Object.values(r.nodes).every((rec) => rec.status !== 'not-run' && rec.status !== 'cancelled');
      return { status: completed ? 'ok' : 'error', results: r.results, message: r.error?.message ?? '', node: r.error?.node, nodeErrors, folders };
    } catch (err) {
      if (err instanceof WorkflowInvalid) return { status: 'error', results: {}, message: err.message, nodeErrors: {}, folders };
      throw err;
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Differences between our run and the SDK's, as readable lines (none when they agree). */
function compare(expected: Expected, ours: Ours): string[] {
  const problems: string[] = [];
  if (expected.status !== ours.status) {
    const theirs = expected.status === 'error' ? `failed: ${expected.error?.type}: ${expected.error?.message}` : 'completed';
    const mine = ours.status === 'error' ? `failed: ${ours.message.split('\n')[0]}` : 'completed';
    return [`Kailash ${theirs}; ours ${mine}`];
  }
  if (expected.status === 'error') {
    const mention = expected.must_mention;
    if (mention && !String(canonical(ours.message, ours.folders, places())).includes(mention)) {
      problems.push(`our error does not mention ${JSON.stringify(mention)}: ${ours.message.split('\n')[0]}`);
    }
    if (expected.node && ours.node !== expected.node) problems.push(`Kailash failed at node '${expected.node}', ours at ${ours.node ? `'${ours.node}'` : 'no node'}`);
    return problems;
  }
  const theirs: Record<string, Tree> = { ...expected.results };
  const mine = canonical(ours.results, ours.folders, places()) as Record<string, Tree>;
  // A failed node's result holds Kailash's own wording; what must match is that it failed with
  // the message the user's code raised.
  for (const [node, mention] of Object.entries(expected.failed_nodes ?? {})) {
    theirs[node] = '<failed>';
    const r = mine[node] as Record<string, Tree> | null | undefined;
    const message = String(ours.nodeErrors[node] ?? '');
    if (r && typeof r === 'object' && r.failed === true && (!mention || String(canonical(message, ours.folders, places())).includes(mention))) mine[node] = '<failed>';
  }
  if (!isDeepStrictEqual(theirs, mine)) {
    try {
      assert.deepStrictEqual(mine, theirs);
    } catch (e) {
      problems.push((e as Error).message);
    }
  } else problems.push(...orderDifferences(theirs, mine));
  return problems;
}

/** Whether a case has two PythonCodeNodes or more, so that part of it may run as a chain. */
function chainable(name: string): boolean {
  return (readFileSync(join(CASES, `${name}.workflow.yaml`), 'utf8').match(/\bPythonCodeNode\b/g) ?? []).length >= 2;
}

describe('the Kailash SDK is the oracle: every compat case matches it, or is a listed known difference', () => {
  it('every case has an expected file, and every known difference names a case', () => {
    assert.ok(names.length >= 150, `only ${names.length} cases`);
    assert.deepEqual(names.filter((n) => !existsSync(join(CASES, `${n}.expected.json`))), []);
    assert.deepEqual(Object.keys(known).filter((k) => !names.includes(k)), []);
    for (const [k, v] of Object.entries(known)) assert.ok(v.category && v.reason, `${k} needs a category and a reason`);
  });

  for (const name of names) {
    it(name, async () => {
      const expected = parseLossless(readFileSync(join(CASES, `${name}.expected.json`), 'utf8')) as unknown as Expected;
      const problems = compare(expected, await runOurs(name));
      // A chain of PythonCodeNodes runs as one request to the worker (runtime/engine/chains.ts);
      // stepping through it (the debugger, `beforeNode`) runs each node alone, so values cross
      // into JavaScript between them: both ways must give Kailash's results.
      if (problems.length === 0 && chainable(name)) problems.push(...compare(expected, await runOurs(name, false)).map((p) => `run node by node: ${p}`));
      if (known[name]) {
        assert.ok(problems.length > 0, `${name} now matches Kailash: remove it from known-differences.json (${known[name].reason})`);
        const code = known[name].diagnostic;
        if (code) {
          const found = validateModel(parseWorkflow(readFileSync(join(CASES, `${name}.workflow.yaml`), 'utf8'))).map((d) => d.code);
          assert.ok(found.includes(code as never), `${name} should get a ${code} diagnostic; got ${found.join(', ') || 'none'}`);
        }
      } else {
        assert.deepEqual(problems, [], `${name} differs from Kailash (fix it, or list it in known-differences.json with a reason)`);
      }
    });
  }
});
