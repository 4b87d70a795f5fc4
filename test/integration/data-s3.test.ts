// S3ReaderNode / S3WriterNode against s3rver (S3's REST API, in-process) on 127.0.0.1.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { LocalRuntime } from '../../runtime/engine/local';
import { runNode } from '../support/data';
import { startS3 } from '../support/data-servers';

const rt = new LocalRuntime({
  env: { S3_KEY: 'S3RVER' },
  secrets: { get: async (n) => ({ S3_SECRET: 'S3RVER', WRONG_SECRET: 'not-the-secret-9' })[n] },
});
let s3: Awaited<ReturnType<typeof startS3>>;
const creds = () => ({ endpoint_url: s3.url, access_key: '${env:S3_KEY}', secret_key: '${secret:S3_SECRET}', region: 'us-east-1' });

before(async () => {
  s3 = await startS3(['exports', 'processed']);
});
after(async () => {
  await rt.dispose();
  await s3.stop();
});

describe('S3 nodes', () => {
  it('writes a dict as JSON and reads it back parsed', async () => {
    const w = await runNode(rt, 'S3WriterNode', {
      ...creds(),
      bucket_name: 'processed',
      object_key: 'customers/active.json',
      content: { count: 2, names: ['Ann', 'Bo'] },
    });
    assert.equal(w.status, 'succeeded', JSON.stringify(w.error));
    assert.equal(w.output!.success, true);
    assert.match(String(w.output!.etag), /^"?[0-9a-f]{32}"?$/);
    const r = await runNode(rt, 'S3ReaderNode', { ...creds(), bucket_name: 'processed', object_key: 'customers/active.json' });
    assert.equal(r.status, 'succeeded', JSON.stringify(r.error));
    assert.deepEqual(r.output!.content, { count: 2, names: ['Ann', 'Bo'] });
    assert.equal(r.output!.content_type, 'application/json');
    assert.equal(r.output!.size, w.output!.size);
    assert.equal(r.output!.success, true);
  });

  it('stores 300 kB of text byte for byte (no aws-chunked framing) and reads binary as base64', async () => {
    const text = 'é0123456789'.repeat(27_300);
    const w = await runNode(rt, 'S3WriterNode', { ...creds(), bucket_name: 'exports', object_key: 'big.txt', content: text });
    assert.equal(w.output!.size, Buffer.byteLength(text));
    const r = await runNode(rt, 'S3ReaderNode', { ...creds(), bucket_name: 'exports', object_key: 'big.txt' });
    assert.equal(r.output!.size, Buffer.byteLength(text));
    assert.equal(r.output!.content, text);
    await runNode(rt, 'S3WriterNode', {
      ...creds(),
      bucket_name: 'exports',
      object_key: 'blob.bin',
      content: 'AB',
      content_type: 'application/octet-stream',
    });
    const bin = await runNode(rt, 'S3ReaderNode', { ...creds(), bucket_name: 'exports', object_key: 'blob.bin' });
    assert.equal(bin.output!.content, Buffer.from('AB').toString('base64'));
    const asText = await runNode(rt, 'S3ReaderNode', {
      ...creds(),
      bucket_name: 'exports',
      object_key: 'blob.bin',
      response_format: 'text',
    });
    assert.equal(asText.output!.content, 'AB');
  });

  it('fails clearly on a missing key, a missing bucket and a wrong secret, whose secret never shows', async () => {
    const missing = await runNode(rt, 'S3ReaderNode', { ...creds(), bucket_name: 'exports', object_key: 'nope.json' });
    assert.equal(missing.error!.type, 'FileNotFoundError');
    assert.match(missing.error!.message, /s3:\/\/exports\/nope\.json .*the object does not exist/);
    const bucket = await runNode(rt, 'S3WriterNode', { ...creds(), bucket_name: 'no-such-bucket', object_key: 'x', content: 'x' });
    assert.match(bucket.error!.message, /the bucket does not exist/);
    // s3rver checks access keys but not SigV4 signatures, so an unknown key stands in for bad credentials.
    const wrong = await runNode(rt, 'S3ReaderNode', {
      ...creds(),
      access_key: 'NOT-A-KEY',
      secret_key: '${secret:WRONG_SECRET}',
      bucket_name: 'exports',
      object_key: 'big.txt',
    });
    assert.equal(wrong.status, 'failed');
    assert.match(wrong.error!.message, /the access key is not known to the store/);
    assert.doesNotMatch(JSON.stringify(wrong.result), /not-the-secret-9/);
    const half = await runNode(rt, 'S3ReaderNode', {
      endpoint_url: s3.url,
      access_key: 'S3RVER',
      bucket_name: 'exports',
      object_key: 'big.txt',
    });
    assert.match(half.error!.message, /both access_key and secret_key/);
  });
});
