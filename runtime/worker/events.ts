import type Redis from 'ioredis';
import { fromTagged, toTagged } from '../values/wire';
import type { RunEvent } from '../engine/types';
import { EVENTS_PER_RUN, type QueueKeys } from './keys';
import type { StreamEntry, WorkerEvent } from './types';

/**
 * A run's events go to a Redis stream (`kwf:<queue>:run:<id>:events`) rather than pub/sub: a
 * client that starts following late, or reconnects after a Redis restart, reads from the start
 * (or from the last id it saw) and misses nothing. The stream's lifetime is set when a worker
 * picks the run up (records.ts `startRun`), so a dead worker's stream still expires.
 */
export class EventWriter {
  constructor(
    private readonly redis: Redis,
    private readonly keys: QueueKeys,
    private readonly worker: string,
    private readonly onError: (err: Error) => void,
  ) {}

  /**
   * Not awaited: the engine emits synchronously and must not wait on Redis. Commands on one
   * connection keep their order, so the record written after the run still lands after its events.
   */
  append(delivery: number, event: RunEvent | WorkerEvent): void {
    const key = this.keys.events(event.runId);
    const entry: Omit<StreamEntry, 'id'> = { delivery, worker: this.worker, event };
    this.redis.xadd(key, 'MAXLEN', '~', EVENTS_PER_RUN, '*', 'e', JSON.stringify(toTagged(entry))).catch(this.onError);
  }
}

/**
 * Reads entries after `from` ('0' for all); with `blockMs`, waits up to that long for new ones.
 * Blocking ties up the connection: give each follower its own.
 */
export async function readEvents(redis: Redis, keys: QueueKeys, runId: string, from: string, blockMs?: number): Promise<StreamEntry[]> {
  const args: (string | number)[] = ['COUNT', 500];
  if (blockMs !== undefined) args.push('BLOCK', blockMs);
  args.push('STREAMS', keys.events(runId), from);
  const reply = await redis.call('XREAD', ...args);
  return streamEntries(reply).map(([id, fields]) => {
    const json = fields[fields.indexOf('e') + 1];
    return { id, ...(fromTagged(JSON.parse(json ?? '{}')) as Omit<StreamEntry, 'id'>) };
  });
}

/** Reads a queue's `finished` ledger after `from`: one `{runId, status}` per recorded run. */
export async function readFinished(
  redis: Redis,
  keys: QueueKeys,
  from: string,
  blockMs?: number,
): Promise<{ id: string; runId: string; status: string }[]> {
  const args: (string | number)[] = ['COUNT', 1000];
  if (blockMs !== undefined) args.push('BLOCK', blockMs);
  args.push('STREAMS', keys.finished, from);
  const reply = await redis.call('XREAD', ...args);
  return streamEntries(reply).map(([id, f]) => ({ id, runId: f[f.indexOf('run') + 1] ?? '', status: f[f.indexOf('status') + 1] ?? '' }));
}

/**
 * XREAD replies: RESP2's `[[key, entries]]`, or RESP3's map (ioredis 6 speaks RESP3), which
 * `call` hands back flattened as `[key, entries, key, entries]`.
 */
function streamEntries(reply: unknown): [string, string[]][] {
  if (reply === null || reply === undefined) return [];
  let streams: unknown[];
  if (reply instanceof Map) streams = [...reply.values()];
  else if (Array.isArray(reply) && typeof reply[0] === 'string') streams = reply.filter((_, i) => i % 2 === 1);
  else if (Array.isArray(reply)) streams = reply.map((s) => (s as unknown[])[1]);
  else streams = Object.values(reply as Record<string, unknown>);
  const out: [string, string[]][] = [];
  for (const entries of streams) {
    for (const e of (entries as unknown[]) ?? []) {
      const [id, fields] = e as [unknown, unknown];
      out.push([String(id), ((fields as unknown[]) ?? []).map(String)]);
    }
  }
  return out;
}
