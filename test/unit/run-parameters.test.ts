// Run-time parameters as Kailash's LocalRuntime.execute(parameters=…) takes them: required values
// checked when the run starts, global parameters, and warnings for parameters that reach nothing.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { collectParams } from '../../runtime/cli/run';
import { cli } from '../support/cli';
import { WorkflowInvalid } from '../../runtime/engine/errors';
import { prepareRun } from '../../runtime/engine/local';
import { notPlain } from '../../runtime/engine/plain';
import { checkRun, ParameterPlan } from '../../runtime/engine/run-parameters';
import { parseWorkflow } from '../../runtime/model/parse';
import { validateText } from '../../runtime/validate';
import { startServer } from '../support/http-server';
import { runYaml, workspace } from '../support/run';

const JWT = `name: jwt
nodes:
  - id: issue
    type: JWTAuthNode
    config: {secret_key: "\${secret:JWT_SECRET}", payload: {sub: ada}}
  - id: verify
    type: JWTAuthNode
    config: {secret_key: "\${secret:JWT_SECRET}"}
connections:
  - {from_node: issue, from_output: token, to_node: verify, to_input: token}
`;

describe('validation: a required value the run may give is a warning', () => {
  it('warns (never errors) when config, the parameters block and connections give nothing', () => {
    const { diagnostics } = validateText(JWT);
    assert.deepEqual(
      diagnostics.map((d) => [d.severity, d.code]),
      [
        ['warning', 'missing-required-param'],
        ['warning', 'missing-required-param'],
      ],
    );
    assert.match(
      diagnostics[0]!.message,
      /^Node 'issue' \(JWTAuthNode\): required parameter 'action' \(str\) is in none of config, the `parameters` block or a connection: it must be given at run time, or add it to config\.$/,
    );
    assert.deepEqual(diagnostics[0]!.suggestions, ['action']);
  });

  it('a one-of group gets the same warning; a value only config can give stays an error', () => {
    const { diagnostics } = validateText(
      'nodes:\n  - {id: db, type: AsyncSQLDatabaseNode, config: {connection_string: "sqlite:///x.db"}}\n  - {id: fixed, type: SQLDatabaseNode, config: {query: "SELECT 1"}}\n',
    );
    const byNode = (id: string) =>
      diagnostics
        .filter((d) => d.code === 'missing-required-param' && d.message.startsWith(`Node '${id}'`))
        .map((d) => `${d.severity}: ${d.message}`);
    assert.deepEqual(byNode('db'), [
      "warning: Node 'db' (AsyncSQLDatabaseNode) needs one of 'query' or 'operations', and none is in config, the `parameters` block or a connection: it must be given at run time, or add it to config.",
    ]);
    assert.deepEqual(byNode('fixed'), [
      "error: Node 'fixed' (SQLDatabaseNode) is missing required parameter 'connection_string' (str): set it in `config` (it is fixed when the node is built).",
    ]);
  });

  it('`validate` exits 0 on such a file and prints the warnings', async () => {
    const dir = workspace({ 'jwt.workflow.yaml': JWT });
    const r = await cli('validate', join(dir, 'jwt.workflow.yaml'));
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, /jwt\.workflow\.yaml:4:11: warning \[missing-required-param\] Node 'issue'/);
    assert.match(r.out, /1 file checked: 0 errors, 2 warnings/);
  });

  it("a global in the file's parameters block gives the value; one that reaches no node is a warning", () => {
    const given = validateText(`${JWT}parameters:\n  action: generate\n`);
    assert.deepEqual(given.diagnostics, []);
    const stray = validateText(`${JWT}parameters:\n  issu: {action: generate}\n  verify: verify\n`);
    assert.deepEqual(
      stray.diagnostics.filter((d) => d.code === 'unknown-param').map((d) => d.message),
      [
        "'issu' is not a node id and no node takes a parameter 'issu'; Kailash ignores it. Did you mean node 'issue'?",
        "'verify' names a node, so its value must be a mapping of that node's parameters; Kailash treats it as a global parameter that no node takes.",
      ],
    );
  });
});

