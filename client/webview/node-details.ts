import { pathText, type NodeDiff } from '../common/diff';
import { valueJson } from '../common/value-text';
import { failureText, hintFor, plainMessage, type FromPanel, type NodeView, type PanelGraph, type RunView } from '../common/panel';
import { count, el, ms } from './dom';
import { notRunReason, ran, STATUS } from './status';
import { valueView } from './value-view';

/** The selected node: what it received beside what it returned, its error, and what changed since the compared run. */
export function nodeDetails(
  node: PanelGraph['nodes'][number],
  run: RunView | undefined,
  diff: { other: RunView; d: NodeDiff } | undefined,
  post: (m: FromPanel) => void,
): HTMLElement {
  const v = run?.nodes[node.id];
  const status = v?.status ?? 'not-run';
  const box = el('div', `details ${status}`);
  box.dataset.node = node.id;
  const head = el('div', 'details-head');
  const glyph = el('span', `glyph ${status}`, STATUS[status].glyph);
  glyph.setAttribute('aria-hidden', 'true');
  head.append(
    glyph,
    el('h2', 'details-id', node.id),
    el('span', 'node-type', node.type),
    el('span', `state ${status}`, STATUS[status].label),
  );
  if (v?.durationMs !== undefined && ran(v)) head.append(el('span', 'dur', ms(v.durationMs)));
  if (v?.attempts && v.attempts > 1) head.append(el('span', 'badge', count(v.attempts, 'attempt')));
  if (v?.reused) head.append(el('span', 'badge', 'reused'));
  if (run && v?.status === 'succeeded' && v.output !== undefined) {
    const pin = el('button', 'pin', 'Pin output');
    pin.title = `Pin this output: write ${node.id}'s output (secrets masked) into the workflow's test file`;
    pin.addEventListener('click', () => post({ type: 'pin', runId: run.runId, node: node.id }));
    head.append(pin);
  }
  box.append(head);
  if (!ran(v)) {
    box.append(
      el('p', 'note', run ? 'Did not run in this run.' : 'No run yet: run the workflow to see what each node receives and returns.'),
    );
    if (diff) box.append(changes(diff));
    return box;
  }
  for (const r of v.retries ?? []) box.append(el('div', 'retry', `retry ${r.attempt} after ${ms(r.delayMs)}: ${r.cause}`));
  if (v.error) box.append(errorBox(v.error, status));
  const io = el('div', 'io');
  if (v.inputs !== undefined) io.append(valueView('inputs', 'Received', v.inputs, v.inputsTruncated === true, post));
  else io.append(placeholder('Received', v.status === 'running' ? 'waiting for inputs…' : 'not recorded'));
  if (v.output !== undefined && !v.error) io.append(valueView('output', 'Returned', v.output, v.truncated === true, post));
  else if (v.status === 'paused') io.append(placeholder('Returned', 'not yet: the debugger holds it before it runs (Continue goes on)'));
  else io.append(placeholder('Returned', v.status === 'running' ? 'running…' : v.error ? 'nothing (it failed)' : 'nothing'));
  box.append(io);
  if (diff) box.append(changes(diff));
  return box;
}

function placeholder(title: string, text: string): HTMLElement {
  const s = el('section', 'value empty');
  const bar = el('div', 'value-bar');
  bar.append(el('h3', 'value-title', title));
  s.append(bar, el('p', 'note', text));
  return s;
}

/** The error once, with the parameter it concerns and what to do about it. */
function errorBox(error: NonNullable<NodeView['error']>, status: string): HTMLElement {
  const box = el('div', status === 'cancelled' ? 'error cancelled' : 'error');
  box.setAttribute('role', 'alert');
  if (error.param) {
    const p = el('div', 'error-param');
    p.append('in parameter ', el('code', undefined, error.param));
    box.append(p);
  }
  // In words, not Kailash's class name (kept in the tooltip).
  const text = el('div', 'error-text', failureText(error));
  text.title = error.type;
  box.append(text);
  const more = plainMessage(error).split('\n').slice(1).join('\n').trim();
  if (more) box.append(el('pre', 'error-more', more));
  const hint = error.hint ?? hintFor(error.type);
  if (hint) box.append(el('div', 'hint', hint));
  return box;
}

function changes({ other, d }: { other: RunView; d: NodeDiff }): HTMLElement {
  const s = el('section', 'changes');
  s.append(el('h3', 'value-title', `Compared with ${new Date(other.startedAt).toLocaleTimeString()} · ${other.label}`));
  const list = el('ul', 'change-list');
  const item = (kind: string, glyph: string, text: string) => {
    const li = el('li', `change ${kind}`);
    const g = el('span', 'change-glyph', glyph);
    g.setAttribute('aria-hidden', 'true');
    li.append(g, el('span', 'change-kind', kind), el('span', 'change-text', text));
    list.append(li);
  };
  if (d.kind === 'same') item('same', '=', 'same status and output');
  if (d.kind === 'added') item('added', '+', `ran in this run only (was ${STATUS[d.statusBefore ?? 'not-run'].label})`);
  if (d.kind === 'removed') item('removed', '−', `ran in the compared run only (${STATUS[d.statusBefore ?? 'not-run'].label})`);
  if (d.kind === 'changed' && d.statusBefore !== d.statusAfter)
    item('changed', '~', `status: ${STATUS[d.statusBefore ?? 'not-run'].label} → ${STATUS[d.statusAfter ?? 'not-run'].label}`);
  for (const c of d.output) {
    const where = pathText(c.path);
    if (c.kind === 'added') item('added', '+', `${where}: ${short(c.after)}`);
    else if (c.kind === 'removed') item('removed', '−', `${where}: ${short(c.before)}`);
    else item('changed', '~', `${where}: ${short(c.before)} → ${short(c.after)}`);
  }
  if (d.more) list.append(el('li', 'note', 'and more changes'));
  s.append(list);
  return s;
}

function short(v: unknown): string {
  const t = v === undefined ? 'nothing' : valueJson(v);
  return t.length > 80 ? `${t.slice(0, 79)}…` : t;
}
