import type { JobsOptions } from 'bullmq';
import { KEEP_SECONDS } from './keys';
import type { RunJob } from './types';

/** Every job in a queue has this name; the run id is the job id. */
export const JOB_NAME = 'run';

/**
 * BullMQ options for a run's job. The job id is the run id, so submitting the same run twice
 * adds one job. A run that fails is still a finished job (its record says `failed`): `attempts`
 * only covers the worker itself failing (Redis errors, a crash in our code), and the engine's
 * per-node `retry` policies cover the workflow's own failures.
 */
export function jobOptions(job: RunJob): JobsOptions {
  return {
    jobId: job.runId,
    attempts: 3,
    backoff: { type: 'exponential', delay: 1000 },
    // The run record is the lasting result; the job itself is only transport.
    removeOnComplete: true,
    removeOnFail: { age: KEEP_SECONDS },
  };
}

/** Workers a run may lose (died or stalled mid-run) before it is recorded failed. */
export const MAX_STALLS = 2;

/** BullMQ's reason for failing a job that stalled more than `maxStalledCount` times. */
export const STALLED_TOO_OFTEN = 'job stalled more than allowable limit';

/**
 * Stalled-job recovery: a worker renews its lock every `lockDurationMs / 2`; when a worker dies
 * the lock expires and the next stalled check (every `lockDurationMs / 2`, by any worker) puts
 * the run back in the queue: recovery within about twice the lock duration.
 */
export function stallSettings(lockDurationMs: number) {
  return {
    lockDuration: lockDurationMs,
    stalledInterval: Math.max(100, Math.round(lockDurationMs / 2)),
    // A run that kills its worker (say, out of memory) is delivered once more, in case the worker
    // died of something else; when it kills that one too it is failed (BullMQ fails the job the
    // next time a worker takes it, and that worker records it: worker.ts `recordFailure`).
    maxStalledCount: MAX_STALLS - 1,
  };
}
