/**
 * PythonCodeNode's restricted sandbox as data: the modules `sandbox_mode: restricted` lets code
 * import (Kailash's allow-list), and the node that does the job of a module the sandbox refuses.
 * The editor's import check and the run's import error both read this file, so they say the same.
 */

/** Top-level modules importable under `sandbox_mode: restricted`; the worker enforces the same set. */
export const PYTHON_SANDBOX_MODULES: readonly string[] = [
  'math', 'statistics', 'datetime', 'json', 'random', 'itertools', 'collections', 'functools',
  'string', 'time', 're', 'enum', 'dataclasses', 'typing', 'types', 'copy', 'uuid', 'hashlib',
  'hmac', 'secrets', 'base64', 'pandas', 'numpy', 'scipy', 'sklearn', 'pathlib', 'os', 'csv',
  'mimetypes', 'glob', 'xml', 'tempfile', 'logging', 'io', 'decimal', 'fractions', 'operator',
  'textwrap', 'heapq', 'bisect', 'array', 'zoneinfo', 'calendar', 'html', 'urllib', 'pprint',
];

/** Modules integration code imports for a job a node already does. */
const NODE_FOR_MODULE: Record<string, string> = {
  boto3: 'S3ReaderNode / S3WriterNode',
  botocore: 'S3ReaderNode / S3WriterNode',
  requests: 'HTTPRequestNode',
  httpx: 'HTTPRequestNode',
  urllib3: 'HTTPRequestNode',
  aiohttp: 'AsyncHTTPRequestNode',
  psycopg2: 'SQLDatabaseNode',
  psycopg: 'SQLDatabaseNode',
  pymysql: 'SQLDatabaseNode',
  sqlalchemy: 'SQLDatabaseNode',
  sqlite3: 'SQLDatabaseNode',
  smtplib: 'EmailSenderNode',
  kafka: 'KafkaProducerNode / KafkaConsumerNode',
  ldap3: 'LDAPAuthNode',
  jwt: 'JWTAuthNode',
  slack_sdk: 'SlackNotificationNode',
  websockets: 'WebSocketNode',
};

const allowed = new Set(PYTHON_SANDBOX_MODULES);

export function isSandboxModule(root: string): boolean {
  return allowed.has(root);
}

/** What both the editor and a failed run say about an import the sandbox refuses. */
export function sandboxImportMessage(module: string): string {
  const node = NODE_FOR_MODULE[module];
  return (
    `Module '${module}' is not in the allowed list of PythonCodeNode's sandbox (sandbox_mode: restricted, the default), so importing it fails. ` +
    `Set \`sandbox_mode: trusted\` on this node to allow it (only for code you trust)${node ? `, or use ${node} instead` : ''}.`
  );
}
