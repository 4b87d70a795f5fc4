import type Redis from 'ioredis';
import { fromTagged, toTagged } from '../values/wire';
import { EVENTS_PER_RUN, FINISHED_KEPT, KEEP_SECONDS, type QueueKeys } from './keys';
import type { RunRecord, StreamEntry, WorkerEvent } from './types';

/**
 * Writes a run's record only if none exists, and in the same atomic step ends its event stream
 * with `recorded` and appends it to the queue's `finished` ledger. Delivery is at least once: a
 * run whose worker died (or merely stalled) may run twice, but only the first finisher records,
 * so each run id has exactly one record and one ledger entry.
 */
const RECORD_ONCE = `
if not redis.call('SET', KEYS[1], ARGV[1], 'NX', 'EX', ARGV[2]) then return 0 end
redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[6], '*', 'e', ARGV[5])
redis.call('EXPIRE', KEYS[2], ARGV[2])
redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[7], '*', 'run', ARGV[3], 'status', ARGV[4])
return 1
`;

/**
 * Before a worker executes a run, in one round trip: the existing record if there is one (then
 * nothing else happens), else the delivery number (counted here, so that a draining worker's
 * refusal is not a delivery), whether a cancel came first, and the `picked-up` event.
 */
const START = `
local record = redis.call('GET', KEYS[1])
if record then return {record, 0, 0} end
local delivery = redis.call('INCR', KEYS[2])
redis.call('EXPIRE', KEYS[2], ARGV[3])
local cancelled = redis.call('EXISTS', KEYS[3])
local entry = '{"delivery":' .. delivery .. ',"worker":' .. cjson.encode(ARGV[1]) .. ',"event":' .. ARGV[2] .. '}'
redis.call('XADD', KEYS[4], 'MAXLEN', '~', ARGV[4], '*', 'e', entry)
redis.call('EXPIRE', KEYS[4], ARGV[3])
return {'', delivery, cancelled}
`;

type WithScripts = Redis & {
  kwfRecordOnce(record: string, events: string, finished: string, ...args: (string | number)[]): Promise<number>;
  kwfStart(
    record: string,
    deliveries: string,
    cancel: string,
    events: string,
    ...args: (string | number)[]
  ): Promise<[string, number, number]>;
};

function withScripts(redis: Redis): WithScripts {
  const r = redis as WithScripts;
  if (typeof r.kwfRecordOnce !== 'function') {
    redis.defineCommand('kwfRecordOnce', { numberOfKeys: 3, lua: RECORD_ONCE });
    redis.defineCommand('kwfStart', { numberOfKeys: 4, lua: START });
  }
  return r;
}

export type Start = { recorded: RunRecord } | { recorded?: undefined; delivery: number; cancelled: boolean };

export async function startRun(redis: Redis, keys: QueueKeys, runId: string, worker: string, time: number): Promise<Start> {
  const event: WorkerEvent = { type: 'picked-up', runId, time };
  const [record, delivery, cancelled] = await withScripts(redis).kwfStart(
    keys.record(runId),
    keys.deliveries(runId),
    keys.cancel(runId),
    keys.events(runId),
    worker,
    JSON.stringify(event),
    KEEP_SECONDS,
    EVENTS_PER_RUN,
  );
  if (record) return { recorded: fromTagged(JSON.parse(record)) as RunRecord };
  return { delivery: Number(delivery), cancelled: Number(cancelled) === 1 };
}

/** Deliveries so far (0 if the run never started). */
export async function deliveries(redis: Redis, keys: QueueKeys, runId: string): Promise<number> {
  return Number(await redis.get(keys.deliveries(runId))) || 0;
}

/** Returns the run's record: this one if it was first, else the one already stored. */
export async function recordOnce(redis: Redis, keys: QueueKeys, record: RunRecord): Promise<{ written: boolean; record: RunRecord }> {
  const event: WorkerEvent = { type: 'recorded', runId: record.runId, time: record.finishedAt, status: record.result.status };
  const entry = JSON.stringify({ delivery: record.delivery, worker: record.worker, event } satisfies Omit<StreamEntry, 'id'>);
  const written = await withScripts(redis).kwfRecordOnce(
    keys.record(record.runId),
    keys.events(record.runId),
    keys.finished,
    // Values in the tagged form (runtime/values/wire.ts): JSON would lose big ints, 2.0, tuples.
    JSON.stringify(toTagged(record)),
    KEEP_SECONDS,
    record.runId,
    record.result.status,
    entry,
    EVENTS_PER_RUN,
    FINISHED_KEPT,
  );
  if (written === 1) return { written: true, record };
  const stored = await readRecord(redis, keys, record.runId);
  // The key can only vanish between the two calls by expiry or by hand; then this one stands.
  return { written: false, record: stored ?? record };
}

export async function readRecord(redis: Redis, keys: QueueKeys, runId: string): Promise<RunRecord | undefined> {
  const text = await redis.get(keys.record(runId));
  return text === null ? undefined : (fromTagged(JSON.parse(text)) as RunRecord);
}
