import type { NodeRun } from '../../catalog/types';
import { NodeFailure } from '../../engine/errors';
import { content, failureOf, httpRequest, targetHost } from './http';

type Dict = Record<string, unknown>;

/** Round-robin positions, per Consul, service, tag and filter, shared by every run in the process. */
const turns = new Map<string, number>();

/** Forget round-robin positions (tests). */
export function resetRoundRobin(): void {
  turns.clear();
}

function instanceUrl(address: string, port: number, path: string): string {
  const host = address.includes(':') && !address.startsWith('[') ? `[${address}]` : address;
  const p = path && !path.startsWith('/') ? `/${path}` : path;
  return `http://${host}:${port}${p}`;
}

/**
 * ServiceDiscoveryNode: Consul's `/v1/health/service/<name>` (with `?passing` when
 * `passing_only`, and `tag`), checked again on our side so only instances whose every check
 * passes are kept, then one picked: the first, a random one, or the next in turn.
 * A Consul ACL token is read from `CONSUL_HTTP_TOKEN`, as Consul's own tools do.
 */
export const runServiceDiscovery: NodeRun = async (i, ctx) => {
  const name = String(i.service_name ?? '');
  if (!name) throw new NodeFailure('NodeValidationError', 'service_name is required');
  const base = String(i.consul_url ?? 'http://127.0.0.1:8500').replace(/\/+$/, '');
  const passingOnly = i.passing_only !== false;
  const params: Dict = {};
  if (passingOnly) params.passing = 'true';
  if (i.tag) params.tag = i.tag;
  const headers: Dict = { accept: 'application/json' };
  if (process.env.CONSUL_HTTP_TOKEN) headers['x-consul-token'] = process.env.CONSUL_HTTP_TOKEN;
  const out = await httpRequest(
    { url: `${base}/v1/health/service/${encodeURIComponent(name)}`, method: 'GET', headers, params, response_format: 'json', timeout: 10 },
    ctx,
    { label: 'ServiceDiscoveryNode' },
  );
  if (!out.success) throw failureOf(out, 'ServiceDiscoveryError', `Consul lookup of '${name}' failed`);
  const entries = content(out);
  if (!Array.isArray(entries))
    throw new NodeFailure('ServiceDiscoveryError', `Consul answered the lookup of '${name}' with something other than a list of instances`);
  const path = String(i.path ?? '');
  const instances = entries
    .filter((e: Dict) => !passingOnly || ((e.Checks as Dict[] | undefined) ?? []).every((c) => c.Status === 'passing'))
    .filter((e: Dict) => !i.tag || (((e.Service as Dict | undefined)?.Tags as unknown[] | undefined) ?? []).includes(i.tag))
    .map((e: Dict) => {
      const svc = (e.Service ?? {}) as Dict;
      const node = (e.Node ?? {}) as Dict;
      // An empty service address means "the node's address" in Consul.
      const address = String(svc.Address || node.Address || '');
      const port = Number(svc.Port ?? 0);
      return {
        id: svc.ID ?? null,
        service: svc.Service ?? name,
        node: node.Node ?? null,
        address,
        port,
        tags: svc.Tags ?? [],
        meta: svc.Meta ?? {},
        url: instanceUrl(address, port, path),
      };
    });
  let selected: Dict | null = null;
  if (instances.length) {
    const strategy = String(i.strategy ?? 'first');
    if (strategy === 'random') selected = instances[Math.floor(Math.random() * instances.length)]!;
    else if (strategy === 'round_robin') {
      const key = JSON.stringify([base, name, i.tag ?? '', passingOnly]);
      const turn = turns.get(key) ?? 0;
      turns.set(key, turn + 1);
      selected = instances[turn % instances.length]!;
    } else selected = instances[0]!;
  }
  return { instances, selected, count: instances.length };
};

export const consulTarget = (inputs: Record<string, unknown>): string | undefined =>
  targetHost({ url: inputs.consul_url ?? 'http://127.0.0.1:8500' });
