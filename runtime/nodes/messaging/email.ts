import { stat } from 'node:fs/promises';
import { isIP } from 'node:net';
import { basename } from 'node:path';
import type { NodeRun } from '../../catalog/types';
import { NodeFailure } from '../../engine/errors';
import { readablePath } from '../files/paths';

const TIMEOUT_MS = 30_000;

function recipients(v: unknown): string[] {
  const list = Array.isArray(v) ? v : typeof v === 'string' ? v.split(/[,;]/) : [];
  return list.map((x) => String(x).trim()).filter(Boolean);
}

/** Attachments are files of the workflow, checked like any file node's path. */
async function attachmentsOf(paths: unknown, ctx: Parameters<NodeRun>[1]): Promise<{ filename: string; path: string }[]> {
  const out: { filename: string; path: string }[] = [];
  for (const p of (paths as unknown[] | undefined) ?? []) {
    const full = await readablePath(p, ctx, 'attachments');
    const st = await stat(full).catch(() => undefined);
    if (!st?.isFile()) throw new NodeFailure('FileNotFoundError', `Attachment '${String(p)}' is not a file.`);
    out.push({ filename: basename(full), path: full });
  }
  return out;
}

/**
 * EmailSenderNode (ours) on nodemailer. `use_tls` means STARTTLS, required (as smtplib's
 * `starttls()`: without it the session stays plain); port 465 or `use_ssl` means TLS from the
 * first byte. A refused send is an answer (`sent: false`), not a node failure.
 */
export const runEmail: NodeRun = async (i, ctx) => {
  const nodemailer = (await import('nodemailer')).default;
  const smtp = (i.smtp_config as Record<string, unknown> | undefined) ?? {};
  const server = smtp.server ?? smtp.host;
  if (!server) throw new NodeFailure('NodeValidationError', "smtp_config needs 'server'.");
  const port = Number(smtp.port ?? (smtp.use_ssl ? 465 : smtp.use_tls ? 587 : 25));
  const implicitTls = smtp.use_ssl === true || (smtp.use_ssl === undefined && port === 465);
  const to = recipients(i.recipient_email);
  if (!to.length) throw new NodeFailure('NodeValidationError', 'recipient_email has no address.');
  const attachments = await attachmentsOf(i.attachments, ctx);
  const transport = nodemailer.createTransport({
    host: String(server),
    port,
    secure: implicitTls,
    requireTLS: !implicitTls && smtp.use_tls === true,
    ignoreTLS: !implicitTls && smtp.use_tls !== true,
    auth: smtp.username ? { user: String(smtp.username), pass: String(smtp.password ?? '') } : undefined,
    // SNI takes host names only (RFC 6066).
    tls: { rejectUnauthorized: smtp.verify_ssl !== false, ...(isIP(String(server)) ? {} : { servername: String(server) }) },
    connectionTimeout: TIMEOUT_MS,
    greetingTimeout: TIMEOUT_MS,
    socketTimeout: TIMEOUT_MS,
  });
  const onAbort = () => transport.close();
  ctx.signal.addEventListener('abort', onAbort, { once: true });
  try {
    const body = String(i.body ?? '');
    const info = await transport.sendMail({
      from: String(i.sender_email),
      to,
      subject: String(i.subject ?? ''),
      ...(i.html === true || smtp.html === true ? { html: body } : { text: body }),
      attachments,
    });
    const accepted = (info.accepted ?? []).map(String);
    const rejected = (info.rejected ?? []).map(String);
    return {
      sent: accepted.length > 0,
      message_id: info.messageId,
      accepted,
      rejected,
      ...(accepted.length ? {} : { error: 'The server accepted no recipient' }),
    };
  } catch (err) {
    if (ctx.signal.aborted) throw ctx.signal.reason;
    const e = err as { code?: string; responseCode?: number; message?: string; rejected?: unknown[] };
    return {
      sent: false,
      message_id: null,
      accepted: [],
      rejected: (e.rejected as string[] | undefined) ?? [],
      error: `SMTP ${String(server)}:${port} failed: ${e.message ?? String(err)}${e.code ? ` (${e.code})` : ''}`,
    };
  } finally {
    ctx.signal.removeEventListener('abort', onAbort);
    transport.close();
  }
};

export function emailTarget(i: Record<string, unknown>): string | undefined {
  const smtp = i.smtp_config as Record<string, unknown> | undefined;
  return smtp?.server ? `${String(smtp.server)}:${String(smtp.port ?? '')}` : undefined;
}
