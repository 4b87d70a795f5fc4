import { createHash } from 'node:crypto';
import { BODY_JSON, jsonText } from '../../values/print';
import { parseJson } from '../../values/json';
import type { S3Client } from '@aws-sdk/client-s3';
import type { NodeRun } from '../../catalog/types';
import { NodeFailure } from '../../engine/errors';
import { onDispose } from '../../engine/resources';
import { MAX_RESPONSE_BYTES } from '../api/http';

/** One client per endpoint, region and credentials, reused across runs (it keeps its sockets). */
const clients = new Map<string, Promise<S3Client>>();

async function clientFor(i: Record<string, unknown>): Promise<S3Client> {
  const access = i.access_key ? String(i.access_key) : undefined;
  const secret = i.secret_key ? String(i.secret_key) : undefined;
  if (Boolean(access) !== Boolean(secret))
    throw new NodeFailure(
      'NodeValidationError',
      'Give both access_key and secret_key, or neither (then the AWS environment variables are used).',
    );
  const endpoint = i.endpoint_url ? String(i.endpoint_url) : undefined;
  const region = String(i.region ?? 'us-east-1');
  const key = createHash('sha256')
    .update(JSON.stringify([endpoint, region, access, secret]))
    .digest('hex');
  let client = clients.get(key);
  if (!client) {
    client = import('@aws-sdk/client-s3').then(({ S3Client: Client }) => {
      const c = new Client({
        region,
        endpoint,
        // S3-compatible stores (MinIO, s3rver, LocalStack) address buckets by path, not by host name.
        forcePathStyle: endpoint !== undefined,
        // The SDK's default CRC checksums frame streamed bodies (aws-chunked), which S3-compatible
        // stores save verbatim: the object is corrupted. Checksums only where the API demands them.
        requestChecksumCalculation: 'WHEN_REQUIRED',
        responseChecksumValidation: 'WHEN_REQUIRED',
        ...(access && secret ? { credentials: { accessKeyId: access, secretAccessKey: secret } } : {}),
      });
      onDispose(() => {
        clients.delete(key);
        c.destroy();
      });
      return c;
    });
    clients.set(key, client);
    client.catch(() => clients.delete(key));
  }
  return client;
}

/** SDK errors as node failures naming bucket and key; only throttling, 5xx and transport errors are retryable. */
function s3Failure(err: unknown, action: string, i: Record<string, unknown>): NodeFailure {
  const e = err as { name?: string; message?: string; code?: string; $metadata?: { httpStatusCode?: number }; $retryable?: unknown };
  const status = e.$metadata?.httpStatusCode;
  const name = e.name && e.name !== 'Error' ? e.name : e.code;
  const where = `s3://${String(i.bucket_name)}/${String(i.object_key)}${i.endpoint_url ? ` at ${String(i.endpoint_url)}` : ''}`;
  const retryable =
    Boolean(e.$retryable) ||
    (status !== undefined && (status >= 500 || status === 429)) ||
    /ECONNREFUSED|ECONNRESET|ETIMEDOUT|EAI_AGAIN/.test(`${e.code ?? ''} ${e.message ?? ''}`);
  const hint: Record<string, string> = {
    NoSuchKey: 'the object does not exist',
    NoSuchBucket: 'the bucket does not exist',
    AccessDenied: 'access denied: check the credentials and the bucket policy',
    InvalidAccessKeyId: 'the access key is not known to the store',
    SignatureDoesNotMatch: 'the secret key does not match the access key',
  };
  const type = name === 'NoSuchKey' || name === 'NotFound' ? 'FileNotFoundError' : 'NodeExecutionError';
  return new NodeFailure(
    type,
    `S3 ${action} ${where} failed: ${hint[name ?? ''] ?? e.message ?? String(err)}${name && !hint[name] ? ` (${name})` : ''}${status ? ` [HTTP ${status}]` : ''}`,
    { retryable },
  );
}

function decode(body: Buffer, contentType: string, key: string, format: string): unknown {
  const text = () => body.toString('utf8');
  const json = () => {
    try {
      return parseJson(text());
    } catch (err) {
      throw new NodeFailure('JSONDecodeError', `s3 object ${key} is not valid JSON: ${(err as Error).message}`);
    }
  };
  switch (format) {
    case 'json':
      return json();
    case 'text':
      return text();
    case 'binary':
      return body.toString('base64');
    default: {
      const ct = contentType.toLowerCase();
      if (ct.includes('json') || key.toLowerCase().endsWith('.json')) return json();
      if (ct.startsWith('text/') || ct.includes('xml') || ct.includes('csv') || ct.includes('yaml')) return text();
      return body.toString('base64');
    }
  }
}

/** Reads the body with a cap, so a huge object fails clearly instead of exhausting memory. */
async function readBody(stream: AsyncIterable<Uint8Array>, where: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    size += chunk.length;
    if (size > MAX_RESPONSE_BYTES)
      throw new NodeFailure(
        'ResponseTooLargeError',
        `${where} is larger than ${MAX_RESPONSE_BYTES / 1024 / 1024} MB; it was not read further.`,
        { retryable: false },
      );
    chunks.push(Buffer.from(chunk));
  }
  return Buffer.concat(chunks);
}

export const readS3: NodeRun = async (i, ctx) => {
  const client = await clientFor(i);
  const { GetObjectCommand } = await import('@aws-sdk/client-s3');
  const key = String(i.object_key);
  try {
    const res = await client.send(new GetObjectCommand({ Bucket: String(i.bucket_name), Key: key }), { abortSignal: ctx.signal });
    const body = await readBody(res.Body as AsyncIterable<Uint8Array>, `s3://${String(i.bucket_name)}/${key}`);
    const contentType = res.ContentType ?? 'application/octet-stream';
    return {
      content: decode(body, contentType, key, String(i.response_format ?? 'auto')),
      content_type: contentType,
      size: body.length,
      metadata: res.Metadata ?? {},
      success: true,
    };
  } catch (err) {
    if (ctx.signal.aborted) throw ctx.signal.reason;
    if (err instanceof NodeFailure) throw err;
    throw s3Failure(err, 'read of', i);
  }
};

export const writeS3: NodeRun = async (i, ctx) => {
  const client = await clientFor(i);
  const { PutObjectCommand } = await import('@aws-sdk/client-s3');
  const c = i.content;
  const structured = c !== null && typeof c === 'object';
  const body = Buffer.from(typeof c === 'string' ? c : jsonText(c ?? null, BODY_JSON), 'utf8');
  const contentType = i.content_type
    ? String(i.content_type)
    : structured
      ? 'application/json'
      : typeof c === 'string'
        ? 'text/plain; charset=utf-8'
        : 'application/json';
  try {
    const res = await client.send(
      new PutObjectCommand({
        Bucket: String(i.bucket_name),
        Key: String(i.object_key),
        Body: body,
        ContentType: contentType,
        ContentLength: body.length,
      }),
      { abortSignal: ctx.signal },
    );
    return { success: true, etag: res.ETag ?? '', size: body.length };
  } catch (err) {
    if (ctx.signal.aborted) throw ctx.signal.reason;
    throw s3Failure(err, 'write to', i);
  }
};

/** Breakers and rate limits key on the store. */
export function s3Target(i: Record<string, unknown>): string {
  if (i.endpoint_url) {
    try {
      return new URL(String(i.endpoint_url)).host;
    } catch {
      return String(i.endpoint_url);
    }
  }
  return `s3.${String(i.region ?? 'us-east-1')}.amazonaws.com`;
}
