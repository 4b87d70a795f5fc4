import type { NodeSpec } from '../types';

const md = (...lines: string[]): string => lines.join('\n');

const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'] as const;
const AUTH_TYPES = ['bearer', 'basic', 'api_key', 'oauth2'] as const;

/** HTTPRequestNode's `get_parameters()`; AsyncHTTPRequestNode returns the very same table. */
const httpParams: NodeSpec['params'] = {
  url: { type: 'str', description: 'URL to send the request to', required: true },
  method: {
    type: 'str',
    description: 'HTTP method (GET, POST, PUT, PATCH, DELETE)',
    default: 'GET',
    enum: HTTP_METHODS,
    enumCaseInsensitive: true,
  },
  headers: { type: 'dict', description: 'HTTP headers to include in the request', default: {} },
  params: { type: 'dict', description: 'Query parameters to include in the URL', default: {} },
  data: { type: 'Any', description: 'Request body data (for POST, PUT, etc.)' },
  json_data: { type: 'dict', description: 'JSON data to send (automatically sets Content-Type)' },
  response_format: {
    type: 'str',
    description: 'Format to parse response as (json, text, binary, auto)',
    default: 'auto',
    enum: ['json', 'text', 'binary', 'auto'],
  },
  timeout: { type: 'int', description: 'Request timeout in seconds', default: 30 },
  verify_ssl: { type: 'bool', description: 'Whether to verify SSL certificates', default: true },
  retry_count: { type: 'int', description: 'Number of times to retry failed requests', default: 0 },
  retry_backoff: { type: 'float', description: 'Backoff factor for retries', default: 0.5 },
  auth_type: {
    type: 'str',
    description: 'Authentication type: bearer, basic, api_key, oauth2',
    enum: AUTH_TYPES,
  },
  auth_token: {
    type: 'str',
    description: 'Authentication token/key for bearer, api_key, or oauth2',
    secret: true,
  },
  auth_username: { type: 'str', description: 'Username for basic authentication' },
  auth_password: { type: 'str', description: 'Password for basic authentication', secret: true },
  api_key_header: {
    type: 'str',
    description: 'Header name for API key authentication',
    default: 'X-API-Key',
  },
  rate_limit_delay: {
    type: 'float',
    description: 'Delay between requests to respect rate limits (seconds)',
    default: 0,
  },
  log_requests: {
    type: 'bool',
    description: 'Log request and response details for debugging',
    default: false,
  },
};

function pick(params: NodeSpec['params'], names: string[]): NodeSpec['params'] {
  return Object.fromEntries(names.map((n) => [n, params[n]!]));
}

const httpOutputs: NodeSpec['outputs'] = {
  response: {
    type: 'dict',
    description: 'HTTP response data including status, headers, and content (null after a transport failure)',
    fields: {
      status_code: { type: 'int', description: 'HTTP status code' },
      headers: {
        type: 'dict',
        description:
          'Response headers (name → value), named as the server spelled them (`Content-Type`); a repeated header has its values joined by `, `',
      },
      content_type: { type: 'str', description: 'The Content-Type header, if any' },
      content: {
        type: 'Any',
        description: 'Body parsed per `response_format`: JSON value, text or binary',
      },
      response_time_ms: { type: 'float', description: 'Round-trip time in milliseconds' },
      url: { type: 'str', description: 'Final URL of the request' },
    },
  },
  status_code: { type: 'int', description: 'HTTP status code' },
  success: {
    type: 'bool',
    description: 'Whether the request was successful (status code 200-299)',
  },
  recovery_suggestions: {
    type: 'list',
    items: { type: 'str' },
    description: 'Hints on how to fix the failed request',
    when: 'only when the request was not successful',
  },
  error: {
    type: 'str',
    description: 'Error message of the transport failure',
    when: 'only on transport failure (connection refused, timeout, …); response and status_code are then null',
  },
  error_type: {
    type: 'str',
    description: 'Exception type of the transport failure',
    when: 'only on transport failure',
  },
};

const httpExample = (type: string): string =>
  md(
    '```yaml',
    'nodes:',
    '  - id: fetch_users',
    `    type: ${type}`,
    '    config:',
    '      url: https://api.example.com/users',
    '      method: GET',
    '      auth_type: bearer',
    '      auth_token: ${secret:API_TOKEN}',
    '```',
  );

