import { PYTHON_ALLOWED_MODULES } from './python-allowlist';

/**
 * What is said about an import PythonCodeNode's restricted sandbox refuses, and the node that
 * does the job of such a module. The editor's import check and the run's import error both read
 * this file, so they say the same.
 */

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

const allowed = new Set(PYTHON_ALLOWED_MODULES);

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
