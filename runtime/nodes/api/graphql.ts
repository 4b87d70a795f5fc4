import type { NodeRun } from '../../catalog/types';
import { NodeFailure } from '../../engine/errors';
import { isRetryableStatus } from '../../engine/retryable';
import { content, failureOf, httpRequest, isTransportFailure, targetHost } from './http';

type Dict = Record<string, unknown>;

/** "GraphQL errors: msg (at path a.b); msg2" — what content-aware detection shows when the run stops. */
function describeErrors(errors: unknown[]): string {
  const parts = errors.slice(0, 10).map((e) => {
    const d = (e && typeof e === 'object' ? e : { message: String(e) }) as Dict;
    const path = Array.isArray(d.path) ? ` (at ${d.path.join('.')})` : '';
    return `${String(d.message ?? 'unknown error')}${path}`;
  });
  const more = errors.length > 10 ? `; and ${errors.length - 10} more` : '';
  return `GraphQL errors: ${parts.join('; ')}${more}`;
}

/**
 * GraphQLClientNode: POSTs `{query, variables, operationName}` through the HTTP core. As in
 * Kailash, `errors` in the answer (even with HTTP 200) make `success: false`, which stops the
 * run; a body that is not a JSON object raises. Transport failures, 5xx and 429 raise a
 * retryable failure so that a `retry` policy can cure them.
 */
export const runGraphQL: NodeRun = async (i, ctx) => {
  const endpoint = String(i.endpoint ?? '');
  const query = String(i.query ?? '');
  if (!endpoint) throw new NodeFailure('NodeValidationError', 'GraphQL endpoint URL is required');
  if (!query) throw new NodeFailure('NodeValidationError', 'GraphQL query is required');
  const headers: Dict = { ...((i.headers as Dict | undefined) ?? {}) };
  if (!Object.keys(headers).some((k) => k.toLowerCase() === 'content-type')) headers['Content-Type'] = 'application/json';
  const payload: Dict = { query };
  const variables = i.variables as Dict | undefined;
  if (variables && Object.keys(variables).length) payload.variables = variables;
  if (i.operation_name) payload.operationName = i.operation_name;
  const out = await httpRequest(
    {
      url: endpoint,
      method: 'POST',
      headers,
      json_data: payload,
      response_format: 'json',
      timeout: i.timeout,
      verify_ssl: i.verify_ssl,
      retry_count: i.retry_count,
      retry_backoff: i.retry_backoff,
    },
    ctx,
    { label: 'GraphQLClientNode' },
  );
  if (isTransportFailure(out) || isRetryableStatus(out.status_code)) throw failureOf(out, 'NodeExecutionError', 'GraphQL request failed');
  const status = Number(out.status_code);
  let body = content(out);
  if (!body || typeof body !== 'object' || Array.isArray(body)) {
    throw new NodeFailure(
      'NodeExecutionError',
      `Invalid GraphQL response format: expected dict, got ${body === null ? 'NoneType' : Array.isArray(body) ? 'list' : typeof body === 'string' ? 'str' : typeof body} (HTTP ${status})`,
    );
  }
  if (status >= 400 && !('errors' in body))
    body = { data: null, errors: [{ message: `GraphQL request failed with status code ${status}` }] };
  const b = body as Dict;
  const errors = Array.isArray(b.errors) ? b.errors : b.errors ? [b.errors] : [];
  let data = b.data ?? null;
  if (i.flatten_response === true && data && typeof data === 'object' && !Array.isArray(data) && Object.keys(data).length === 1)
    data = Object.values(data)[0];
  const success = status < 400 && errors.length === 0;
  const result: Dict = {
    data,
    errors,
    success,
    metadata: {
      endpoint,
      operation_name: i.operation_name ?? null,
      response_time_ms: (out.response as Dict).response_time_ms,
      status_code: status,
    },
  };
  if (!success) result.error = describeErrors(errors);
  return result;
};

export const graphqlTarget = (inputs: Record<string, unknown>): string | undefined => targetHost(inputs, 'endpoint');
