import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { Redactor } from '../../runtime/engine/secrets';

const redactor = (...secrets: string[]) => {
  const r = new Redactor();
  for (const s of secrets) r.add(s);
  return r;
};

describe('Redactor', () => {
  const secret = 'p@ss+w/rd=Zq9 x"y';

  it('redacts the secret as written, URL-encoded in every common way, and JSON-escaped', () => {
    const r = redactor(secret);
    const forms = [
      secret,
      encodeURIComponent(secret),
      encodeURIComponent(secret).replace(/%[0-9A-F]{2}/g, (x) => x.toLowerCase()),
      new URLSearchParams({ k: secret }).toString().slice(2),
      encodeURI(secret),
      JSON.stringify(secret).slice(1, -1),
    ];
    for (const form of forms) {
      assert.equal(r.text(`before ${form} after`), 'before *** after', form);
    }
  });

  it('redacts a URL that carries the secret in its query or its userinfo', () => {
    const r = redactor('k3y+/=Sx', 'p@ss:w0rd');
    const url = new URL('https://api.example.com/v1');
    url.searchParams.set('api_key', 'k3y+/=Sx');
    url.username = 'svc';
    url.password = 'p@ss:w0rd';
    assert.match(url.toString(), /svc:p%40ss%3Aw0rd@/);
    assert.match(url.toString(), /api_key=k3y%2B%2F%3DSx/);
    assert.equal(r.text(url.toString()), 'https://svc:***@api.example.com/v1?api_key=***');
  });

  it('redacts base64 forms at every alignment: Basic credentials, tokens inside blobs, base64url', () => {
    const r = redactor('hunter2-secret');
    const basic = Buffer.from('alice:hunter2-secret').toString('base64');
    assert.doesNotMatch(r.text(`Basic ${basic}`), /aHVudGVy|dW50ZXIy|h1bnRlcj/);
    for (const prefix of ['', 'x', 'xy', 'xyz', 'user:']) {
      const blob = Buffer.from(`${prefix}hunter2-secret;rest of the blob`).toString('base64');
      const out = r.text(blob);
      assert.ok(out.includes('***'), `${prefix}: ${out}`);
      // What is left cannot be decoded back to the secret (or any 6-character run of it).
      const left = Buffer.from(out.replace('***', ''), 'base64').toString('latin1');
      for (let i = 0; i + 6 <= 'hunter2-secret'.length; i++)
        assert.ok(!left.includes('hunter2-secret'.slice(i, i + 6)), `${prefix}: ${left}`);
    }
    const url = Buffer.from('\u00ff\u00fehunter2-secret\u00fb').toString('base64url');
    assert.ok(r.text(url).includes('***'));
  });

  it('redacts the whole of a longer secret that starts with a shorter one, in either order of adding', () => {
    for (const order of [
      ['abcd1234', 'abcd1234-and-more'],
      ['abcd1234-and-more', 'abcd1234'],
    ]) {
      const r = redactor(...order);
      assert.equal(r.text('x abcd1234-and-more y abcd1234 z'), 'x *** y *** z');
    }
    // Overlapping secrets (one's tail is another's head) are redacted as one stretch.
    assert.equal(redactor('xyzabc', 'abcdef').text('[xyzabcdef]'), '[***]');
  });

  it('leaves text without secrets untouched, keys included', () => {
    const r = redactor('s3cr3t-value');
    assert.deepEqual(r.value({ a: 'plain', s3cr3t_value: 1, n: 5, list: ['ok', 'has s3cr3t-value'] }), {
      a: 'plain',
      s3cr3t_value: 1,
      n: 5,
      list: ['ok', 'has ***'],
    });
    assert.equal(redactor('abc').text('abc'), 'abc', 'values under 4 characters are not secrets');
  });

  it('never lets a secret through in any of its encodings, for any secret (property)', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 4, maxLength: 24, unit: 'grapheme' }),
        fc.string({ maxLength: 8 }),
        fc.string({ maxLength: 8 }),
        (s, before, after) => {
          const r = redactor(s);
          for (const form of [
            s,
            encodeURIComponent(s),
            new URLSearchParams({ k: s }).toString().slice(2),
            JSON.stringify(s).slice(1, -1),
          ]) {
            const out = r.text(`${before}${form}${after}`);
            assert.ok(!out.includes(form), `${JSON.stringify(form)} in ${JSON.stringify(out)}`);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
