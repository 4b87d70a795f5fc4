// The CLI's batched standard output: fewer writes, the same text, in the order it was written.
import assert from 'node:assert/strict';
import { describe, it, mock } from 'node:test';
import { batched } from '../../runtime/cli/batched';

function recorder() {
  const writes: [string, string][] = [];
  return { writes, io: { out: (s: string) => void writes.push(['out', s]), err: (s: string) => void writes.push(['err', s]) } };
}

describe('batched output', () => {
  it('writes many lines at once, and everything on flush', () => {
    const { writes, io } = recorder();
    const b = batched(io);
    for (let i = 0; i < 1000; i++) b.out(`line ${i}\n`);
    b.flush();
    assert.equal(writes.length, 1);
    assert.equal(writes[0]![1], Array.from({ length: 1000 }, (_, i) => `line ${i}\n`).join(''));
    b.flush();
    assert.equal(writes.length, 1, 'nothing waits: nothing written');
  });

  it('writes what waits before a line to standard error, so a terminal shows them in order', () => {
    const { writes, io } = recorder();
    const b = batched(io);
    b.out('a\n');
    b.out('b\n');
    b.err('warning\n');
    b.out('c\n');
    b.flush();
    assert.deepEqual(writes, [
      ['out', 'a\nb\n'],
      ['err', 'warning\n'],
      ['out', 'c\n'],
    ]);
  });

  it('writes within a few milliseconds of the first waiting line, or at once past the size limit', () => {
    mock.timers.enable({ apis: ['setTimeout'] });
    try {
      const { writes, io } = recorder();
      const b = batched(io, 25, 10);
      b.out('12345');
      mock.timers.tick(24);
      assert.equal(writes.length, 0);
      mock.timers.tick(1);
      assert.deepEqual(writes, [['out', '12345']]);
      b.out('1234567890');
      assert.deepEqual(writes[1], ['out', '1234567890'], 'the limit reached: written without waiting');
      mock.timers.tick(100);
      assert.equal(writes.length, 2);
    } finally {
      mock.timers.reset();
    }
  });
});
