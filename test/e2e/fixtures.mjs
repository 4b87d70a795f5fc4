// A workspace of workflows for the real-editor tests, and the local server they call.
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';

export async function startDemoServer() {
  const closed = [];
  let served = 0;
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    if (url.pathname === '/users')
      return res.writeHead(200, { 'content-type': 'application/json' }).end(
        JSON.stringify([
          { id: 1, name: 'Ada' },
          { id: 2, name: 'Grace' },
        ]),
      );
    if (url.pathname === '/xss')
      return res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ bio: '<img src=x onerror=alert(1)><b>bold</b>' }));
    if (url.pathname === '/echo')
      return res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ auth: req.headers.authorization ?? null }));
    if (url.pathname === '/counter')
      return res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ n: ++served, plan: served > 1 ? 'gold' : 'free' }));
    if (url.pathname === '/slow') {
      req.on('close', () => closed.push('/slow'));
      return; // answers never: the test cancels
    }
    res.writeHead(404).end();
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    closed,
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(r);
      }),
  };
}

export function makeWorkspace(serverUrl) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kwf-ws-'));
  const write = (name, text) => fs.writeFileSync(path.join(dir, name), text);
  write(
    'api.workflow.yaml',
    `name: api-demo
description: Fetch users from a local server and keep their names
nodes:
  - id: fetch
    type: HTTPRequestNode
    config: {url: "${serverUrl}/users"}
  - id: names
    type: JavaScriptCodeNode
    config: {code: "result = users.map((u) => u.name)"}
  - id: save
    type: JSONWriterNode
    config: {file_path: out/names.json}
  - id: profile
    type: HTTPRequestNode
    config: {url: "${serverUrl}/xss"}
connections:
  - {from_node: fetch, from_output: response.content, to_node: names, to_input: users}
  - {from_node: names, from_output: result, to_node: save, to_input: data}
  - {from_node: fetch, from_output: status_code, to_node: profile, to_input: timeout}
`,
  );
  // Each run gets another count from the server: the compare view has something to show.
  write(
    'counter.workflow.yaml',
    `name: counter-demo
nodes:
  - id: count
    type: HTTPRequestNode
    config: {url: "${serverUrl}/counter"}
  - id: keep
    type: JavaScriptCodeNode
    config: {code: "result = {n: reply.n, first: reply.n === 1}"}
connections:
  - {from_node: count, from_output: response.content, to_node: keep, to_input: reply}
`,
  );
  write(
    'missing.workflow.yaml',
    `name: missing-demo
nodes:
  - id: read
    type: JSONReaderNode
    config: {file_path: nowhere.json}
  - id: write
    type: JSONWriterNode
    config: {file_path: out/copy.json}
connections:
  - {from_node: read, from_output: data, to_node: write, to_input: data}
`,
  );
  // 2,000 nodes: the panel must stay light (a virtualised list, a neighbourhood of the graph).
  const big = ['name: big-demo', 'nodes:'];
  for (let i = 0; i < 2000; i++) big.push(`  - {id: n${i}, type: MergeNode}`);
  big.push('connections:');
  for (let i = 1; i < 2000; i++) big.push(`  - {from_node: n${i - 1}, from_output: merged_data, to_node: n${i}, to_input: data1}`);
  write('big.workflow.yaml', `${big.join('\n')}\n`);
  write(
    'slow.workflow.yaml',
    `name: slow-demo
nodes:
  - id: wait
    type: HTTPRequestNode
    config: {url: "${serverUrl}/slow", timeout: 120}
`,
  );
  write(
    'secret.workflow.yaml',
    `name: secret-demo
nodes:
  - id: call
    type: HTTPRequestNode
    config: {url: "${serverUrl}/echo", auth_type: bearer, auth_token: "\${secret:DEMO_TOKEN}"}
`,
  );
  write(
    'busy.workflow.yaml',
    `name: busy-demo
nodes:
  - id: spin
    type: JavaScriptCodeNode
    config: {code: "while (true) {}", timeout: 1}
`,
  );
  write(
    'broken.workflow.yaml',
    `name: broken-demo
nodes:
  - id: read
    type: JSONReaderNode
    config: {file_path: in.json}
  - id: write
    type: JSONWriterNode
    config: {file_path: out.json}
connections:
  - {from_node: read, from_output: dta, to_node: write, to_input: data}
`,
  );
  write(
    'sqlite.workflow.yaml',
    `name: sqlite-demo
nodes:
  - id: langs
    type: SQLDatabaseNode
    config:
      connection_string: sqlite:///langs.db
      operations:
        - {query: "CREATE TABLE IF NOT EXISTS langs (name TEXT)"}
        - {query: "INSERT INTO langs (name) VALUES (:a), (:b)", parameters: {a: Python, b: TypeScript}}
        - {query: "SELECT name FROM langs ORDER BY name"}
`,
  );
  write(
    'debug.workflow.yaml',
    `name: debug-demo
nodes:
  - id: start
    type: JavaScriptCodeNode
    config:
      code: "result = {count: 2, name: 'Ada'}"
  - id: greet
    type: JavaScriptCodeNode
    config:
      code: "result = 'Hello ' + name + ' x' + times"
  - id: sub
    type: WorkflowNode
    config:
      workflow_path: debug-inner.workflow.yaml
      input_mapping: {text: {node: shout, parameter: text}}
connections:
  - {from_node: start, from_output: result.name, to_node: greet, to_input: name}
  - {from_node: start, from_output: result.count, to_node: greet, to_input: times}
  - {from_node: greet, from_output: result, to_node: sub, to_input: text}
`,
  );
  write(
    'debug-inner.workflow.yaml',
    `name: debug-inner
nodes:
  - id: shout
    type: JavaScriptCodeNode
    config:
      code: "result = text.toUpperCase()"
  - id: tail
    type: JavaScriptCodeNode
    config:
      code: "result = value + '.'"
connections:
  - {from_node: shout, from_output: result, to_node: tail, to_input: value}
`,
  );
  write(
    'new.workflow.yaml',
    `name: new-demo
nodes:
  - id: first
    type: 
`,
  );
  return dir;
}
