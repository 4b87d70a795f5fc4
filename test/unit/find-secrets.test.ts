import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { findTemplates } from '../../runtime/model/templates';
import { findSecrets, SECRET_KEY, TOKEN_SHAPES } from '../../runtime/validate/secrets';

/** `findSecrets` as it was before its length short-cuts (the reference they must agree with). */
function reference(key: string | undefined, value: string, secret?: boolean): ReturnType<typeof findSecrets> {
  const ADVICE = 'move it to `${secret:NAME}` (or `${env:NAME}`) so it never sits in the file';
  if (value.trim() === '') return [];
  const literal = findTemplates(value).length === 0;
  const url = /\b[a-z][a-z0-9+.-]*:\/\/[^:/@\s]*:([^@/\s]+)@/i.exec(value);
  if (url) {
    const pw = url[1]!;
    if (!pw.includes('${')) {
      const start = url.index + url[0].length - 1 - pw.length;
      return [{ start, end: start + pw.length, message: `Password written in a connection string: ${ADVICE}.` }];
    }
  }
  if (literal && (secret || (key !== undefined && SECRET_KEY.test(key))))
    return [{ start: 0, end: value.length, message: `Literal credential in '${key}': ${ADVICE}.` }];
  for (const [re, what] of TOKEN_SHAPES) {
    const m = re.exec(value);
    if (m && !m[0].includes('${'))
      return [{ start: m.index, end: m.index + m[0].length, message: `This looks like ${what} written literally: ${ADVICE}.` }];
  }
  return [];
}

const SHORTEST = ['a://:p@', 'Token 12345678', 'Basic 12345678', 'xoxb-1234567890', 'AKIA0123456789ABCDEF', 'p://u:${x}@h'];
const KEYS = [undefined, 'url', 'password', 'api_key', 'db_token', 'name'];

describe('findSecrets', () => {
  it('flags the shortest text of each shape, and nothing one character shorter', () => {
    for (const text of SHORTEST) {
      assert.deepEqual(findSecrets('x', text), reference('x', text), text);
      assert.deepEqual(findSecrets('x', text.slice(0, -1)), reference('x', text.slice(0, -1)), text.slice(0, -1));
    }
    assert.equal(findSecrets('x', 'a://:p@').length, 1);
    assert.equal(findSecrets('x', 'Token 12345678').length, 1);
    assert.equal(findSecrets('password', 'x').length, 1);
    assert.equal(findSecrets('password', '${secret:PW}').length, 0);
  });

  it('gives what it gave before its short-cuts, on random values, keys and secret params', () => {
    const piece = fc.oneof(
      fc.constantFrom(
        ...SHORTEST,
        '://',
        ':',
        '@',
        '${',
        '}',
        '${env:X}',
        ' ',
        'Bearer ',
        'sk-',
        'gh',
        'ghp_',
        'eyJ',
        '.',
        '-----BEGIN RSA PRIVATE KEY-----',
      ),
      fc.string({ maxLength: 12 }),
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 6 }), fc.constantFrom(...KEYS), fc.boolean(), (parts, key, secret) => {
        const value = parts.join('');
        const param = secret ? { secret: true } : undefined;
        assert.deepEqual(findSecrets(key, value, param as never), reference(key, value, secret));
      }),
      { numRuns: 3000, seed: 15 },
    );
  });
});
