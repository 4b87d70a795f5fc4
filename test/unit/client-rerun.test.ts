// "Re-run from here" as the run host does it (client/run/reuse.ts) and as the panel, hover and
// inline results see it (client/common/panel.ts, client/editor/summary.ts), without VS Code.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { ReuseCache } from '../../client/run/reuse';
import { statusText } from '../../client/editor/summary';
import { applyEvent, applyResult, type RunView } from '../../client/common/panel';
import { LocalRuntime } from '../../runtime/engine/local';
import type { RunEvent } from '../../runtime/engine/types';
import { parseWorkflow } from '../../runtime/model/parse';
import { startServer, type TestServer } from '../support/http-server';
import { workspace } from '../support/run';

const TOKEN = 'tok+en/Secret=42';

let server: TestServer;
after(() => server?.close());

describe('re-run from here', () => {
  it('redacts the reused outputs with the secrets of the run that produced them', async () => {
    server = await startServer((req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ seen: req.url, auth: req.headers.authorization ?? null }));
    });
    const text = `name: rerun
nodes:
  - id: fetch
    type: HTTPRequestNode
    config: {url: "${server.url}/data", params: {key: "\${secret:TOKEN}"}, headers: {Authorization: "Bearer \${secret:TOKEN}"}}
  - id: next
    type: HTTPRequestNode
    config: {url: "${server.url}/next", method: POST}
connections:
  - {from_node: fetch, from_output: response.content, to_node: next, to_input: json_data}
`;
    const file = `${workspace()}/rerun.workflow.yaml`;
    const cache = new ReuseCache();
    const asked: string[] = [];
    const runtime = new LocalRuntime({
      env: {},
      secrets: { get: async (name) => (asked.push(name), name === 'TOKEN' ? TOKEN : undefined) },
    });
    try {
      const first = await runtime.execute(parseWorkflow(text), { baseDir: '.', keepOutputs: cache.keeper(file) });
      assert.equal(first.status, 'succeeded', JSON.stringify(first.error));
      assert.deepEqual(asked, ['TOKEN', 'TOKEN']);

      // The re-run resolves no secret itself: `fetch` is reused, not run.
      const view: RunView = {
        runId: 'r2',
        file,
        label: 'rerun from next',
        startedAt: Date.now(),
        status: 'running',
        nodes: {},
        breakers: {},
      };
      const events: RunEvent[] = [];
      const second = await runtime.execute(parseWorkflow(text), {
        baseDir: '.',
        ...cache.rerun(file, text, 'next'),
        onEvent: (e) => {
          events.push(e);
          applyEvent(view, e);
        },
      });
      applyResult(view, second);
      assert.equal(second.status, 'succeeded', JSON.stringify(second.error));
      assert.equal(asked.length, 2, 'the re-run asked for no secret');
      assert.equal(view.nodes.fetch!.reused, true);
      assert.equal(server.hits.get('/data'), 1, 'fetch was not run again');
      assert.equal(server.hits.get('/next'), 2);

      const fetched = view.nodes.fetch!.output as { response: { url: string; content: { seen: string; auth: string } } };
      assert.match(fetched.response.url, /\/data\?key=\*\*\*$/);
      assert.deepEqual(fetched.response.content, { seen: '/data?key=***', auth: 'Bearer ***' });
      // The panel's state, the hover's JSON and the inline summary: no form of the secret anywhere.
      const shown = [
        JSON.stringify(view),
        JSON.stringify(events),
        JSON.stringify(second),
        JSON.stringify(view.nodes.fetch!.output, null, 2),
        ...Object.values(view.nodes).map((v) =>
          statusText({ status: v.status as 'succeeded', durationMs: v.durationMs ?? 0, attempts: v.attempts ?? 0 }, v.output),
        ),
      ];
      for (const form of [TOKEN, encodeURIComponent(TOKEN), new URLSearchParams({ k: TOKEN }).toString().slice(2)]) {
        for (const s of shown) assert.ok(!s.includes(form), `${form} shown in ${s.slice(0, 300)}`);
      }
    } finally {
      await runtime.dispose();
    }
  });

  it('reuses nothing for a file that has not run', () => {
    assert.deepEqual(new ReuseCache().rerun('/nowhere.workflow.yaml', 'nodes: []', 'x'), {});
  });
});
