import type Redis from 'ioredis';
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

type WithRecordOnce = Redis & {
  kwfRecordOnce(record: string, events: string, finished: string, ...args: (string | number)[]): Promise<number>;
};

function withScript(redis: Redis): WithRecordOnce {
  const r = redis as WithRecordOnce;
  if (typeof r.kwfRecordOnce !== 'function') redis.defineCommand('kwfRecordOnce', { numberOfKeys: 3, lua: RECORD_ONCE });
  return r;
}

/** Returns the run's record: this one if it was first, else the one already stored. */
export async function recordOnce(redis: Redis, keys: QueueKeys, record: RunRecord): Promise<{ written: boolean; record: RunRecord }> {
  const event: WorkerEvent = { type: 'recorded', runId: record.runId, time: record.finishedAt, status: record.result.status };
  const entry = JSON.stringify({ delivery: record.delivery, worker: record.worker, event } satisfies Omit<StreamEntry, 'id'>);
  const written = await withScript(redis).kwfRecordOnce(
    keys.record(record.runId),
    keys.events(record.runId),
    keys.finished,
    JSON.stringify(record),
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
  return text === null ? undefined : (JSON.parse(text) as RunRecord);
}