describe('the run-time check: everything the run has', () => {
  const missingOf = (text: string, options: Parameters<typeof checkRun>[1] = {}) =>
    checkRun(parseWorkflow(text), options).missing.map((d) => d.message);

  it('refuses, naming the node, the parameter and where it can come from, when nothing gives it', () => {
    assert.deepEqual(missingOf(JWT), [
      `Node 'issue' (JWTAuthNode) has no value for required parameter 'action' (str): set it in config, connect an output to it, or give it in the run's parameters ({"issue": {"action": …}}).`,
      `Node 'verify' (JWTAuthNode) has no value for required parameter 'action' (str): set it in config, connect an output to it, or give it in the run's parameters ({"verify": {"action": …}}).`,
    ]);
    assert.throws(
      () => prepareRun(parseWorkflow(JWT), { parameters: { issue: { action: 'generate' } } }),
      (e: unknown) =>
        e instanceof WorkflowInvalid &&
        e.diagnostics.length === 1 &&
        /^Node 'verify' \(JWTAuthNode\) has no value for required parameter 'action'/.test(e.message),
    );
  });

  it('accepts the value from node parameters, a global, the parameters block or a connection', () => {
    assert.deepEqual(missingOf(JWT, { parameters: { issue: { action: 'generate' }, verify: { action: 'verify' } } }), []);
    assert.deepEqual(missingOf(JWT, { parameters: { action: 'verify' } }), []);
    assert.deepEqual(missingOf(`${JWT}parameters:\n  issue: {action: generate}\n`, { parameters: { verify: { action: 'verify' } } }), []);
    const wired = `${JWT}  - {from_node: issue, from_output: token, to_node: verify, to_input: action}\n`;
    assert.deepEqual(missingOf(wired, { parameters: { issue: { action: 'generate' } } }), []);
    // null is no value, as Kailash's `Required parameter … not provided` has it.
    assert.equal(missingOf(JWT, { parameters: { action: null } }).length, 2);
  });

  it('checks only the nodes the run executes (`to`, reused outputs)', () => {
    assert.deepEqual(missingOf(JWT, { to: 'issue', parameters: { issue: { action: 'generate' } } }), []);
    assert.deepEqual(missingOf(JWT, { reuse: { issue: { token: 't' } }, parameters: { verify: { action: 'verify' } } }), []);
    assert.equal(missingOf(JWT, { to: 'verify', parameters: { issue: { action: 'generate' } } }).length, 1);
  });

  it('the run refuses before any node starts: `run` exits 2 and prints each gap at its node', async () => {
    const dir = workspace({ 'jwt.workflow.yaml': JWT });
    const file = join(dir, 'jwt.workflow.yaml');
    const r = await cli('run', file, '--param', 'issue.action=generate');
    assert.equal(r.code, 2);
    assert.equal(r.out, '', 'nothing ran, so nothing is printed as run output');
    assert.equal(
      r.err,
      `${file}:7:11: error [missing-required-param] Node 'verify' (JWTAuthNode) has no value for required parameter 'action' (str): set it in config, connect an output to it, or give it in the run's parameters ({"verify": {"action": …}}).\n` +
        `kailash-wf: not running '${file}': 1 required parameter has no value (nothing ran)\n`,
    );
  });

  it('`submit` makes the same check and queues nothing (no Redis needed to refuse)', async () => {
    const dir = workspace({ 'jwt.workflow.yaml': JWT });
    const r = await cli(
      'submit',
      join(dir, 'jwt.workflow.yaml'),
      '--root',
      dir,
      '--redis',
      'redis://127.0.0.1:1',
      '--param',
      'isue.action=generate',
    );
    assert.equal(r.code, 2);
    assert.match(
      r.err,
      /^warning: run parameter 'isue' is not a node id and no node takes a parameter 'isue', so it is ignored\. Did you mean node 'issue'\?\n/,
    );
    assert.match(r.err, /error \[missing-required-param\] Node 'issue' \(JWTAuthNode\) has no value for required parameter 'action'/);
    assert.match(r.err, /kailash-wf: not submitting '.*jwt\.workflow\.yaml': 2 required parameters have no value\n$/);
  });
});

