import { setTimeout as sleep } from 'node:timers/promises';
import type { NodeOutput, NodeRun } from '../../catalog/types';
import { NodeFailure } from '../../engine/errors';
import { isRetryableStatus, parseRetryAfter } from '../../engine/retryable';
import { content, failureOf, header, httpRequest, isTransportFailure, targetHost } from './http';

type Dict = Record<string, unknown>;

/** Where each provider's OpenAI-compatible chat-completions API lives when `base_url` is not given. */
const BASE_URLS: Record<string, string> = {
  openai: 'https://api.openai.com/v1',
  local: 'http://127.0.0.1:11434/v1', // Ollama's OpenAI-compatible endpoint
};

/** A server's Retry-After is honoured up to this; longer waits are left to a `retry` policy. */
const MAX_WAIT_MS = 60_000;

function baseUrl(i: Dict): string | undefined {
  if (i.base_url) return String(i.base_url).replace(/\/+$/, '');
  return BASE_URLS[String(i.provider ?? 'openai')];
}

function messagesOf(i: Dict): Dict[] {
  const out: Dict[] = [];
  if (i.system_prompt) out.push({ role: 'system', content: String(i.system_prompt) });
  for (const m of Array.isArray(i.messages) ? i.messages : []) {
    if (typeof m === 'string') out.push({ role: 'user', content: m });
    else if (m && typeof m === 'object') out.push(m as Dict);
  }
  if (i.prompt !== undefined && i.prompt !== null && i.prompt !== '') out.push({ role: 'user', content: String(i.prompt) });
  return out;
}

function failed(i: Dict, error: string, errorType: string, suggestions: string[]): NodeOutput {
  return {
    success: false,
    error,
    error_type: errorType,
    provider: i.provider ?? null,
    model: i.model ?? null,
    conversation_id: i.conversation_id ?? null,
    recovery_suggestions: suggestions,
  };
}

/** Estimated cost from `custom_pricing` (USD per 1K tokens: `prompt`/`input`, `completion`/`output`). */
function cost(pricing: unknown, prompt: number, completion: number): number | undefined {
  if (!pricing || typeof pricing !== 'object') return undefined;
  const p = pricing as Dict;
  const inRate = Number(p.prompt ?? p.input ?? p.prompt_tokens);
  const outRate = Number(p.completion ?? p.output ?? p.completion_tokens);
  if (!Number.isFinite(inRate) && !Number.isFinite(outRate)) return undefined;
  return (
    Math.round(
      ((prompt / 1000) * (Number.isFinite(inRate) ? inRate : 0) + (completion / 1000) * (Number.isFinite(outRate) ? outRate : 0)) * 1e6,
    ) / 1e6
  );
}

/** Kailash's success dict (§5.7), from an OpenAI-style completion. */
function success(i: Dict, completion: Dict, generation: Dict): NodeOutput {
  const choice = ((completion.choices as Dict[] | undefined) ?? [])[0] ?? {};
  const message = (choice.message ?? {}) as Dict;
  const toolCalls = Array.isArray(message.tool_calls) ? message.tool_calls : [];
  const u = (completion.usage ?? {}) as Dict;
  const promptTokens = Number(u.prompt_tokens ?? 0);
  const completionTokens = Number(u.completion_tokens ?? 0);
  const usage: Dict = {
    prompt_tokens: promptTokens,
    completion_tokens: completionTokens,
    total_tokens: Number(u.total_tokens ?? promptTokens + completionTokens),
  };
  const estimated = cost(i.custom_pricing, promptTokens, completionTokens);
  if (estimated !== undefined) usage.estimated_cost_usd = estimated;
  const model = String(completion.model ?? i.model ?? '');
  return {
    success: true,
    response: {
      id: completion.id ?? null,
      content:
        typeof message.content === 'string'
          ? message.content
          : message.content === null || message.content === undefined
            ? ''
            : JSON.stringify(message.content),
      role: 'assistant',
      model,
      tool_calls: toolCalls,
      finish_reason: choice.finish_reason ?? (toolCalls.length ? 'tool_calls' : 'stop'),
      usage: completion.usage ?? usage,
    },
    conversation_id: i.conversation_id ?? null,
    usage,
    context: {
      mcp_resources_used: 0,
      rag_documents_retrieved: 0,
      tools_available: Array.isArray(i.tools) ? i.tools.length : 0,
      tools_executed: 0,
      memory_tokens: 0,
    },
    metadata: { provider: i.provider ?? 'openai', model, langchain_used: false, streaming: false, generation_config: generation },
  };
}

