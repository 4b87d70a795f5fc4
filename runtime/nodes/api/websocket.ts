import type WebSocket from 'ws';
import { BODY_JSON, jsonText } from '../../values/print';
import { parseJson } from '../../values/json';
import type { NodeOutput, NodeRun } from '../../catalog/types';
import { NodeFailure } from '../../engine/errors';
import { isRetryableError, isRetryableStatus } from '../../engine/retryable';
import { maxResponseBytes, targetHost } from './http';

/** How long a clean close may take before the socket is cut. */
const CLOSE_WAIT_MS = 2000;

function parse(data: WebSocket.RawData, isBinary: boolean): unknown {
  const buf = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
  if (isBinary) return buf.toString('base64');
  const text = buf.toString('utf8');
  try {
    return parseJson(text);
  } catch {
    return text;
  }
}

function size(data: WebSocket.RawData): number {
  return Array.isArray(data) ? data.reduce((n, b) => n + b.length, 0) : (data as Buffer).byteLength;
}

/**
 * WebSocketNode: connect (with headers), send `message` then each of `messages` (non-strings as
 * JSON), collect `receive_count` messages or whatever arrived within `timeout`, then close with
 * 1000 and wait for the server's close frame. An abort terminates the socket at once.
 */
export const runWebSocket: NodeRun = async (i, ctx) => {
  // Loaded by the first WebSocketNode: a run without one never compiles the library.
  const { default: Socket } = await import('ws');
  return new Promise<NodeOutput>((resolve, reject) => {
    const raw = String(i.websocket_url ?? '');
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw new NodeFailure('NodeValidationError', `Invalid WebSocket URL: ${raw}`);
    }
    if (!['ws:', 'wss:', 'http:', 'https:'].includes(url.protocol))
      throw new NodeFailure('NodeValidationError', `A WebSocket URL starts with ws:// or wss://, got ${url.protocol}//`);
    ctx.signal.throwIfAborted();
    const where = `${url.protocol}//${url.host}`;
    const timeoutMs = Math.max(1, Number(i.timeout ?? 10) * 1000);
    const want = Math.max(0, Math.trunc(Number(i.receive_count ?? 1)));
    const outgoing = [
      ...(i.message === undefined || i.message === null ? [] : [i.message]),
      ...(Array.isArray(i.messages) ? i.messages : []),
    ];
    const limit = maxResponseBytes();
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries((i.headers as Record<string, unknown> | undefined) ?? {}))
      if (v !== null && v !== undefined) headers[k] = String(v);

    const ws = new Socket(url, { headers, handshakeTimeout: timeoutMs, maxPayload: limit });
    const responses: unknown[] = [];
    let received = 0;
    let opened = false;
    let settled = false;
    let closeTimer: NodeJS.Timeout | undefined;

    const cleanup = () => {
      clearTimeout(deadline);
      clearTimeout(closeTimer);
      ctx.signal.removeEventListener('abort', onAbort);
    };
    const fail = (err: unknown) => {
      if (settled) return;
      settled = true;
      cleanup();
      ws.terminate();
      reject(err);
    };
    const done = (closed: boolean) => {
      cleanup();
      resolve({ responses, response: responses[0] ?? null, closed });
    };
    /** Enough received, or time is up: close cleanly, bounded by CLOSE_WAIT_MS. */
    const finish = () => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      if (ws.readyState === Socket.CLOSED) return done(false);
      ws.once('close', (code: number) => done(code === 1000 || code === 1001));
      closeTimer = setTimeout(() => ws.terminate(), CLOSE_WAIT_MS);
      ws.close(1000);
    };
    const onAbort = () => fail(ctx.signal.reason);
    ctx.signal.addEventListener('abort', onAbort, { once: true });
    const deadline = setTimeout(() => {
      if (opened) finish();
      else fail(new NodeFailure('TimeoutError', `WebSocket ${where} did not open within ${timeoutMs / 1000} s`, { retryable: true }));
    }, timeoutMs);

    ws.on('unexpected-response', (req, res) => {
      const status = res.statusCode ?? 0;
      res.resume();
      req.destroy();
      fail(
        new NodeFailure('ConnectionError', `WebSocket handshake with ${where} was refused: HTTP ${status}`, {
          retryable: isRetryableStatus(status),
        }),
      );
    });
    ws.on('open', () => {
      opened = true;
      for (const m of outgoing) ws.send(typeof m === 'string' ? m : jsonText(m, BODY_JSON));
      if (want === 0) finish();
    });
    ws.on('message', (data, isBinary) => {
      if (settled) return;
      received += size(data);
      if (received > limit)
        return fail(
          new NodeFailure(
            'ResponseTooLargeError',
            `Messages from ${where} exceed ${Math.round(limit / 1024 / 1024)} MB in all; the connection was closed.`,
            { retryable: false },
          ),
        );
      responses.push(parse(data, isBinary));
      if (responses.length >= want) finish();
    });
    ws.on('close', (code: number) => {
      // The server closed first: keep what arrived; only a normal close counts as clean.
      if (!settled && opened) {
        settled = true;
        done(code === 1000 || code === 1001);
      }
    });
    ws.on('error', (err: Error & { code?: string }) => {
      if (settled) return;
      if (err.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') {
        return fail(
          new NodeFailure(
            'ResponseTooLargeError',
            `A message from ${where} exceeds ${Math.round(limit / 1024 / 1024)} MB; the connection was closed.`,
            { retryable: false },
          ),
        );
      }
      const timedOut = /handshake has timed out/i.test(err.message);
      fail(
        new NodeFailure(
          timedOut ? 'TimeoutError' : 'ConnectionError',
          `WebSocket ${where}: ${err.code && !err.message.includes(err.code) ? `${err.code}: ` : ''}${err.message}`,
          { retryable: timedOut || isRetryableError(err) },
        ),
      );
    });
  });
};

export const websocketTarget = (inputs: Record<string, unknown>): string | undefined => targetHost(inputs, 'websocket_url');
