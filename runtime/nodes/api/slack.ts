import type { NodeRun } from '../../catalog/types';
import { NodeFailure } from '../../engine/errors';
import { isRetryableStatus } from '../../engine/retryable';
import { content, failureOf, httpRequest, isTransportFailure, targetHost } from './http';

/** The Web API's base; `SLACK_API_URL` points it elsewhere (a proxy, a test server). */
function apiBase(): string {
  return (process.env.SLACK_API_URL ?? 'https://slack.com/api').replace(/\/+$/, '');
}

/**
 * SlackNotificationNode: one POST to an incoming webhook, or `chat.postMessage` with a bot token.
 * A post Slack refuses (a 4xx, or `ok: false` from the Web API) is `sent: false` with Slack's
 * reason. Rate limiting (429), 5xx and transport failures raise a retryable failure carrying
 * `Retry-After`, so the node's `retry` policy waits as long as Slack asks.
 * Messages never name the webhook URL: its path is the credential.
 */
export const runSlack: NodeRun = async (i, ctx) => {
  const message = String(i.message ?? '');
  const body: Record<string, unknown> = { text: message };
  if (Array.isArray(i.blocks) && i.blocks.length) body.blocks = i.blocks;
  if (i.bot_name) body.username = i.bot_name;
  if (i.icon_emoji) body.icon_emoji = i.icon_emoji;
  if (i.channel) body.channel = i.channel;
  const viaWebhook = Boolean(i.webhook_url);
  if (!viaWebhook && !i.token) throw new NodeFailure('NodeValidationError', "One of 'webhook_url', 'token' must be provided.");
  if (!viaWebhook && !i.channel)
    throw new NodeFailure('NodeValidationError', "'channel' is required to post with a bot token (chat.postMessage).");
  const what = viaWebhook ? 'Slack webhook' : 'Slack chat.postMessage';
  const out = await httpRequest(
    {
      url: viaWebhook ? i.webhook_url : `${apiBase()}/chat.postMessage`,
      method: 'POST',
      headers: viaWebhook ? {} : { Authorization: `Bearer ${String(i.token)}` },
      json_data: body,
      response_format: viaWebhook ? 'text' : 'json',
      timeout: 30,
    },
    ctx,
    { label: 'SlackNotificationNode' },
  );
  if (isTransportFailure(out))
    throw new NodeFailure(String(out.error_type), `${what} could not be reached: ${String(out.error).replace(/^\S+ \S+ failed: /, '')}`, {
      retryable: true,
    });
  const reply = content(out);
  if (isRetryableStatus(out.status_code))
    throw failureOf(
      out,
      out.status_code === 429 ? 'RateLimitError' : 'NodeExecutionError',
      `${what} did not take the message`,
      typeof reply === 'string' ? reply.slice(0, 200) : undefined,
    );
  if (!out.success) {
    const reason = typeof reply === 'string' ? reply : ((reply as { error?: string } | null)?.error ?? '');
    return {
      sent: false,
      response: reply ?? null,
      error: `${what} rejected the message (HTTP ${String(out.status_code)})${reason ? `: ${reason.slice(0, 200)}` : ''}`,
    };
  }
  if (!viaWebhook) {
    const r = (reply ?? {}) as { ok?: boolean; error?: string };
    if (r.ok !== true)
      return { sent: false, response: reply ?? null, error: `${what} rejected the message: ${r.error ?? 'no reason given'}` };
  }
  return { sent: true, response: reply ?? null };
};

export const slackTarget = (inputs: Record<string, unknown>): string | undefined =>
  inputs.webhook_url ? targetHost(inputs, 'webhook_url') : targetHost({ url: apiBase() });
