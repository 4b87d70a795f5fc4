import type { ParamSpec } from './types';

/**
 * Per-node policies: our additions, available on every node and ignored by the
 * Python SDK. One definition read by the validator, the JSON schema and completion.
 */
export interface PolicySpec {
  description: string;
  /** A policy given as one value (`timeout: 30`, `on_error: continue`). */
  value?: ParamSpec;
  /** A policy given as a mapping of settings. */
  fields?: Record<string, ParamSpec>;
}

export const POLICIES: Record<'retry' | 'timeout' | 'circuit_breaker' | 'rate_limit' | 'on_error', PolicySpec> = {
  retry: {
    description: 'Retry the node on transport errors, timeouts, 5xx and 429 responses, with backoff.',
    fields: {
      max_attempts: { type: 'int', minimum: 1, default: 3, description: 'Attempts in total, the first included.' },
      strategy: {
        type: 'str',
        enum: ['exponential', 'linear', 'fixed'],
        default: 'exponential',
        description: 'How the delay grows between attempts.',
      },
      base_delay: { type: 'float', minimum: 0, default: 1, description: 'First delay, in seconds.' },
      max_delay: { type: 'float', minimum: 0, default: 60, description: 'Longest delay, in seconds.' },
      jitter: { type: 'bool', default: true, description: 'Randomise delays so that many clients do not retry in step.' },
    },
  },
  timeout: {
    description: 'Seconds the node may run before its work is aborted (sockets closed, child processes killed).',
    value: { type: 'float', minimum: 0.001, description: 'Timeout in seconds.' },
  },
  circuit_breaker: {
    description: 'Stop calling a failing target for a while: closed → open → half-open, shared by all runs in the process.',
    fields: {
      failure_threshold: { type: 'int', minimum: 1, default: 5, description: 'Consecutive failures that open the circuit.' },
      recovery_timeout: { type: 'float', minimum: 0, default: 60, description: 'Seconds the circuit stays open before a trial call.' },
      key: {
        type: 'str',
        enum: ['host', 'node'],
        default: 'host',
        description: 'Share one breaker per target host, or per node type and target.',
      },
      scope: {
        type: 'str',
        enum: ['local', 'global'],
        default: 'local',
        description: '`global` shares the state across workers through Redis.',
      },
    },
  },
  rate_limit: {
    description: 'Limit how often the node runs: at most `max_requests` per `time_window` seconds.',
    fields: {
      max_requests: { type: 'int', minimum: 1, description: 'Requests allowed per window.', required: true },
      time_window: { type: 'float', minimum: 0.001, default: 1, description: 'Window length in seconds.' },
      strategy: {
        type: 'str',
        enum: ['token_bucket', 'sliding_window'],
        default: 'token_bucket',
        description: 'Token bucket allows bursts up to `burst_limit`; sliding window is strict.',
      },
      burst_limit: { type: 'int', minimum: 1, description: 'Bucket capacity (token bucket only); defaults to `max_requests`.' },
      key: { type: 'str', description: 'Share one limit among all nodes with this key (defaults to the target host).' },
      scope: {
        type: 'str',
        enum: ['local', 'global'],
        default: 'local',
        description: '`global` shares the limit across workers through Redis.',
      },
    },
  },
  on_error: {
    description: 'What a failure of this node does to the run.',
    value: {
      type: 'str',
      enum: ['stop', 'continue'],
      default: 'stop',
      description: '`stop` fails the run; `continue` records the error and runs the rest.',
    },
  },
};
