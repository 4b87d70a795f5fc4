import type { NodeView, RunView } from '../common/panel';

export type Status = NodeView['status'];

/** Each status has a glyph and a word besides its colour, so none is told by colour alone. */
export const STATUS: Record<Status, { glyph: string; label: string }> = {
  running: { glyph: '◔', label: 'running' },
  // Not U+23F8 (⏸): fonts on Linux often lack it, and it shows as a box.
  paused: { glyph: '‖', label: 'paused' },
  succeeded: { glyph: '✓', label: 'succeeded' },
  failed: { glyph: '✗', label: 'failed' },
  skipped: { glyph: '↷', label: 'skipped' },
  cancelled: { glyph: '⊘', label: 'cancelled' },
  'not-run': { glyph: '○', label: 'not run' },
};

export function statusOf(run: RunView | undefined, id: string): Status {
  return run?.nodes[id]?.status ?? 'not-run';
}

/** Whether a node has anything to show beyond its name: it ran (or runs), or got as far as its inputs. */
export function ran(v: NodeView | undefined): v is NodeView {
  if (!v) return false;
  return (
    v.status === 'succeeded' ||
    v.status === 'failed' ||
    v.status === 'running' ||
    v.status === 'paused' ||
    v.inputs !== undefined ||
    v.output !== undefined
  );
}

/** Why a node has nothing to show. */
export function notRunReason(v: NodeView | undefined, anyRun: boolean): string {
  if (!anyRun) return 'No run yet: run the workflow to see what each node receives and returns.';
  if (v?.status === 'skipped') return 'Skipped: it did not run, since no data was routed to it.';
  if (v?.status === 'cancelled') return 'Cancelled: it did not finish.';
  return 'Did not run in this run.';
}
