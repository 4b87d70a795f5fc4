import type { NodeOutput, NodeRun, RunContext } from '../../catalog/types';
import { NodeFailure } from '../../engine/errors';
import { content, header, httpRequest, targetHost } from './http';

type Dict = Record<string, unknown>;

const isDict = (v: unknown): v is Dict => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Kailash's `_build_url`: base + `/version` + resource with `{name}` placeholders filled. */
export function buildUrl(baseUrl: unknown, resource: unknown, pathParams: unknown, version: unknown): string {
  if (!baseUrl) throw new NodeFailure('NodeValidationError', 'base_url is required');
  let base = String(baseUrl).replace(/\/+$/, '');
  if (version) base = `${base}/${String(version)}`;
  const params = isDict(pathParams) ? pathParams : {};
  const res = String(resource ?? '');
  for (const m of res.matchAll(/\{([^}]+)\}/g)) {
    if (!(m[1]! in params)) throw new NodeFailure('NodeValidationError', `Missing required path parameter '${m[1]}' for resource '${res}'`);
  }
  // Values are path-escaped: an id like "a/b" must not change the resource addressed.
  const path = res.replace(/\{([^}]+)\}/g, (_, name: string) => encodeURIComponent(String(params[name]))).replace(/^\/+/, '');
  return path ? `${base}/${path}` : base;
}

/** Kailash's dotted lookup into a response (`meta.total`). */
function at(obj: unknown, path: string | undefined): unknown {
  if (!path) return obj;
  let cur = obj;
  for (const part of path.split('.')) {
    if (!isDict(cur) || !(part in cur)) return undefined;
    cur = cur[part];
  }
  return cur;
}

const RATE_LIMIT_HEADERS: [string, string][] = [
  ['x-ratelimit-limit', 'limit'],
  ['x-ratelimit-remaining', 'remaining'],
  ['x-ratelimit-reset', 'reset'],
  ['x-rate-limit-limit', 'limit'],
  ['x-rate-limit-remaining', 'remaining'],
  ['x-rate-limit-reset', 'reset'],
  ['ratelimit-limit', 'limit'],
  ['ratelimit-remaining', 'remaining'],
  ['ratelimit-reset', 'reset'],
];

const PAGINATION_FIELDS: Record<string, string[]> = {
  page: ['page', 'current_page', 'pageNumber'],
  per_page: ['per_page', 'page_size', 'pageSize', 'limit'],
  total: ['total', 'totalCount', 'total_count', 'totalRecords'],
  total_pages: ['total_pages', 'totalPages', 'pageCount'],
  has_next: ['has_next', 'hasNext', 'has_more', 'hasMore'],
  has_prev: ['has_prev', 'hasPrev', 'has_previous', 'hasPrevious'],
};

/** `<url>; rel="next", …` → {next: url}. */
export function parseLinkHeader(value: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of (value ?? '').matchAll(/<([^>]*)>\s*;([^,]*)/g)) {
    const rel = /rel\s*=\s*"?([^";]+)"?/i.exec(m[2]!)?.[1];
    if (rel) for (const r of rel.trim().split(/\s+/)) out[r] = m[1]!;
  }
  return out;
}

/** Kailash's `_extract_metadata`: rate-limit headers, pagination hints and HATEOAS links. */
function extractMetadata(out: NodeOutput): Dict {
  const meta: Dict = {};
  const rate: Dict = {};
  for (const [h, key] of RATE_LIMIT_HEADERS) {
    const v = header(out, h);
    if (v && !(key in rate)) rate[key] = /^\d+$/.test(v) ? Number(v) : v;
  }
  if (Object.keys(rate).length) meta.rate_limit = rate;
  const body = content(out);
  const pagination: Dict = { ...parseLinkHeader(header(out, 'link')) };
  if (isDict(body)) {
    const nested = isDict(body.meta) ? body.meta : isDict(body.metadata) ? body.metadata : {};
    for (const [key, fields] of Object.entries(PAGINATION_FIELDS)) {
      const f = fields.find((x) => x in body || x in nested);
      if (f) pagination[key] = f in body ? body[f] : nested[f];
    }
  }
  if (Object.keys(pagination).length) meta.pagination = pagination;
  const links: Dict = {};
  if (isDict(body)) {
    for (const field of ['links', '_links', 'link', 'href']) {
      const l = body[field];
      if (isDict(l)) for (const [rel, v] of Object.entries(l)) links[rel] = isDict(v) && 'href' in v ? v.href : v;
      else if (Array.isArray(l)) for (const v of l) if (isDict(v) && (v.href || v.url)) links[String(v.rel ?? 'related')] = v.href ?? v.url;
    }
  }
  if (Object.keys(links).length) meta.links = links;
  return meta;
}

