import type { NodeSpec } from '../types';

const md = (...lines: string[]): string => lines.join('\n');

/** How both S3 nodes reach the store. */
const connection: NodeSpec['params'] = {
  access_key: {
    type: 'str',
    description: 'AWS access key ID (default: AWS_ACCESS_KEY_ID from the environment)',
  },
  secret_key: {
    type: 'str',
    description: 'AWS secret access key (default: AWS_SECRET_ACCESS_KEY from the environment)',
    secret: true,
  },
  region: { type: 'str', description: 'AWS region', default: 'us-east-1' },
  endpoint_url: {
    type: 'str',
    description: 'Endpoint of an S3-compatible store (MinIO, LocalStack, …); path-style addressing',
  },
};

export const specs: NodeSpec[] = [
  {
    type: 'S3ReaderNode',
    category: 'cloud',
    origin: 'ours',
    summary: 'Read an object from S3 (or an S3-compatible store such as MinIO)',
    docs: md(
      'Downloads `object_key` from `bucket_name` and returns its `content`, decoded per `response_format`.',
      'Credentials come from `access_key`/`secret_key`, else from the usual AWS environment variables. Set `endpoint_url` for MinIO, LocalStack or another S3-compatible store.',
      'A missing object, bucket or a refused credential fails the node (a `FileNotFoundError` for a missing object); throttling and server errors are retryable with a `retry` policy. Objects over 50 MB are refused rather than read into memory.',
      '```yaml',
      'nodes:',
      '  - id: fetch_export',
      '    type: S3ReaderNode',
      '    config:',
      '      bucket_name: exports',
      '      object_key: users/2024-06-01.json',
      '      access_key: ${env:AWS_ACCESS_KEY_ID}',
      '      secret_key: ${secret:AWS_SECRET_ACCESS_KEY}',
      '```',
    ),
    params: {
      bucket_name: { type: 'str', description: 'Bucket to read from', required: true },
      object_key: { type: 'str', description: 'Key of the object to read', required: true },
      ...connection,
      response_format: {
        type: 'str',
        description:
          'How to decode the body: `json` (parse), `text` (UTF-8 string), `binary` (base64 string), or `auto` (JSON for application/json or .json, text for text/*, else base64)',
        default: 'auto',
        enum: ['auto', 'text', 'json', 'binary'],
      },
    },
    outputs: {
      content: {
        type: 'Any',
        description: 'The object body, decoded per response_format (binary is base64 text)',
      },
      content_type: { type: 'str', description: "The object's Content-Type" },
      size: { type: 'int', description: 'Object size in bytes' },
      metadata: { type: 'dict', description: "The object's user metadata (x-amz-meta-*)" },
      success: { type: 'bool', description: 'Whether the object was read' },
    },
  },
  {
    type: 'S3WriterNode',
    category: 'cloud',
    origin: 'ours',
    summary: 'Write an object to S3 (or an S3-compatible store such as MinIO)',
    docs: md(
      'Uploads `content` to `object_key` in `bucket_name`: strings as UTF-8, dicts and lists as JSON (Content-Type application/json unless `content_type` is set).',
      'Credentials come from `access_key`/`secret_key`, else from the usual AWS environment variables. Set `endpoint_url` for an S3-compatible store.',
      '```yaml',
      'nodes:',
      '  - id: upload_report',
      '    type: S3WriterNode',
      '    config:',
      '      bucket_name: reports',
      '      object_key: daily/report.json',
      '      content: {status: ok}',
      '      endpoint_url: http://127.0.0.1:9000',
      '```',
    ),
    params: {
      bucket_name: { type: 'str', description: 'Bucket to write to', required: true },
      object_key: { type: 'str', description: 'Key of the object to write', required: true },
      content: {
        type: 'Any',
        description: 'What to store: a string (UTF-8) or a JSON-serializable value',
        required: true,
      },
      content_type: {
        type: 'str',
        description: 'Content-Type of the object (default: application/json for dicts and lists, text/plain for strings)',
      },
      ...connection,
    },
    outputs: {
      success: { type: 'bool', description: 'Whether the object was written' },
      etag: { type: 'str', description: 'ETag of the stored object' },
      size: { type: 'int', description: 'Bytes written' },
    },
  },
];