describe('global run parameters (keys that are not node ids)', () => {
  const MERGES = `nodes:
  - {id: a, type: MergeNode, config: {data1: [1]}}
  - {id: b, type: MergeNode, config: {data1: [2]}}
  - {id: c, type: JSONReaderNode, config: {file_path: x.json}}
`;

  it('reach every node that declares the parameter, and only those', async () => {
    const r = await runYaml(`${MERGES.split('\n').slice(0, 3).join('\n')}\n`, { parameters: { data2: [9] } });
    assert.equal(r.status, 'succeeded', JSON.stringify(r.error));
    assert.deepEqual(r.results, { a: { merged_data: [1, 9] }, b: { merged_data: [2, 9] } });
    const plan = new ParameterPlan(parseWorkflow(MERGES), { data2: [9] });
    assert.deepEqual(plan.forNode('c'), { file: {}, run: {} });
  });

  it("precedence: the run's values over the file's block; within each, a node's own over global ones", () => {
    const text = `${MERGES}parameters:\n  data2: [file-global]\n  a: {data3: [file-own]}\n`;
    const plan = new ParameterPlan(parseWorkflow(text), { data2: ['run-global'], b: { data2: ['run-own'] }, data3: ['run-global'] });
    // a's own block entry beats the run's global (Kailash: node-specific values beat flat ones).
    assert.deepEqual(plan.forNode('a'), { file: { data3: ['file-own'] }, run: { data2: ['run-global'] } });
    assert.deepEqual(plan.forNode('b'), { file: {}, run: { data2: ['run-own'], data3: ['run-global'] } });
  });

  it('reach code nodes and `${name}` templates, never parameters fixed when the node is built', () => {
    const text = `nodes:
  - {id: py, type: PythonCodeNode, config: {code: "result = x"}}
  - {id: call, type: HTTPRequestNode, config: {url: "http://127.0.0.1:1/\${path}"}}
  - {id: db, type: SQLDatabaseNode, config: {connection_string: "sqlite:///a.db", query: "SELECT 1"}}
`;
    const plan = new ParameterPlan(parseWorkflow(text), { x: 1, path: 'users', connection_string: 'sqlite:///b.db' });
    // Kailash gives a code node every global: its inputs are variables.
    assert.deepEqual(plan.forNode('py').run, { x: 1, path: 'users', connection_string: 'sqlite:///b.db' });
    assert.deepEqual(plan.forNode('call').run, { path: 'users' });
    assert.deepEqual(plan.forNode('db').run, {});
  });

  const plain = (v: unknown) => JSON.parse(JSON.stringify(v)) as unknown;

  it('`--param key=value` gives a global; `--param node.key=value` a node value', () => {
    const p = collectParams(undefined, ['timeout=5', 'api.url=http://x', 'api.retries=2'], () => '');
    // Tables without a prototype (user keys never reach one): compared as plain data.
    assert.deepEqual(plain(p), { timeout: 5, api: { url: 'http://x', retries: 2 } });
    assert.equal(Object.getPrototypeOf(p), null);
    assert.throws(
      () => collectParams(undefined, ['novalue'], () => ''),
      /--param takes node\.key=value \(or key=value for every node that takes key\), got 'novalue'/,
    );
  });

  it('`--param` values: YAML scalars and flow collections, else the text; a text parameter always takes the text', () => {
    const values = collectParams(
      undefined,
      [
        'n.i=5',
        'n.l=[1, 2]',
        'n.m={id: "7"}',
        'n.t=true',
        'n.z=null',
        'n.q="5"',
        'n.s=hello: world',
        'n.g=query Q($id: ID!) { u(id: $id) { id } }',
        'n.h=#1',
        'n.e=',
      ],
      () => '',
    );
    assert.deepEqual(plain(values), {
      n: {
        i: 5,
        l: [1, 2],
        m: { id: '7' },
        t: true,
        z: null,
        q: '5',
        s: 'hello: world',
        g: 'query Q($id: ID!) { u(id: $id) { id } }',
        h: '#1',
        e: '',
      },
    });
    const gql = 'nodes:\n  - {id: gql, type: GraphQLClientNode, config: {endpoint: "http://127.0.0.1:1/"}}\n';
    assert.deepEqual(plain(collectParams(undefined, ['gql.query={ ok }', 'gql.variables={a: 1}', 'gql.timeout=5'], () => '', gql)), {
      gql: { query: '{ ok }', variables: { a: 1 }, timeout: 5 },
    });
  });

  it('reads the workflow only for a `--param node.key=…`, and through the model the caller gives', () => {
    const gql = 'nodes:\n  - {id: gql, type: GraphQLClientNode, config: {endpoint: "http://127.0.0.1:1/"}}\n';
    let parsed = 0;
    const model = () => (parsed++, parseWorkflow(gql));
    collectParams(undefined, ['timeout=5'], () => '', model);
    assert.equal(parsed, 0, 'no node.key pair: the file is not parsed for the parameters');
    assert.deepEqual(plain(collectParams(undefined, ['gql.query={ ok }'], () => '', model)), { gql: { query: '{ ok }' } });
    assert.equal(parsed, 1);
  });
});