/** Kailash's failure dict: the server's own message when it gives one, then `(status: N)`. */
function failure(out: NodeOutput): NodeOutput {
  let message = String(out.error ?? 'Unknown error');
  const body = content(out);
  if (isDict(body)) {
    const e = body.error;
    if (isDict(e) && e.message) message = String(e.message);
    else if (typeof e === 'string' && e) message = e;
    else if (typeof body.message === 'string' && body.message) message = body.message;
  }
  if (out.status_code) message = `${message} (status: ${String(out.status_code)})`;
  const result: NodeOutput = {
    data: null,
    status_code: out.status_code,
    success: false,
    error: message,
    error_type: out.error_type ?? 'APIError',
    metadata: {},
  };
  if (out.recovery_suggestions) result.recovery_suggestions = out.recovery_suggestions;
  // Kept (undeclared, and only then) so the engine's retry policy can honour it on 429/503.
  const retryAfter = header(out, 'retry-after');
  if (retryAfter !== undefined) result.response = { headers: { 'retry-after': retryAfter } };
  return result;
}

interface Pagination {
  type: 'page' | 'offset' | 'cursor' | 'link';
  items_path?: string;
  page_param: string;
  limit_param: string;
  offset_param: string;
  cursor_param: string;
  limit?: number;
  total_path?: string;
  next_page_path: string;
  max_pages: number;
}

function paginationConfig(raw: unknown, query: Dict): Pagination {
  const p = isDict(raw) ? raw : {};
  const type = String(p.type ?? 'page');
  if (!['page', 'offset', 'cursor', 'link'].includes(type))
    throw new NodeFailure('NodeValidationError', `Unknown pagination type '${type}': use page, offset, cursor or link`);
  const limitParam = String(p.limit_param ?? (type === 'offset' ? 'limit' : 'per_page'));
  const limit = p.limit ?? query[limitParam];
  return {
    type: type as Pagination['type'],
    // Kailash's default items path is `data`; a body that is itself a list is taken whole.
    items_path: p.items_path === undefined ? 'data' : String(p.items_path),
    page_param: String(p.page_param ?? 'page'),
    limit_param: limitParam,
    offset_param: String(p.offset_param ?? 'offset'),
    cursor_param: String(p.cursor_param ?? 'cursor'),
    ...(limit === undefined || limit === null ? {} : { limit: Number(limit) }),
    ...(p.total_path === undefined ? {} : { total_path: String(p.total_path) }),
    next_page_path: String(p.next_page_path ?? 'meta.next'),
    max_pages: Math.max(1, Number(p.max_pages ?? 10)),
  };
}

function itemsOf(body: unknown, cfg: Pagination): unknown[] {
  const v = at(body, cfg.items_path);
  if (Array.isArray(v)) return v;
  if (Array.isArray(body)) return body;
  throw new NodeFailure('NodeExecutionError', `Pagination items path '${cfg.items_path}' did not return a list in response`);
}

/**
 * Follows the pages after the first, for GET: page numbers, offsets, cursors (a value or a next
 * URL) or `Link: rel="next"` headers, up to `max_pages` in all. Stops on the run's cancellation.
 */
async function paginate(
  first: NodeOutput,
  http: Dict,
  cfg: Pagination,
  ctx: RunContext,
): Promise<{ items?: unknown[]; failed?: NodeOutput; info: Dict }> {
  const items = [...itemsOf(content(first), cfg)];
  const query = isDict(http.params) ? http.params : {};
  let page = Number(query[cfg.page_param] ?? 1);
  let offset = Number(query[cfg.offset_param] ?? 0) + items.length;
  let last = first;
  let lastCount = items.length;
  let pages = 1;
  let complete = false;
  while (true) {
    ctx.signal.throwIfAborted();
    const body = content(last);
    let next: Dict | undefined;
    const total = cfg.total_path ? Number(at(body, cfg.total_path)) : undefined;
    const exhausted =
      lastCount === 0 ||
      (cfg.limit !== undefined && lastCount < cfg.limit) ||
      (total !== undefined && Number.isFinite(total) && items.length >= total);
    if (cfg.type === 'page' && !exhausted) next = { ...http, params: { ...query, [cfg.page_param]: ++page } };
    else if (cfg.type === 'offset' && !exhausted) next = { ...http, params: { ...query, [cfg.offset_param]: offset } };
    else if (cfg.type === 'cursor') {
      const cursor = at(body, cfg.next_page_path);
      if (cursor !== undefined && cursor !== null && cursor !== '') {
        // A cursor that is a URL is followed as is, relative to the page it came from.
        next = /^https?:\/\/|^\//.test(String(cursor))
          ? { ...http, url: new URL(String(cursor), String((last.response as Dict).url)).toString(), params: {} }
          : { ...http, params: { ...query, [cfg.cursor_param]: cursor } };
      }
    } else if (cfg.type === 'link') {
      const url = parseLinkHeader(header(last, 'link')).next;
      if (url) next = { ...http, url: new URL(url, String((last.response as Dict).url)).toString(), params: {} };
    }
    if (!next) {
      complete = true;
      break;
    }
    if (pages >= cfg.max_pages) break;
    const out = await httpRequest(next, ctx, { label: 'RESTClientNode' });
    if (!out.success) return { failed: out, info: { pages_fetched: pages } };
    const got = itemsOf(content(out), cfg);
    items.push(...got);
    offset += got.length;
    lastCount = got.length;
    last = out;
    pages++;
  }
  return { items, info: { pages_fetched: pages, items_fetched: items.length, complete } };
}

