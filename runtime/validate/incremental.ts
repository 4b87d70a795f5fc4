import type { Diagnostic } from '../diagnostics';
import { LineIndex } from '../model/lines';
import type { ConnectionModel, MapValue, WorkflowModel } from '../model/types';
import { checkKailashCompat } from './compat';
import { checkConnection, isRepeat } from './connections';
import { Context, SUGGEST_BUDGET, type ValidateOptions } from './context';
import { checkGraph } from './graph';
import { validateModel } from './index';
import { checkNode } from './nodes';
import { checkParameters } from './parameters';
import { applySuppressions } from './suppress';

/** A cached result: diagnostics with spans relative to the item's start, and what it depended on. */
interface Cached {
  deps: unknown[];
  diagnostics: Diagnostic[];
  /** Candidate-list lengths of its did-you-mean calls, in order (see `fits`). */
  calls: number[];
}

/**
 * Validates successive models of one document, rerunning a node's or a connection's checks only
 * when something they read changed, and giving exactly what `validateModel` gives.
 *
 * Results are cached by the item's `entry` value: the incremental parser hands back the very same
 * object while the item's text is unchanged (it only moves). A node's checks read the node and
 * what flows into it (input names of connections into it, its run parameters); a connection's
 * read itself and its endpoint nodes, or the id list when an endpoint is missing, and whether it
 * repeats an earlier connection. The `parameters` block, the graph checks (cycles,
 * disconnected nodes) and the Kailash-compatibility warnings are global and cheap, so they rerun
 * every time.
 *
 * Did-you-mean has a budget shared by the whole pass, in check order; items are visited in that
 * order and the budget replayed, so a cached result is used only when the budget would have
 * answered all of its calls, and an item that runs short is checked afresh with what remains.
 */
export class IncrementalValidator {
  private nodes = new WeakMap<MapValue, Cached>();
  private connections = new WeakMap<MapValue, Cached>();
  readonly stats = { checked: 0, reused: 0 };

  constructor(readonly options: ValidateOptions = {}) {}

  validate(model: WorkflowModel, lines = new LineIndex(model.text)): Diagnostic[] {
    if (!model.root) return validateModel(model, this.options, lines);
    const ctx = new Context(model, this.options, SUGGEST_BUDGET);
    // Copies throughout: a parser's span tuples move in place on its next edit; results must not.
    const out: Diagnostic[] = model.diagnostics.map((d) => moved(d, 0));
    this.stats.checked = 0;
    this.stats.reused = 0;
    const flat = [...ctx.flatParameters].join('\u0000');
    for (const node of model.nodes) {
      const deps = [
        (ctx.incoming.get(node.id) ?? []).map((c) => c.toInput.value).join('\u0000'),
        ctx.nodeParameters
          .get(node.id)
          ?.entries.map((e) => e.key)
          .join('\u0000'),
        flat,
      ];
      this.run(this.nodes, node.entry, deps, ctx, out, () => checkNode(ctx, node));
    }
    const seen = new Set<string>();
    let idsKey: string | undefined;
    const endpointDep = (ref: ConnectionModel['from']): unknown => {
      if (!ref) return null;
      const node = model.nodesById.get(ref.value);
      return node ? node.entry : (idsKey ??= ctx.nodeIds().join('\u0000'));
    };
    for (const c of model.connections) {
      const repeat = isRepeat(c, seen);
      const deps = [endpointDep(c.from), endpointDep(c.to), repeat];
      this.run(this.connections, c.entry, deps, ctx, out, () => checkConnection(ctx, c, repeat));
    }
    const globalStart = ctx.diagnostics.length;
    checkParameters(ctx);
    checkGraph(ctx);
    checkKailashCompat(ctx);
    for (let i = globalStart; i < ctx.diagnostics.length; i++) out.push(moved(ctx.diagnostics[i]!, 0));
    const all = applySuppressions(model.text, out, lines, model.format);
    return all.sort((a, b) => a.span[0] - b.span[0] || a.span[1] - b.span[1]);
  }

  /** Reuses or recomputes one item's diagnostics into `out`, spending its share of the budget. */
  private run(cache: WeakMap<MapValue, Cached>, key: MapValue, deps: unknown[], ctx: Context, out: Diagnostic[], check: () => void): void {
    const base = key.span[0];
    const hit = cache.get(key);
    if (hit && sameDeps(hit.deps, deps) && fits(hit.calls, ctx.budget)) {
      this.stats.reused++;
      for (const c of hit.calls) ctx.budget -= c;
      for (const d of hit.diagnostics) out.push(moved(d, base));
      return;
    }
    this.stats.checked++;
    const from = ctx.diagnostics.length;
    ctx.calls = [];
    ctx.starved = false;
    check();
    const diagnostics: Diagnostic[] = [];
    for (let i = from; i < ctx.diagnostics.length; i++) {
      const d = ctx.diagnostics[i]!;
      out.push(moved(d, 0));
      diagnostics.push(moved(d, -base));
    }
    // A result computed short of budget lacks suggestions it may get later: never reuse it.
    if (ctx.starved) cache.delete(key);
    else cache.set(key, { deps, diagnostics, calls: ctx.calls });
  }
}

/** Whether a budget answers every call in turn (then the result is the unlimited one). */
function fits(calls: number[], budget: number): boolean {
  for (const c of calls) {
    if (budget < c) return false;
    budget -= c;
  }
  return true;
}

function sameDeps(a: unknown[], b: unknown[]): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** A copy with its own span tuple, moved by `delta`. */
function moved(d: Diagnostic, delta: number): Diagnostic {
  return { ...d, span: [d.span[0] + delta, d.span[1] + delta] };
}
