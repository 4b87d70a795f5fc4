import type { Position, Range } from 'vscode-languageserver';
import { allSpecs, getSpec, METADATA_KEYS } from '../../runtime/catalog';
import { POLICIES } from '../../runtime/catalog/policies';
import type { NodeSpec } from '../../runtime/catalog/types';
import type { Diagnostic } from '../../runtime/diagnostics';
import type { LineIndex } from '../../runtime/model/lines';
import type { Span, WorkflowModel } from '../../runtime/model/types';

/** One version of an open document, as every feature sees it. */
export interface FeatureDoc {
  uri: string;
  text: string;
  model: WorkflowModel;
  lines: LineIndex;
  /** The validator's diagnostics for this version, when features need them (code actions). */
  diagnostics?: readonly Diagnostic[];
}

/** What features know about node types: the catalog, passed in so tests may narrow it. */
export interface Catalog {
  specs: readonly NodeSpec[];
  get(type: string): NodeSpec | undefined;
  policies: typeof POLICIES;
  metadataKeys: readonly string[];
}

export const CATALOG: Catalog = { specs: allSpecs, get: getSpec, policies: POLICIES, metadataKeys: METADATA_KEYS };

/** What features may ask about other files. */
export interface WorkspaceIndex {
  /** The URI a path written in `uri` refers to (relative paths resolve against its folder). */
  resolve(uri: string, path: string): string | undefined;
}

export function toRange(lines: LineIndex, span: Span): Range {
  return lines.range(span);
}

export function toOffset(lines: LineIndex, p: Position): number {
  return lines.offset(p.line, p.character);
}

/** Whether an offset touches a span (its end included: the cursor right after a word is on it). */
export function touches(span: Span, offset: number): boolean {
  return span[0] <= offset && offset <= span[1];
}

/** Offset where the line holding `offset` starts (`lastIndexOf` with -1 would look at index 0). */
export function lineStartOf(text: string, offset: number): number {
  return offset <= 0 ? 0 : text.lastIndexOf('\n', offset - 1) + 1;
}