export const specs: NodeSpec[] = [
  {
    type: 'HTTPRequestNode',
    category: 'api',
    origin: 'kailash',
    summary: 'Send an HTTP request and return the parsed response',
    docs: md(
      'Sends one HTTP request and returns `response` (`status_code`, `headers`, `content_type`, `content`, `response_time_ms`, `url`), `status_code` and `success`.',
      '`response.content` is parsed per `response_format`: with `auto`, JSON for `application/json`, text for `text/*`, bytes otherwise. `json_data` wins over `data`.',
      'A 4xx/5xx status does not raise, but sets `success: false`, which **stops the run** (Kailash content-aware success detection); a transport failure does the same with `error`/`error_type`.',
      '`url` is required at run time (`URL parameter is required`); `method` is upper-cased. `retry_count` retries transport errors only, sleeping `retry_backoff * 2^(attempt-1)` s.',
      'As with Python requests: a JSON body is written as `json.dumps` writes it, query and form values are `str()` of each value (`True`, `2.0`; a list repeats its key), redirects are followed (up to 30; credentials are not sent on to another origin: host, port or scheme), and `timeout` bounds the wait for the headers and each pause in the body. Bodies over 50 MB (`KAILASH_MAX_RESPONSE_MB`) fail with `ResponseTooLargeError`; `HTTPS_PROXY`/`NO_PROXY` are honoured.',
      'Auth: `auth_type` `bearer`/`oauth2` sends `Authorization: Bearer <auth_token>`, `basic` sends `auth_username`/`auth_password`, `api_key` sends `auth_token` in `api_key_header`. Without `auth_type`, a token alone is sent as a bearer token and a user name or password as basic auth (the Python SDK sends nothing then; the editor says so), unless `headers` already has an Authorization. A declared `auth_type` whose credential is empty fails the node instead of calling unauthenticated.',
      'A 401 answered to a token that an `OAuth2Node` issued is retried once with a fresh token. `log_requests` writes method, origin, status, size and time to stderr (never paths, queries or header values, which may hold credentials).',
      httpExample('HTTPRequestNode'),
    ),
    params: httpParams,
    outputs: httpOutputs,
  },
  {
    type: 'AsyncHTTPRequestNode',
    category: 'api',
    origin: 'kailash',
    summary: 'Send an HTTP request asynchronously (same params and outputs as HTTPRequestNode)',
    docs: md(
      "Kailash's async variant of `HTTPRequestNode` (aiohttp): identical parameters and outputs.",
      'Connect `response.content` for the body. A 4xx/5xx status sets `success: false`, which **stops the run**; after exhausting `retry_count` retries it fails with `Async HTTP request failed after N attempts.`',
      httpExample('AsyncHTTPRequestNode'),
    ),
    params: httpParams,
    outputs: httpOutputs,
  },
  {
    type: 'RESTClientNode',
    category: 'api',
    origin: 'kailash',
    summary: 'Call a REST resource (base URL + version + resource path) and return its data',
    docs: md(
      'Builds the URL as `base_url` + optional `/<version>` + `resource`, filling `{name}` placeholders from `path_params`, and returns the parsed body as `data`.',
      'A dict `data` is sent as JSON (with `Accept`/`Content-Type: application/json`); `paginate: true` follows pagination for GET per `pagination_params`, and `data` becomes the list of items of every page.',
      '`pagination_params`: `type` (`page` [default], `offset`, `cursor`, `link`), `items_path` [`data`; a body that is a list is taken whole], `page_param` [`page`], `offset_param` [`offset`], `limit_param` [`per_page`, or `limit` for offsets], `limit` (page size, also sent), `cursor_param` [`cursor`], `next_page_path` [`meta.next`; a value or a next URL], `total_path`, `max_pages` [10]. `link` follows `Link: <…>; rel="next"` headers.',
      'On failure `data` is null, `success` is false (which **stops the run**), `metadata` is `{}` and `error`/`error_type` explain why.',
      'Credentials: `auth_type` with `auth_token` (or `auth_username`/`auth_password`), or the same in one `auth_config` dict (`{token}`, `{username, password}`, `{api_key, header_name}`). A declared `auth_type` without its credential fails the node rather than call unauthenticated.',
      '```yaml',
      'nodes:',
      '  - id: get_user',
      '    type: RESTClientNode',
      '    config:',
      '      base_url: https://api.example.com',
      '      version: v1',
      '      resource: users/{id}',
      '      path_params: {id: 42}',
      '```',
    ),
    params: {
      base_url: {
        type: 'str',
        description: 'Base URL for the REST API (e.g., https://api.example.com)',
      },
      resource: {
        type: 'str',
        description: "API resource path (e.g., 'users' or 'products/{id}')",
      },
      method: httpParams.method!,
      path_params: {
        type: 'dict',
        description: "Parameters to substitute in resource path (e.g., {'id': 123})",
        default: {},
      },
      query_params: {
        type: 'dict',
        description: 'Query parameters to include in the URL',
        default: {},
      },
      headers: httpParams.headers!,
      data: httpParams.data!,
      version: { type: 'str', description: "API version to use (e.g., 'v1')" },
      timeout: httpParams.timeout!,
      verify_ssl: httpParams.verify_ssl!,
      paginate: {
        type: 'bool',
        description: 'Whether to handle pagination automatically (for GET requests)',
        default: false,
      },
      pagination_params: { type: 'dict', description: 'Pagination configuration parameters' },
      // Kailash's RESTClientNode declares the same retry and auth params as HTTPRequestNode.
      ...pick(httpParams, ['retry_count', 'retry_backoff', 'auth_type', 'auth_token', 'auth_username', 'auth_password', 'api_key_header']),
      auth_config: {
        type: 'dict',
        description:
          'The credential for `auth_type` as one setting (Kailash Workflows extension): `token` (bearer), `username` + `password` (basic), `api_key` + `header_name` (api_key)',
        fields: {
          token: { type: 'str', description: 'Bearer (or OAuth 2.0) access token' },
          username: { type: 'str', description: 'User name for basic auth' },
          password: { type: 'str', description: 'Password for basic auth' },
          api_key: { type: 'str', description: 'API key (auth_type api_key)' },
          header_name: { type: 'str', description: 'Header that carries the API key (default: api_key_header, X-API-Key)' },
        },
      },
    },
    outputs: {
      data: { type: 'Any', description: 'Parsed response data from the API' },
      status_code: { type: 'int', description: 'HTTP status code' },
      success: {
        type: 'bool',
        description: 'Whether the request was successful (status code 200-299)',
      },
      metadata: {
        type: 'dict',
        description: 'Additional metadata about the request and response (`{}` on failure; rate-limit and pagination details may be added)',
        fields: {
          url: { type: 'str', description: 'The URL requested' },
          method: { type: 'str', description: 'The HTTP method used' },
          response_time_ms: { type: 'float', description: 'Round-trip time in milliseconds' },
          headers: { type: 'dict', description: 'Response headers' },
        },
        open: true,
      },
      error: {
        type: 'str',
        description: 'Error message, e.g. "<message> (status: 404)"',
        when: 'only when the request failed',
      },
      error_type: {
        type: 'str',
        description: 'Kind of failure',
        when: 'only when the request failed',
      },
      recovery_suggestions: {
        type: 'list',
        items: { type: 'str' },
        description: 'Hints on how to fix the failed request',
        when: 'only when the request failed (not always)',
      },
    },
  },
  {
    type: 'GraphQLClientNode',
    category: 'api',
    origin: 'kailash',
    summary: 'Run a GraphQL query or mutation against an endpoint',
    docs: md(
      'POSTs `{query, variables, operationName}` as JSON to `endpoint` and returns the `data` of the GraphQL response.',
      'GraphQL `errors` (even in an HTTP 200 answer) make `success: false` with `error` listing them, which **stops the run** (Kailash content-aware success detection).',
      'A body that is not a JSON object raises; transport failures, 5xx and 429 raise a retryable failure, so a `retry` policy can cure them.',
      '```yaml',
      'nodes:',
      '  - id: repo_info',
      '    type: GraphQLClientNode',
      '    config:',
      '      endpoint: https://api.example.com/graphql',
      '      query: "query Repo($id: ID!) { repo(id: $id) { name stars } }"',
      '      variables: {id: "42"}',
      '```',
    ),
    params: {
      endpoint: { type: 'str', description: 'GraphQL endpoint URL', required: true },
      query: { type: 'str', description: 'GraphQL query or mutation string', required: true },
      variables: { type: 'dict', description: 'Variables for the GraphQL query', default: {} },
      operation_name: {
        type: 'str',
        description: 'Name of the operation to execute (if query contains multiple)',
      },
      headers: { type: 'dict', description: 'HTTP headers to include in the request', default: {} },
      ...pick(httpParams, ['timeout', 'verify_ssl', 'retry_count', 'retry_backoff']),
      flatten_response: {
        type: 'bool',
        description: 'Whether to flatten the response data structure',
        default: false,
      },
    },
    outputs: {
      data: { type: 'Any', description: 'GraphQL response data' },
      errors: { type: 'list', description: 'GraphQL errors (if any)' },
      success: { type: 'bool', description: 'Whether the request was successful (no errors)' },
      error: {
        type: 'str',
        description: 'The GraphQL error messages, joined (Kailash Workflows extension: what the stopped run reports)',
        when: 'only when success is false',
      },
      metadata: {
        type: 'dict',
        description: 'Additional metadata about the request and response',
        fields: {
          endpoint: { type: 'str', description: 'The endpoint queried' },
          operation_name: { type: 'str', description: 'The operation name, if given' },
          response_time_ms: { type: 'float', description: 'Round-trip time in milliseconds' },
          status_code: { type: 'int', description: 'HTTP status code' },
        },
        open: true,
      },
    },
  },
  {
    type: 'OAuth2Node',
    category: 'api',
    origin: 'kailash',
    summary: 'Fetch an OAuth 2.0 access token and return ready-made Authorization headers',
    docs: md(
      'Requests a token from `token_url` with the given `grant_type` and returns `headers` (`{Authorization: "Bearer <token>"}`), `token_data` and the token details.',
      "Wire `headers` into an HTTP node's `headers` input (or `access_token` into `auth_token`, sent as a bearer token; write `auth_type: bearer` too for the Python SDK, which ignores a token without its type).",
      'Tokens are cached in the process per token URL, client, grant, scope and credentials, shared by every run, and fetched again `refresh_buffer_seconds` before they expire (with the refresh token the server gave, when it gave one). An HTTP node that gets a 401 with a cached token asks for a fresh one and retries once.',
      'Grants: `client_credentials`, `password`, `refresh_token`, and `authorization_code`: the user opens `authorization_url` once in a browser (without `code` the node fails with the exact URL to open, built from `client_id`, `redirect_uri`, the scopes and a state), and the run is given the `code` the redirect delivered (a run parameter); the token, and its refresh token, are cached from then on. A failed token request raises; 5xx, 429 and transport failures are retryable.',
      '`scopes` (a list) is requested together with `scope` (space-separated).',
      '`access_token` is a Kailash Workflows extension (the Python SDK only exposes it inside `token_data`), as are `scopes`, `authorization_url`, `redirect_uri` and `code`.',
      '```yaml',
      'nodes:',
      '  - id: auth',
      '    type: OAuth2Node',
      '    config:',
      '      token_url: https://auth.example.com/oauth/token',
      '      client_id: my-client',
      '      client_secret: ${secret:OAUTH_CLIENT_SECRET}',
      '      scope: read:users',
      '```',
    ),
    params: {
      token_url: { type: 'str', description: 'OAuth token endpoint URL', required: true },
      client_id: { type: 'str', description: 'OAuth client ID', required: true },
      client_secret: { type: 'str', description: 'OAuth client secret', secret: true },
      grant_type: {
        type: 'str',
        description: 'OAuth grant type (client_credentials, password, authorization_code, refresh_token)',
        default: 'client_credentials',
        enum: ['client_credentials', 'password', 'authorization_code', 'refresh_token'],
      },
      scope: { type: 'str', description: 'OAuth scopes (space-separated)' },
      scopes: {
        type: 'list',
        items: { type: 'str' },
        description: 'OAuth scopes as a list, requested together with `scope` (Kailash Workflows extension)',
      },
      authorization_url: {
        type: 'str',
        description:
          "The provider's authorize endpoint, where the authorization_code grant sends the user's browser (Kailash Workflows extension)",
      },
      redirect_uri: {
        type: 'str',
        description: 'Redirect URI registered for the client (authorization_code grant; Kailash Workflows extension)',
      },
      code: {
        type: 'str',
        description: 'The authorization code the redirect delivered (authorization_code grant; Kailash Workflows extension)',
        secret: true,
      },
      username: { type: 'str', description: 'Username (for password grant)' },
      password: { type: 'str', description: 'Password (for password grant)', secret: true },
      refresh_token: {
        type: 'str',
        description: 'Refresh token (for refresh_token grant)',
        secret: true,
      },
      token_storage: { type: 'dict', description: 'Token storage configuration' },
      auto_refresh: {
        type: 'bool',
        description: 'Whether to automatically refresh expired tokens',
        default: true,
      },
      refresh_buffer_seconds: {
        type: 'int',
        description: 'Seconds before token expiry to trigger automatic refresh',
        default: 300,
      },
      validate_token_response: {
        type: 'bool',
        description: 'Whether to validate token response structure',
        default: true,
      },
      include_token_metadata: {
        type: 'bool',
        description: 'Include additional token metadata in response',
        default: false,
      },
    },
    outputs: {
      headers: {
        type: 'dict',
        description: 'HTTP headers with OAuth token',
        fields: {
          Authorization: { type: 'str', description: '"Bearer <access_token>" (or "<token_type> <token>")' },
        },
        open: true,
      },
      token_data: { type: 'dict', description: 'Complete token response data' },
      auth_type: { type: 'str', description: "Authentication type (always 'oauth2')" },
      expires_in: { type: 'int', description: 'Seconds until token expiration' },
      token_type: { type: 'str', description: "Token type from response (usually 'Bearer')" },
      scope: { type: 'str', description: 'Actual granted scopes from response' },
      refresh_token_present: { type: 'bool', description: 'Whether a refresh token is available' },
      token_expires_at: { type: 'str', description: 'ISO format timestamp of token expiration' },
      raw_response: {
        type: 'dict',
        description: 'Full token response for debugging (if include_raw_response is True)',
        when: 'only if include_raw_response is set — Kailash drops that undeclared input, so in practice never',
      },
      token: {
        type: 'dict',
        description: 'Structured token information with all components (if include_token_metadata is True)',
        when: 'only when include_token_metadata is true',
      },
      metadata: {
        type: 'dict',
        description: 'Additional token metadata and health information (if include_token_metadata is True)',
        when: 'only when include_token_metadata is true',
      },
      access_token: {
        type: 'str',
        description: 'The access token itself (Kailash Workflows extension)',
      },
    },
  },
  {
    type: 'WebhookVerifyNode',
    category: 'api',
    origin: 'ours',
    summary: "Verify an incoming webhook's HMAC signature and parse its JSON body",
    docs: md(
      'Computes the HMAC of the raw `payload` with `webhook_secret` and `algorithm`, and compares it in constant time with `signature` (after stripping `signature_prefix`).',
      'With `timestamp_header`, the timestamp in that header (from `headers`, Unix seconds) must be within `tolerance_seconds` of now, which rejects replays; the signature may then cover `<timestamp>.<payload>` (which binds the timestamp) or the payload alone.',
      'The signature is hex or base64; `algorithm` is any HMAC digest (sha256, sha1, sha512 …). Unverified deliveries give `data: null`.',
      'A mismatch is not a node failure: `verified` is false and `error` says why — route on `verified` with a `SwitchNode`.',
      '```yaml',
      'nodes:',
      '  - id: verify',
      '    type: WebhookVerifyNode',
      '    config:             # payload and signature arrive as run parameters or connections',
      '      webhook_secret: ${secret:WEBHOOK_SECRET}',
      '      timestamp_header: X-Timestamp',
      '```',
    ),
    params: {
      payload: {
        type: 'str',
        description: 'The raw request body, exactly as received (the text that was signed)',
        required: true,
      },
      signature: {
        type: 'str',
        description: 'The signature sent with the webhook, e.g. the X-Hub-Signature-256 header value',
        required: true,
      },
      webhook_secret: {
        type: 'str',
        description: 'Shared secret the sender signs with',
        required: true,
        secret: true,
      },
      headers: {
        type: 'dict',
        description: 'Request headers; `X-Event-Type` gives `event_type`, `timestamp_header` is read from here',
      },
      algorithm: {
        type: 'str',
        description: 'HMAC hash algorithm (a digest name such as sha256, sha1 or sha512)',
        default: 'sha256',
      },
      signature_prefix: {
        type: 'str',
        description: 'Prefix stripped from `signature` before comparing (empty for none)',
        default: 'sha256=',
      },
      timestamp_header: {
        type: 'str',
        description: 'Header holding the send time (Unix seconds); when set, old deliveries are rejected',
      },
      tolerance_seconds: {
        type: 'int',
        description: 'Maximum age of the delivery, in seconds, when `timestamp_header` is set',
        default: 300,
      },
    },
    outputs: {
      verified: { type: 'bool', description: 'Whether the signature (and timestamp) checked out' },
      event_type: {
        type: 'str',
        description: 'The event type, from the `X-Event-Type` header (null when absent)',
      },
      data: { type: 'Any', description: 'The payload parsed as JSON (null if it is not JSON)' },
      error: {
        type: 'str',
        description: 'Why verification failed',
        when: 'only when verified is false',
      },
    },
  },
  {
    type: 'WebSocketNode',
    category: 'api',
    origin: 'ours',
    summary: 'Connect to a WebSocket, send messages and collect the replies',
    docs: md(
      'Opens `websocket_url`, sends `message` and/or each of `messages` (objects are sent as JSON text), then waits for `receive_count` messages or `timeout` seconds, and closes.',
      'Received JSON messages are parsed; `response` is the first of `responses`.',
      '```yaml',
      'nodes:',
      '  - id: ticker',
      '    type: WebSocketNode',
      '    config:',
      '      websocket_url: wss://stream.example.com/ws',
      '      message: {action: subscribe, channel: prices}',
      '      receive_count: 5',
      '```',
    ),
    params: {
      websocket_url: {
        type: 'str',
        description: 'WebSocket URL to connect to (ws:// or wss://)',
        required: true,
      },
      message: {
        type: 'Any',
        description: 'A message to send after connecting (non-strings are sent as JSON)',
      },
      messages: { type: 'list', description: 'Several messages to send, in order' },
      receive_count: {
        type: 'int',
        description: 'Number of messages to wait for before closing',
        default: 1,
      },
      timeout: {
        type: 'float',
        description: 'Seconds to wait for the messages before closing with what arrived',
        default: 10,
      },
      headers: { type: 'dict', description: 'Headers for the opening handshake' },
    },
    outputs: {
      responses: {
        type: 'list',
        description: 'Messages received, in order (JSON parsed when possible)',
      },
      response: { type: 'Any', description: 'The first message received (null if none)' },
      closed: { type: 'bool', description: 'Whether the connection was closed cleanly' },
    },
  },
  {
    type: 'ServiceDiscoveryNode',
    category: 'api',
    origin: 'ours',
    summary: "Look up a service's healthy instances in Consul and pick one",
    docs: md(
      "Queries Consul's health API for `service_name` (only instances passing their checks when `passing_only`) and picks one by `strategy`.",
      "`selected.url` is `http://<address>:<port>` plus `path`; connect it to an HTTP node's `url`.",
      '```yaml',
      'nodes:',
      '  - id: discover',
      '    type: ServiceDiscoveryNode',
      '    config:',
      '      service_name: user-service',
      '      strategy: round_robin',
      '      path: /users',
      '```',
    ),
    params: {
      consul_url: {
        type: 'str',
        description: 'Base URL of the Consul agent',
        default: 'http://127.0.0.1:8500',
      },
      service_name: { type: 'str', description: 'Name of the service to look up', required: true },
      passing_only: {
        type: 'bool',
        description: 'Only return instances whose health checks pass',
        default: true,
      },
      strategy: {
        type: 'str',
        description: 'How to pick `selected` among the instances',
        default: 'first',
        enum: ['first', 'random', 'round_robin'],
      },
      tag: { type: 'str', description: 'Only instances carrying this tag' },
      path: { type: 'str', description: "Path appended to the selected instance's URL (e.g. /api/users)" },
    },
    outputs: {
      instances: {
        type: 'list',
        description: 'All matching instances',
        items: {
          type: 'dict',
          fields: {
            address: { type: 'str', description: 'Instance address' },
            port: { type: 'int', description: 'Instance port' },
            url: { type: 'str', description: 'http://<address>:<port> plus `path`' },
          },
          open: true,
        },
      },
      selected: {
        type: 'dict',
        description: 'The instance chosen by `strategy` (null when none matched)',
        fields: {
          address: { type: 'str', description: 'Instance address' },
          port: { type: 'int', description: 'Instance port' },
          url: { type: 'str', description: 'http://<address>:<port> plus `path`' },
        },
      },
      count: { type: 'int', description: 'Number of matching instances' },
    },
  },
];