const given = (v: unknown): boolean => v !== undefined && v !== null && v !== '';

/**
 * The HTTP core's auth inputs, from Kailash's flat params or our `auth_config` dict: `{token}`
 * (bearer), `{username, password}` (basic), `{api_key, header_name}` (api_key). Without
 * `auth_type` the dict's keys say which one is meant.
 */
function credentials(i: Dict): Dict {
  const c = isDict(i.auth_config) ? i.auth_config : {};
  let type = i.auth_type;
  if (!given(type) && Object.keys(c).length)
    type = given(c.api_key) ? 'api_key' : given(c.token) ? 'bearer' : given(c.username) || given(c.password) ? 'basic' : undefined;
  const token = type === 'api_key' ? (c.api_key ?? c.token) : c.token;
  return {
    auth_type: type,
    auth_token: given(i.auth_token) ? i.auth_token : token,
    auth_username: given(i.auth_username) ? i.auth_username : c.username,
    auth_password: given(i.auth_password) ? i.auth_password : c.password,
    api_key_header: given(c.header_name) ? c.header_name : i.api_key_header,
  };
}

/** RESTClientNode: Kailash's REST client over the HTTPRequestNode core, with real pagination. */
export const runRest: NodeRun = async (i, ctx) => {
  const method = String(i.method ?? 'GET').toUpperCase();
  const url = buildUrl(i.base_url, i.resource, i.path_params, i.version);
  const headers: Dict = { ...(isDict(i.headers) ? i.headers : {}) };
  const has = (name: string) => Object.keys(headers).some((k) => k.toLowerCase() === name);
  const data = i.data;
  if (['POST', 'PUT', 'PATCH'].includes(method) && data && !has('content-type')) headers['Content-Type'] = 'application/json';
  if (!has('accept')) headers.Accept = 'application/json';
  const http: Dict = {
    url,
    method,
    headers,
    params: isDict(i.query_params) ? i.query_params : {},
    // A dict is sent as JSON; anything else as the body (lists as JSON by the HTTP core).
    json_data: isDict(data) ? data : null,
    data: isDict(data) ? null : data,
    response_format: 'json',
    timeout: i.timeout,
    verify_ssl: i.verify_ssl,
    retry_count: i.retry_count,
    retry_backoff: i.retry_backoff,
    ...credentials(i),
  };
  const cfg = i.paginate === true && method === 'GET' ? paginationConfig(i.pagination_params, http.params as Dict) : undefined;
  if (cfg?.limit !== undefined && cfg.type !== 'cursor' && cfg.type !== 'link' && !(cfg.limit_param in (http.params as Dict))) {
    http.params = { ...(http.params as Dict), [cfg.limit_param]: cfg.limit };
  }
  const first = await httpRequest(http, ctx, { label: 'RESTClientNode' });
  if (!first.success) return failure(first);
  const response = first.response as Dict;
  const metadata: Dict = { url, method, response_time_ms: response.response_time_ms, headers: response.headers, ...extractMetadata(first) };
  let result: unknown = response.content;
  if (cfg) {
    const paged = await paginate(first, http, cfg, ctx);
    if (paged.failed) return failure(paged.failed);
    result = paged.items;
    metadata.pagination = { ...(isDict(metadata.pagination) ? metadata.pagination : {}), ...paged.info };
  }
  return { data: result, status_code: first.status_code, success: true, metadata };
};

export const restTarget = (inputs: Record<string, unknown>): string | undefined => targetHost(inputs, 'base_url');
