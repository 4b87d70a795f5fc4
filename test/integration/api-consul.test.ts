import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { disposeAll } from '../../runtime/engine/resources';
import { resetRoundRobin } from '../../runtime/nodes/api/consul';
import { call, closedPort, json, listen, run, type TestServer } from './api-support';

/**
 * A Consul v1 stand-in (no Consul can be installed here): `/v1/health/service/<name>` with the
 * `passing` and `tag` filters and `X-Consul-Index`, serving entries shaped as Consul's.
 */
function entry(
  id: string,
  address: string,
  port: number,
  tags: string[],
  status: 'passing' | 'warning' | 'critical',
  nodeAddress = '10.0.0.9',
) {
  return {
    Node: { ID: `node-${id}`, Node: `node-${id}`, Address: nodeAddress, Datacenter: 'dc1' },
    Service: { ID: id, Service: 'user-service', Tags: tags, Address: address, Port: port, Meta: { version: tags[0] ?? '' } },
    Checks: [
      { Node: `node-${id}`, CheckID: 'serfHealth', Status: 'passing' },
      { Node: `node-${id}`, CheckID: `service:${id}`, Status: status },
    ],
  };
}

describe('ServiceDiscoveryNode against a Consul v1 stand-in', () => {
  let consul: TestServer;
  let users: TestServer;
  /** When set, the stand-in ignores `?passing`, so the node's own filter is what is tested. */
  let ignorePassing = false;

  before(async () => {
    users = await listen((req, res) => json(res, 200, [{ id: 1, served_by: req.headers.host }]));
    consul = await listen((req, res) => {
      const u = new URL(req.url!, 'http://consul');
      const m = /^\/v1\/health\/service\/([^/]+)$/.exec(u.pathname);
      if (!m) return json(res, 404, 'no such route');
      if (m[1] === 'broken') return json(res, 500, 'rpc error: No cluster leader');
      let list =
        decodeURIComponent(m[1]!) === 'user-service'
          ? [
              entry('a', '127.0.0.1', users.port, ['v2'], 'passing'),
              entry('b', '', users.port, ['v2'], 'passing', '127.0.0.1'),
              entry('c', '127.0.0.1', 1, ['v2'], 'critical'),
              entry('d', '127.0.0.1', 2, ['v1'], 'passing'),
            ]
          : [];
      if (u.searchParams.has('passing') && !ignorePassing) list = list.filter((e) => e.Checks.every((c) => c.Status === 'passing'));
      const tag = u.searchParams.get('tag');
      if (tag) list = list.filter((e) => e.Service.Tags.includes(tag));
      json(res, 200, list, { 'x-consul-index': '42', 'x-consul-knownleader': 'true' });
    });
  });
  beforeEach(() => {
    ignorePassing = false;
    resetRoundRobin();
  });
  after(async () => {
    await Promise.all([consul.close(), users.close()]);
    await disposeAll();
  });

  it('lists passing instances with the tag and picks the first; a Consul node address fills an empty service address', async () => {
    const out = await call('ServiceDiscoveryNode', { consul_url: consul.url, service_name: 'user-service', tag: 'v2', path: '/api/users' });
    assert.equal(out.count, 2);
    assert.deepEqual(
      (out.instances as { id: string; url: string }[]).map((i) => [i.id, i.url]),
      [
        ['a', `http://127.0.0.1:${users.port}/api/users`],
        ['b', `http://127.0.0.1:${users.port}/api/users`],
      ],
    );
    assert.deepEqual(out.selected, (out.instances as unknown[])[0]);
    assert.match(consul.requests.at(-1)!.url, /^\/v1\/health\/service\/user-service\?passing=true&tag=v2$/);
  });

  it('filters out failing checks itself, even when Consul returns them', async () => {
    ignorePassing = true;
    const out = await call('ServiceDiscoveryNode', { consul_url: consul.url, service_name: 'user-service', tag: 'v2' });
    assert.deepEqual(
      (out.instances as { id: string }[]).map((i) => i.id),
      ['a', 'b'],
    );
    const all = await call('ServiceDiscoveryNode', { consul_url: consul.url, service_name: 'user-service', passing_only: false });
    assert.equal(all.count, 4);
  });

  it('round_robin takes turns across runs; random stays among the instances', async () => {
    const picks: string[] = [];
    for (let n = 0; n < 4; n++)
      picks.push(
        (
          (await call('ServiceDiscoveryNode', { consul_url: consul.url, service_name: 'user-service', tag: 'v2', strategy: 'round_robin' }))
            .selected as { id: string }
        ).id,
      );
    assert.deepEqual(picks, ['a', 'b', 'a', 'b']);
    for (let n = 0; n < 5; n++) {
      const id = (
        (await call('ServiceDiscoveryNode', { consul_url: consul.url, service_name: 'user-service', tag: 'v2', strategy: 'random' }))
          .selected as { id: string }
      ).id;
      assert.ok(['a', 'b'].includes(id));
    }
  });

  it('feeds selected.url to an HTTP node in the same workflow', async () => {
    const r = await run(`nodes:
  - id: discover
    type: ServiceDiscoveryNode
    config: {consul_url: "${consul.url}", service_name: user-service, tag: v2, strategy: round_robin, path: /api/users}
  - id: call
    type: HTTPRequestNode
    config: {method: GET}
connections:
  - {from_node: discover, from_output: selected.url, to_node: call, to_input: url}
`);
    assert.equal(r.status, 'succeeded');
    assert.deepEqual((r.results.call!.response as { content: unknown }).content, [{ id: 1, served_by: `127.0.0.1:${users.port}` }]);
    assert.equal(users.requests.at(-1)!.url, '/api/users');
  });

  it('no instance gives selected null and count 0; a Consul error or a refused connection raises', async () => {
    const none = await call('ServiceDiscoveryNode', { consul_url: consul.url, service_name: 'ghost' });
    assert.deepEqual(none, { instances: [], selected: null, count: 0 });
    await assert.rejects(
      call('ServiceDiscoveryNode', { consul_url: consul.url, service_name: 'broken' }),
      (e: Error & { type?: string; retryable?: boolean }) =>
        e.type === 'ServiceDiscoveryError' && e.retryable === true && /lookup of 'broken' failed: HTTP 500/.test(e.message),
    );
    const port = await closedPort();
    await assert.rejects(call('ServiceDiscoveryNode', { consul_url: `http://127.0.0.1:${port}`, service_name: 'x' }), /ECONNREFUSED/);
  });
});
