import type { NodeDiff } from '../common/diff';
import type { PanelGraph, RunView } from '../common/panel';
import { count, el, ms } from './dom';
import { STATUS, statusOf } from './status';

export const ROW_H = 26;
const OVERSCAN = 8;

const DIFF: Record<NodeDiff['kind'], { glyph: string; label: string } | undefined> = {
  same: undefined,
  changed: { glyph: '~', label: 'changed' },
  added: { glyph: '+', label: 'ran now only' },
  removed: { glyph: '−', label: 'ran before only' },
};

/**
 * Every node as one fixed-height row, only the rows in view in the DOM (a 2,000-node file draws
 * about 30). Rows are a listbox with one tab stop: arrows move, Enter or Space selects.
 */
export class NodeList {
  private nodes: PanelGraph['nodes'] = [];
  private run: RunView | undefined;
  private diffs = new Map<string, NodeDiff>();
  private selected: string | undefined;
  private focusIndex = 0;
  private readonly spacer = el('div', 'spacer');
  private frame = 0;

  constructor(
    private readonly box: HTMLElement,
    private readonly onSelect: (id: string, reveal: boolean) => void,
  ) {
    box.setAttribute('role', 'listbox');
    box.setAttribute('aria-label', 'nodes');
    box.append(this.spacer);
    box.addEventListener('scroll', () => {
      cancelAnimationFrame(this.frame);
      this.frame = requestAnimationFrame(() => this.draw());
    });
    box.addEventListener('keydown', (e) => this.key(e));
  }

  update(nodes: PanelGraph['nodes'], run: RunView | undefined, diffs: NodeDiff[] | undefined, selected: string | undefined): void {
    this.nodes = nodes;
    this.run = run;
    this.diffs = new Map((diffs ?? []).map((d) => [d.id, d]));
    this.selected = selected;
    const i = selected === undefined ? -1 : nodes.findIndex((n) => n.id === selected);
    if (i >= 0) this.focusIndex = i;
    this.focusIndex = Math.min(this.focusIndex, Math.max(0, nodes.length - 1));
    this.spacer.style.height = `${nodes.length * ROW_H}px`;
    this.box.style.setProperty('--rows', String(Math.min(nodes.length, 14)));
    this.draw();
  }

  /** Brings a row into view (a click in the graph, the editor's cursor). */
  scrollTo(id: string): void {
    const i = this.nodes.findIndex((n) => n.id === id);
    if (i < 0) return;
    const top = i * ROW_H;
    if (top < this.box.scrollTop) this.box.scrollTop = top;
    else if (top + ROW_H > this.box.scrollTop + this.box.clientHeight) this.box.scrollTop = top + ROW_H - this.box.clientHeight;
    this.draw();
  }

  private draw(): void {
    const view = this.box.clientHeight || ROW_H * 14;
    const first = Math.max(0, Math.floor(this.box.scrollTop / ROW_H) - OVERSCAN);
    const last = Math.min(this.nodes.length, Math.ceil((this.box.scrollTop + view) / ROW_H) + OVERSCAN);
    const hadFocus = this.box.contains(document.activeElement) && document.activeElement !== this.box;
    const rows: HTMLElement[] = [];
    for (let i = first; i < last; i++) rows.push(this.row(i));
    this.spacer.replaceChildren(...rows);
    if (hadFocus) (this.spacer.querySelector('[tabindex="0"]') as HTMLElement | null)?.focus({ preventScroll: true });
  }

  private row(i: number): HTMLElement {
    const n = this.nodes[i]!;
    const v = this.run?.nodes[n.id];
    const status = statusOf(this.run, n.id);
    const row = el('div', `row ${status}${this.selected === n.id ? ' selected' : ''}`);
    row.dataset.node = n.id;
    row.id = `row-${i}`;
    row.setAttribute('role', 'option');
    row.setAttribute('aria-selected', String(this.selected === n.id));
    row.tabIndex = i === this.focusIndex ? 0 : -1;
    row.style.transform = `translateY(${i * ROW_H}px)`;
    const glyph = el('span', `glyph ${status}`, STATUS[status].glyph);
    glyph.title = STATUS[status].label;
    glyph.setAttribute('aria-hidden', 'true');
    row.append(glyph, el('span', 'node-id', n.id), el('span', 'node-type', n.type), el('span', 'sr', STATUS[status].label));
    if (v && status !== 'not-run' && status !== 'running' && status !== 'paused') row.append(el('span', 'dur', ms(v.durationMs)));
    // Held by the debugger: said in words too, not by its glyph and colour alone.
    if (status === 'paused') row.append(el('span', 'badge paused', `${STATUS.paused.glyph} paused`));
    if (v?.attempts && v.attempts > 1) row.append(el('span', 'badge', count(v.attempts, 'attempt')));
    if (v?.reused) row.append(el('span', 'badge', 'reused'));
    const d = this.diffs.get(n.id);
    const mark = d && DIFF[d.kind];
    if (mark) {
      const b = el('span', `badge diff ${d.kind}`, `${mark.glyph} ${mark.label}`);
      if (d.kind === 'changed')
        b.title = d.statusBefore !== d.statusAfter ? `was ${STATUS[d.statusBefore ?? 'not-run'].label}` : count(d.output.length, 'change');
      row.append(b);
    }
    row.addEventListener('click', () => {
      this.focusIndex = i;
      this.onSelect(n.id, true);
    });
    return row;
  }

  private key(e: KeyboardEvent): void {
    const moves: Record<string, number> = { ArrowDown: 1, ArrowUp: -1, PageDown: 10, PageUp: -10, Home: -Infinity, End: Infinity };
    if (e.key === 'Enter' || e.key === ' ') {
      const n = this.nodes[this.focusIndex];
      if (n) this.onSelect(n.id, true);
      e.preventDefault();
      return;
    }
    const m = moves[e.key];
    if (m === undefined || this.nodes.length === 0) return;
    e.preventDefault();
    this.focusIndex = Math.max(0, Math.min(this.nodes.length - 1, this.focusIndex + m));
    this.scrollTo(this.nodes[this.focusIndex]!.id);
    (this.spacer.querySelector('[tabindex="0"]') as HTMLElement | null)?.focus({ preventScroll: true });
  }
}
