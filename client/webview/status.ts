import type { NodeView, RunView } from '../shared/panel';

export type Status = NodeView['status'];

/** Each status has a glyph and a word besides its colour, so none is told by colour alone. */
export const STATUS: Record<Status, { glyph: string; label: string }> = {
  running: { glyph: '◔', label: 'running' },
  succeeded: { glyph: '✓', label: 'succeeded' },
  failed: { glyph: '✗', label: 'failed' },
  skipped: { glyph: '↷', label: 'skipped' },
  cancelled: { glyph: '⊘', label: 'cancelled' },
  'not-run': { glyph: '○', label: 'not run' },
};

export function statusOf(run: RunView | undefined, id: string): Status {
  return run?.nodes[id]?.status ?? 'not-run';
}

/** Whether a node has anything to show beyond its name: it ran, or started. */
export function ran(v: NodeView | undefined): v is NodeView {
  return v !== undefined && v.status !== 'not-run';
}
