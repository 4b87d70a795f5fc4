import { SymbolKind, type DocumentSymbol } from 'vscode-languageserver';
import { getEntry } from '../../runtime/model/values';
import type { Span } from '../../runtime/model/types';
import { innerSpan } from './locate';
import { toRange, type FeatureDoc } from './types';

/**
 * Beyond this many nodes (or connections) the outline lists the nodes without their config keys
 * and the connections only as their section: VS Code asks for the symbols after every edit
 * (outline, breadcrumbs, sticky scroll) and the extension host converts and forwards each one,
 * which stalled typing by 100 to 270 ms in a 2,000-node file with ten thousand symbols.
 */
export const OUTLINE_DETAIL_LIMIT = 200;

/** The outline: the nodes (with their type and config keys) and the connections, under their sections. */
export function documentSymbols(doc: FeatureDoc): DocumentSymbol[] {
  const { model, lines, text } = doc;
  const root = model.root;
  if (!root) return [];
  const sym = (
    name: string,
    detail: string | undefined,
    kind: SymbolKind,
    span: Span,
    selection: Span,
    children?: DocumentSymbol[],
  ): DocumentSymbol => {
    // LSP requires the selection inside the range; map-form ids sit before their node's body.
    const range: Span = [Math.min(span[0], selection[0]), Math.max(span[1], selection[1])];
    const s: DocumentSymbol = { name: name || ' ', kind, range: toRange(lines, range), selectionRange: toRange(lines, selection) };
    if (detail) s.detail = detail;
    if (children?.length) s.children = children;
    return s;
  };
  const out: DocumentSymbol[] = [];
  for (const e of root.entries) {
    const whole: Span = [e.keySpan[0], Math.max(e.keySpan[1], e.value.span[1])];
    if (e.key === 'nodes') {
      const detailed = model.nodes.length <= OUTLINE_DETAIL_LIMIT;
      const nodes = model.nodes.map((n) => {
        const config = detailed
          ? n.config?.entries.map((c) => sym(c.key, undefined, SymbolKind.Property, [c.keySpan[0], c.value.span[1]], c.keySpan))
          : undefined;
        return sym(n.id, n.type?.value, SymbolKind.Class, n.span, innerSpan(text, n.idSpan), config);
      });
      out.push(sym('nodes', `${model.nodes.length}`, SymbolKind.Namespace, whole, e.keySpan, nodes));
    } else if (e.key === 'connections') {
      const many = model.connections.length > OUTLINE_DETAIL_LIMIT;
      const conns = (many ? [] : model.connections).map((c) => {
        const name = `${c.from?.value ?? '?'}.${c.fromOutput.value} → ${c.to?.value ?? '?'}.${c.toInput.value}`;
        const at = getEntry(c.entry, c.form === 'full' ? 'from_node' : 'from');
        return sym(name, c.cycle ? 'cycle' : undefined, SymbolKind.Event, c.span, at ? at.keySpan : c.span);
      });
      out.push(sym('connections', `${model.connections.length}`, SymbolKind.Namespace, whole, e.keySpan, conns));
    } else {
      const detail = e.value.kind === 'scalar' && e.value.value !== null ? String(e.value.value) : undefined;
      out.push(sym(e.key, detail, e.value.kind === 'scalar' ? SymbolKind.Field : SymbolKind.Object, whole, e.keySpan));
    }
  }
  return out;
}
