import type { CodeChainStep, NodeRun } from '../catalog/types';
import { consulTarget, runServiceDiscovery } from './api/consul';
import { graphqlTarget, runGraphQL } from './api/graphql';
import { runAsyncHttpRequest, runHttpRequest, targetHost } from './api/http';
import { llmTarget, runLLMAgent } from './api/llm';
import { runOAuth2 } from './api/oauth2';
import { restTarget, runRest } from './api/rest';
import { runSlack, slackTarget } from './api/slack';
import { runWebhookVerify } from './api/webhook';
import { runWebSocket, websocketTarget } from './api/websocket';
import { runJwt } from './auth/jwt';
import { ldapTarget, runLdap } from './auth/ldap';
import { readS3, s3Target, writeS3 } from './cloud/s3';
import { pythonStep, runJavaScript, runPython } from './code/run';
import { runAsyncSqlDatabase, runSqlDatabase, sqlTarget } from './database/sql';
import { readCsv, writeCsv } from './files/csv';
import { readDirectory } from './files/directory';
import { readJson, writeJson } from './files/json';
import { readText, writeText } from './files/text';
import { runMerge } from './logic/merge';
import { runSwitch } from './logic/switch';
import { runWorkflowNode } from './logic/workflow';
import { emailTarget, runEmail } from './messaging/email';
import { kafkaTarget, runKafkaConsumer, runKafkaProducer } from './messaging/kafka';

/** What the engine needs to execute a node type; its spec (params, outputs, docs) is in the catalog. */
export interface NodeImplementation {
  run: NodeRun;
  /** The host (or other target) the node talks to, for keying circuit breakers and rate limits. */
  target?: (inputs: Record<string, unknown>) => string | undefined;
  /**
   * For a code node whose worker runs chains (`CodeWorker.runChain`): the step its inputs make.
   * The engine sends a linear chain of such nodes as one request (engine/chains.ts).
   */
  chainStep?: (inputs: Record<string, unknown>, node: string) => Omit<CodeChainStep, 'connections' | 'fixed'>;
}

/**
 * Every node type's implementation, by type. The catalog never imports this file: specs are
 * data that the language server reads without loading any integration library.
 */
const IMPLEMENTATIONS: Record<string, NodeImplementation> = {
  JWTAuthNode: { run: runJwt },
  LLMAgentNode: { run: runLLMAgent, target: llmTarget },
  HTTPRequestNode: { run: runHttpRequest, target: (inputs) => targetHost(inputs) },
  AsyncHTTPRequestNode: { run: runAsyncHttpRequest, target: (inputs) => targetHost(inputs) },
  RESTClientNode: { run: runRest, target: restTarget },
  GraphQLClientNode: { run: runGraphQL, target: graphqlTarget },
  OAuth2Node: { run: runOAuth2, target: (inputs) => targetHost(inputs, 'token_url') },
  WebhookVerifyNode: { run: runWebhookVerify },
  WebSocketNode: { run: runWebSocket, target: websocketTarget },
  ServiceDiscoveryNode: { run: runServiceDiscovery, target: consulTarget },
  LDAPAuthNode: { run: runLdap, target: ldapTarget },
  S3ReaderNode: { run: readS3, target: s3Target },
  S3WriterNode: { run: writeS3, target: s3Target },
  PythonCodeNode: { run: runPython, chainStep: pythonStep },
  JavaScriptCodeNode: { run: runJavaScript },
  SQLDatabaseNode: { run: runSqlDatabase, target: sqlTarget },
  AsyncSQLDatabaseNode: { run: runAsyncSqlDatabase, target: sqlTarget },
  DirectoryReaderNode: { run: readDirectory },
  CSVReaderNode: { run: readCsv },
  CSVWriterNode: { run: writeCsv },
  JSONReaderNode: { run: readJson },
  JSONWriterNode: { run: writeJson },
  TextReaderNode: { run: readText },
  TextWriterNode: { run: writeText },
  SwitchNode: { run: runSwitch },
  MergeNode: { run: runMerge },
  WorkflowNode: { run: runWorkflowNode },
  SlackNotificationNode: { run: runSlack, target: slackTarget },
  EmailSenderNode: { run: runEmail, target: emailTarget },
  KafkaProducerNode: { run: runKafkaProducer, target: kafkaTarget },
  KafkaConsumerNode: { run: runKafkaConsumer, target: kafkaTarget },
};

export function implementationOf(type: string): NodeImplementation | undefined {
  return Object.hasOwn(IMPLEMENTATIONS, type) ? IMPLEMENTATIONS[type] : undefined;
}
