/**
 * Which lines of an editor get the run's marks: the visible ones and a margin around them.
 * Thousands of decorations, sent to the renderer on every redraw, stalled the extension host in
 * a 2,000-node file; a window of a few hundred lines costs the same whatever the file's size,
 * and scrolling within it needs no redraw.
 */
export interface LineWindow {
  from: number;
  to: number;
}

/** Lines beyond the visible ones, each side, that get their marks too. */
export const MARGIN_LINES = 200;

/** The window around visible line ranges (inclusive), clamped to the document. */
export function windowAround(visible: readonly LineWindow[], lineCount: number, margin = MARGIN_LINES): LineWindow {
  if (!visible.length) return { from: 0, to: Math.min(lineCount - 1, 2 * margin) };
  const from = Math.min(...visible.map((v) => v.from));
  const to = Math.max(...visible.map((v) => v.to));
  return { from: Math.max(0, from - margin), to: Math.min(lineCount - 1, to + margin) };
}

/** Whether every visible line is inside the window (scrolling there needs no redraw). */
export function covers(window: LineWindow, visible: readonly LineWindow[]): boolean {
  return visible.every((v) => v.from >= window.from && v.to <= window.to);
}
