import type { NodeRecord } from '../../runtime/engine/types';

/** A node's last run in a few words, for the end of its line: `✓ 120 ms · 3 rows`, `✗ TimeoutError`. */
export function statusText(record: NodeRecord, preview: unknown): string {
  const time = formatDuration(record.durationMs);
  const tries = record.attempts > 1 ? ` · ${record.attempts} attempts` : '';
  switch (record.status) {
    case 'succeeded': {
      const size = sizeOf(preview);
      return `✓ ${time}${size ? ` · ${size}` : ''}${tries}${record.reused ? ' · reused' : ''}`;
    }
    case 'failed':
      return `✗ ${record.error ? shortError(record.error.type, record.error.message) : 'failed'}${tries}`;
    case 'skipped':
      return '↷ skipped (switch)';
    case 'cancelled':
      return '■ cancelled';
    default:
      return '· not run';
  }
}

export function formatDuration(ms: number): string {
  if (ms < 1) return '<1 ms';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

function shortError(type: string, message: string): string {
  const timeout = /timed out after ([\d.]+ s)/.exec(message);
  if (timeout) return `timeout after ${timeout[1]}`;
  const line = message.split('\n')[0]!;
  return `${type}: ${line.length > 60 ? `${line.slice(0, 57)}…` : line}`;
}

/** Rows or items in the most telling list of an output (`data`, `result`, …). */
function sizeOf(preview: unknown): string | undefined {
  if (!preview || typeof preview !== 'object') return undefined;
  const o = preview as Record<string, unknown>;
  const rowCount = o.row_count ?? (o.result as Record<string, unknown> | undefined)?.row_count;
  if (typeof rowCount === 'number') return `${rowCount} row${rowCount === 1 ? '' : 's'}`;
  for (const key of ['data', 'result', 'messages', 'discovered_files', 'merged_data', 'responses']) {
    const v = o[key];
    if (Array.isArray(v)) {
      const more = v.length && typeof v[v.length - 1] === 'string' ? /^… (\d+) more items$/.exec(v[v.length - 1] as string) : null;
      const n = more ? v.length - 1 + Number(more[1]) : v.length;
      return `${n} item${n === 1 ? '' : 's'}`;
    }
  }
  if (typeof o.status_code === 'number') return `HTTP ${o.status_code}`;
  return undefined;
}