/** `provider: mock`: a deterministic reply without any network, for offline runs and tests. */
function mockCompletion(i: Dict, messages: Dict[]): Dict {
  const last = [...messages].reverse().find((m) => m.role === 'user');
  const text = `Mock response to: ${String(last?.content ?? '')}`;
  const words = (s: string) => s.split(/\s+/).filter(Boolean).length;
  const prompt = messages.reduce((n, m) => n + words(String(m.content ?? '')), 0);
  return {
    id: 'mock-completion',
    model: i.model ?? 'mock',
    choices: [{ message: { role: 'assistant', content: text }, finish_reason: 'stop' }],
    usage: { prompt_tokens: prompt, completion_tokens: words(text), total_tokens: prompt + words(text) },
  };
}

/**
 * LLMAgentNode over an OpenAI-compatible `/chat/completions` endpoint. The reply is
 * `response.content`. Rate limits, 5xx and transport failures are retried `max_retries` times
 * (Retry-After honoured) and then raise a retryable failure; a refused request (bad key, bad
 * model) is Kailash's `success: false` dict, which stops the run. The API key never appears in
 * an error, even when a server quotes it back.
 */
export const runLLMAgent: NodeRun = async (i, ctx) => {
  const messages = messagesOf(i);
  if (!messages.some((m) => m.role !== 'system'))
    throw new NodeFailure('NodeValidationError', 'LLMAgentNode needs `messages` or `prompt` to ask something');
  const generation = { ...((i.generation_config as Dict | undefined) ?? {}) };
  if (i.provider === 'mock') return success(i, mockCompletion(i, messages), generation);
  const base = baseUrl(i);
  if (!base)
    throw new NodeFailure(
      'NodeValidationError',
      `Provider '${String(i.provider)}' is reached through an OpenAI-compatible endpoint here: give its base_url.`,
    );
  const apiKey = i.api_key ? String(i.api_key) : i.provider === 'openai' || !i.provider ? process.env.OPENAI_API_KEY : undefined;
  const scrub = (s: string) => (apiKey && apiKey.length >= 4 ? s.split(apiKey).join('***') : s);
  const body: Dict = { model: i.model ?? 'gpt-4o-mini', messages, ...generation };
  if (Array.isArray(i.tools) && i.tools.length) body.tools = i.tools;
  const format = i.response_format as Dict | undefined;
  if (format && Object.keys(format).length) body.response_format = format;
  const headers: Dict = { accept: 'application/json' };
  if (apiKey) headers.authorization = `Bearer ${apiKey}`;
  const retries = Math.max(0, Math.trunc(Number(i.max_retries ?? 3)));
  for (let attempt = 0; ; attempt++) {
    const out = await httpRequest(
      { url: `${base}/chat/completions`, method: 'POST', headers, json_data: body, response_format: 'json', timeout: i.timeout ?? 120 },
      ctx,
      { label: 'LLMAgentNode' },
    );
    if (isTransportFailure(out) || isRetryableStatus(out.status_code)) {
      if (attempt < retries) {
        const asked = parseRetryAfter(header(out, 'retry-after'));
        const wait = asked !== undefined && asked <= MAX_WAIT_MS ? asked : Math.min(500 * 2 ** attempt, 8000);
        await sleep(wait, undefined, { signal: ctx.signal });
        continue;
      }
      const f = failureOf(
        out,
        isTransportFailure(out) ? String(out.error_type) : out.status_code === 429 ? 'RateLimitError' : 'APIError',
        `Chat completion failed after ${attempt + 1} attempt${attempt ? 's' : ''}`,
      );
      throw new NodeFailure(f.type, scrub(f.message), {
        retryable: f.retryable,
        ...(f.retryAfterMs === undefined ? {} : { retryAfterMs: f.retryAfterMs }),
      });
    }
    const reply = content(out);
    if (!out.success) {
      const e = (reply as { error?: unknown } | null)?.error;
      const detail =
        typeof e === 'string'
          ? e
          : e && typeof e === 'object'
            ? String((e as Dict).message ?? (e as Dict).code ?? '')
            : typeof reply === 'string'
              ? reply.slice(0, 300)
              : '';
      const status = Number(out.status_code);
      const hints =
        status === 401 || status === 403
          ? ['Check the API key (`api_key`, usually `${secret:…}`).']
          : status === 404
            ? ['Check `model` and `base_url`.']
            : ['Check the request parameters and `generation_config`.'];
      return failed(
        i,
        scrub(`The model endpoint refused the request (HTTP ${status})${detail ? `: ${detail}` : ''}`),
        status === 401 || status === 403 ? 'AuthenticationError' : 'APIError',
        hints,
      );
    }
    if (!reply || typeof reply !== 'object' || !Array.isArray((reply as Dict).choices)) {
      return failed(i, 'The model endpoint did not answer with a chat completion (no JSON `choices`).', 'InvalidResponseError', [
        'Check that `base_url` points at an OpenAI-compatible API (it should end in /v1).',
      ]);
    }
    return success(i, reply as Dict, generation);
  }
};

export const llmTarget = (inputs: Record<string, unknown>): string | undefined => {
  const base = baseUrl(inputs);
  return base ? targetHost({ url: base }) : undefined;
};
