/**
 * Every Redis key worker mode uses, in one place. BullMQ's own keys are `kwf:<queue>:…` (its
 * prefix is ours); run records and event streams sit beside them under `kwf:<queue>:run:<id>`,
 * so `SCAN kwf:<queue>:*` finds everything one queue owns. A BullMQ job id is a run id, and a
 * job's hash is `kwf:<queue>:<job id>`: run ids that name one of the queue's own keys are refused.
 */
export const PREFIX = 'kwf';
export const DEFAULT_QUEUE = 'kailash';

/** How long run records and event streams stay readable after a run ends. */
export const KEEP_SECONDS = 7 * 24 * 3600;
/** Event-stream entries kept per run (a loop can emit thousands; the record has the full result). */
export const EVENTS_PER_RUN = 2000;
/** Entries kept in a queue's `finished` stream: enough to follow a fleet, bounded in memory. */
export const FINISHED_KEPT = 100_000;

export function queueKeys(queue: string) {
  const base = `${PREFIX}:${queue}`;
  return {
    /** JSON of a RunRecord, written once (SET NX). */
    record: (runId: string) => `${base}:run:${runId}`,
    /** A stream of the run's events, from every delivery, ending with `recorded`. */
    events: (runId: string) => `${base}:run:${runId}:events`,
    /** How many times a worker has started executing the run (BullMQ's own count includes refusals). */
    deliveries: (runId: string) => `${base}:run:${runId}:deliveries`,
    /** A digest of what a caller-chosen run id was first submitted with (client.ts `submit`). */
    submitted: (runId: string) => `${base}:run:${runId}:submitted`,
    /** Set by a cancel that arrives before a worker picks the run up. */
    cancel: (runId: string) => `${base}:run:${runId}:cancel`,
    /** A stream with one entry per recorded run (`run`, `status`): the once-only ledger. */
    finished: `${base}:finished`,
    /** Pub/sub channel carrying run ids to cancel. */
    cancelChannel: `${base}:cancel`,
  };
}

export type QueueKeys = ReturnType<typeof queueKeys>;

/** A queue name becomes part of keys: keep it to characters BullMQ and Redis tooling handle. */
export function checkQueueName(name: string): string {
  if (!/^[A-Za-z0-9._-]{1,100}$/.test(name)) throw new Error(`queue name '${name}' must be 1–100 letters, digits, '.', '_' or '-'`);
  return name;
}

/** Keys directly under `kwf:<queue>:`, BullMQ's and ours, that a job's hash would overwrite. */
const RESERVED = new Set([
  'run',
  'finished',
  'cancel',
  'wait',
  'active',
  'paused',
  'meta',
  'events',
  'id',
  'stalled',
  'stalled-check',
  'limiter',
  'marker',
  'completed',
  'failed',
  'delayed',
  'prioritized',
  'pc',
  'repeat',
  'de',
  'waiting-children',
  'metrics',
]);

/** BullMQ refuses integer ids and ':'; run ids also land in Redis keys. */
export function checkRunId(id: string): string {
  if (!/^[A-Za-z0-9._-]{1,128}$/.test(id) || /^\d+$/.test(id))
    throw new Error(`run id '${id}' must be 1–128 letters, digits, '.', '_' or '-', and not only digits`);
  if (RESERVED.has(id)) throw new Error(`run id '${id}' is the name of one of the queue's own keys`);
  return id;
}
