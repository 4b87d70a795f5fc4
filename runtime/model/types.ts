import type { Diagnostic } from '../diagnostics';
import type { Span } from './span';

export type { Span } from './span';
export { Entry, ExactScalar, MapValue, ScalarValue, scalarOf, SeqValue } from './spanned';
export type { Value } from './spanned';
import type { Entry, MapValue } from './spanned';

export interface Spanned<T> {
  value: T;
  span: Span;
}

/** Per-node policies: our additions, which the Python SDK ignores. */
export const POLICY_KEYS = ['retry', 'timeout', 'circuit_breaker', 'rate_limit', 'on_error'] as const;
export type PolicyKey = (typeof POLICY_KEYS)[number];

export interface NodeModel {
  id: string;
  /** Where the id is written: the `id:` value (list form) or the map key (map form). */
  idSpan: Span;
  type?: Spanned<string>;
  /** The whole node entry. */
  span: Span;
  /** The `config` (or `parameters`) mapping, when present and a mapping. */
  config?: MapValue;
  /** Which key held the config: Kailash prefers `parameters` when both exist. */
  configKey?: 'config' | 'parameters';
  /** A `config` was written but is not a mapping (already reported; later checks stay quiet). */
  configInvalid?: boolean;
  policies: Partial<Record<PolicyKey, Entry>>;
  /** Every key of the node entry, for features that need the raw shape. */
  entry: MapValue;
}

export interface ConnectionModel {
  index: number;
  span: Span;
  form: 'full' | 'short';
  from?: Spanned<string>;
  to?: Spanned<string>;
  /** Defaults to `result` (Kailash's `from_dict`); `implicit: true` then marks it as not written (a written port is its scalar). */
  fromOutput: Spanned<string> & { implicit?: boolean };
  /** Defaults to `input`. */
  toInput: Spanned<string> & { implicit?: boolean };
  cycle: boolean;
  maxIterations?: Spanned<unknown>;
  convergenceCheck?: Spanned<unknown>;
  entry: MapValue;
}

export interface WorkflowModel {
  text: string;
  /** `json` for a `.workflow.json` file read as strict JSON; YAML otherwise. */
  format?: 'json';
  /** The whole top-level mapping, when the document is one. */
  root?: MapValue;
  name?: Spanned<string>;
  description?: Spanned<string>;
  nodesForm: 'list' | 'map' | 'none';
  nodes: NodeModel[];
  /** First node with each id (duplicates are reported, not indexed). */
  nodesById: Map<string, NodeModel>;
  connections: ConnectionModel[];
  /** Top-level `parameters`: default run parameters, `{node_id: {param: value}}` or flat. */
  parameters?: MapValue;
  /** Problems found while reading: `yaml-syntax` and `schema`. */
  diagnostics: Diagnostic[];
}