describe('run parameters that reach nothing are warnings with did-you-mean', () => {
  const warningsOf = (text: string, parameters: Record<string, unknown>) => new ParameterPlan(parseWorkflow(text), parameters).warnings();
  const API =
    'nodes:\n  - {id: api_call, type: HTTPRequestNode, config: {url: "http://127.0.0.1:1/"}}\n  - {id: py, type: PythonCodeNode, config: {code: "result = 1"}}\n';

  it('names an unknown node id, an unknown parameter and a parameter fixed at build', () => {
    assert.deepEqual(
      warningsOf(API, {
        apicall: { url: 'http://x' },
        api_call: { urll: 'http://x', methd: 'GET' },
        py: { code: 'result = 2', anything: 1 },
      }),
      [
        "run parameter 'api_call.urll': HTTPRequestNode has no parameter 'urll', so it is ignored. Did you mean 'url'?",
        "run parameter 'api_call.methd': HTTPRequestNode has no parameter 'methd', so it is ignored. Did you mean 'method'?",
        "run parameter 'py.code': 'code' of PythonCodeNode is fixed when the node is built; run parameters cannot change it, so it is ignored.",
        "run parameter 'apicall' is not a node id, so it goes as a global parameter to 'py'. Did you mean node 'api_call'?",
      ],
    );
  });

  it("a global is silent when some node takes it; the file's own block is left to the validator", () => {
    const noCode = 'nodes:\n  - {id: api_call, type: HTTPRequestNode, config: {url: "http://127.0.0.1:1/"}}\n';
    assert.deepEqual(warningsOf(noCode, { timeout: 5 }), []);
    assert.deepEqual(warningsOf(noCode, { timout: 5 }), [
      "run parameter 'timout' is not a node id and no node takes a parameter 'timout', so it is ignored. Did you mean 'timeout'?",
    ]);
    assert.deepEqual(warningsOf(`${noCode}parameters:\n  strayy: 1\n`, {}), []);
    assert.deepEqual(warningsOf(noCode, { api_call: 5 }), [
      `run parameter 'api_call' names node 'api_call' but is not a mapping of its parameters ({"api_call": {"param": value}}), so it is ignored.`,
    ]);
  });

  it('`run` prints them on stderr and still runs', async () => {
    const server = await startServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}'));
    try {
      const dir = workspace({
        'api.workflow.yaml': `nodes:\n  - {id: api_call, type: HTTPRequestNode, config: {url: "${server.url}/users"}}\n`,
      });
      const r = await cli(
        'run',
        join(dir, 'api.workflow.yaml'),
        '--param',
        'apicall.url=http://elsewhere',
        '--param',
        'api_call.urll=http://elsewhere',
      );
      assert.equal(r.code, 0, r.err);
      assert.equal(
        r.err,
        "warning: run parameter 'api_call.urll': HTTPRequestNode has no parameter 'urll', so it is ignored. Did you mean 'url'?\n" +
          "warning: run parameter 'apicall' is not a node id and no node takes a parameter 'apicall', so it is ignored. Did you mean node 'api_call'?\n",
      );
      assert.equal(server.hits.get('/users'), 1);
    } finally {
      await server.close();
    }
  });
});

describe('a node output is plain data', () => {
  it('notPlain finds cycles, and lets shared references and big ints (a value of the model) through', () => {
    const row = { id: 1 };
    assert.equal(notPlain({ a: [row, row], b: row }), undefined);
    const self: Record<string, unknown> = { data: [] };
    (self.results as unknown) = [self];
    assert.equal(notPlain({ result: self }), 'result.results[0] refers to itself');
    assert.equal(notPlain({ n: [1, 2n ** 70n] }), undefined);
  });

  it('a params file that is not a mapping is refused with the shapes it may take', () => {
    const dir = workspace();
    const f = join(dir, 'p.yaml');
    writeFileSync(f, '- 1\n');
    assert.throws(
      () => collectParams(f, [], (x) => require('node:fs').readFileSync(x, 'utf8')),
      /must hold a mapping: node id to \{param: value\}, or param to value for every node that takes it/,
    );
  });
});
