import type { Span } from './model/span';

/** The diagnostic codes (docs/workflow-format.md); users silence them by name, so they never change. */
export const DIAGNOSTIC_CODES = [
  'yaml-syntax',
  'schema',
  'unknown-node-type',
  'duplicate-node-id',
  'missing-required-param',
  'unknown-param',
  'param-type',
  'invalid-enum-value',
  'unknown-connection-node',
  'unknown-output',
  'unknown-input',
  'connection-type-mismatch',
  'connection-type-coercion',
  'self-connection',
  'duplicate-connection',
  'cycle',
  'disconnected-node',
  'unknown-template-variable',
  'plaintext-secret',
  'sql-injection-risk',
  'credential-dropped',
  'sandbox-import',
  'kailash-compat',
  'missing-file',
  // Test files (`*.workflow.test.yaml`).
  'test-file',
  'unknown-workflow-file',
  'unknown-test-node',
  'pin-output-type',
  'invalid-assertion',
] as const;

export type DiagnosticCode = (typeof DIAGNOSTIC_CODES)[number];
export type Severity = 'error' | 'warning' | 'info' | 'hint';

export interface Diagnostic {
  code: DiagnosticCode;
  severity: Severity;
  message: string;
  /** Offsets into the document text, end exclusive. */
  span: Span;
  /** Names close to a misspelt one, best first: quick fixes offer them. */
  suggestions?: string[];
}
