// The guide's cloud-storage pattern: its `s3_reader` takes bucket_name, object_key, access_key and
// secret_key and returns `content` and `success`. Here that is S3ReaderNode, with the object named
// at run time; and docs/guide.md's upload (S3WriterNode) leaves the object in the bucket. s3rver
// stands in for S3 on 127.0.0.1.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { startS3 } from '../support/data-servers';
import { count, folder, run } from './cli';

// s3rver's fixed credentials, given as a guide reader gives theirs: env and secret.
const env = { S3_ACCESS_KEY: 'S3RVER', KAILASH_SECRET_S3_SECRET_KEY: 'S3RVER' };

describe('guide: S3 read and write', () => {
  const files = folder();
  let s3: Awaited<ReturnType<typeof startS3>>;
  let client: S3Client;
  before(async () => {
    s3 = await startS3(['reports', 'exports']);
    client = new S3Client({
      endpoint: s3.url,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
    await client.send(
      new PutObjectCommand({
        Bucket: 'exports',
        Key: '2024/summary.txt',
        Body: 'orders: 41\nrevenue: 1250.50\n',
        ContentType: 'text/plain',
      }),
    );
  });
  after(async () => {
    client.destroy();
    await s3.stop();
    files.cleanup();
  });

  it('s3_reader: the bucket and key given at run time, the object read back as text', async () => {
    const file = files.write(
      's3-read.workflow.yaml',
      `name: s3-read
nodes:
  - id: s3_reader
    type: S3ReaderNode
    config:
      endpoint_url: ${s3.url}
      access_key: \${env:S3_ACCESS_KEY}
      secret_key: \${secret:S3_SECRET_KEY}
`,
    );
    const r = await run(file, ['s3_reader.bucket_name=exports', 's3_reader.object_key=2024/summary.txt'], env);
    assert.equal(r.code, 0, r.stderr + r.stdout);
    const out = r.record!.results.s3_reader!;
    assert.equal(out.success, true);
    assert.equal(out.content, 'orders: 41\nrevenue: 1250.50\n');
    assert.equal(out.content_type, 'text/plain');
    assert.equal(count(r.stdout + r.stderr, 'S3RVER'), 0, 'the secret key never appears');
  });

  it('a missing object fails the node, naming the key (no "Error: …" string as content, as the guide returns)', async () => {
    const file = files.write(
      's3-missing.workflow.yaml',
      `name: s3-missing
nodes:
  - id: s3_reader
    type: S3ReaderNode
    config: {bucket_name: exports, object_key: 2024/nope.txt, endpoint_url: "${s3.url}", access_key: "\${env:S3_ACCESS_KEY}", secret_key: "\${secret:S3_SECRET_KEY}"}
`,
    );
    const r = await run(file, [], env);
    assert.equal(r.code, 1);
    assert.equal(r.record!.nodes.s3_reader!.error!.type, 'FileNotFoundError');
    assert.match(r.record!.nodes.s3_reader!.error!.message, /2024\/nope\.txt/);
  });

  it("docs/guide.md's upload: the code node's JSON ends up in the bucket with its content type", async () => {
    const file = files.write(
      'upload-report.workflow.yaml',
      `name: upload-report
nodes:
  - id: build
    type: PythonCodeNode
    config:
      code: |
        import json
        result = json.dumps({"rows": 3})
  - id: upload
    type: S3WriterNode
    config:
      bucket_name: reports
      object_key: daily.json
      content_type: application/json
      endpoint_url: ${s3.url}
      access_key: \${env:S3_ACCESS_KEY}
      secret_key: \${secret:S3_SECRET_KEY}
connections:
  - {from_node: build, from_output: result, to_node: upload, to_input: content}
`,
    );
    const r = await run(file, [], env);
    assert.equal(r.code, 0, r.stderr + r.stdout);
    assert.equal(r.record!.results.upload!.success, true);
    const stored = await client.send(new GetObjectCommand({ Bucket: 'reports', Key: 'daily.json' }));
    assert.equal(stored.ContentType, 'application/json');
    assert.deepEqual(JSON.parse(await stored.Body!.transformToString()), { rows: 3 });
  });
});
