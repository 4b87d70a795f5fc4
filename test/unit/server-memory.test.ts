import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { fullCollection, IdleCollector, QUIET_MS } from '../../server/memory';

describe('the server gives memory back when quiet (server/memory.ts)', () => {
  it('collects once per stretch of work, after QUIET_MS without more', (t) => {
    t.mock.timers.enable({ apis: ['setTimeout'] });
    let collected = 0;
    const c = new IdleCollector(() => collected++);
    c.touch();
    t.mock.timers.tick(QUIET_MS - 1);
    c.touch(); // more work: the wait starts again
    t.mock.timers.tick(QUIET_MS - 1);
    assert.equal(collected, 0);
    t.mock.timers.tick(1);
    assert.equal(collected, 1);
    t.mock.timers.tick(QUIET_MS * 10);
    assert.equal(collected, 1, 'nothing more until there is work again');
    c.touch();
    c.dispose();
    t.mock.timers.tick(QUIET_MS);
    assert.equal(collected, 1, 'a disposed collector does nothing');
  });

  it('does nothing without a collector', (t) => {
    t.mock.timers.enable({ apis: ['setTimeout'] });
    const c = new IdleCollector(undefined);
    c.touch();
    t.mock.timers.tick(QUIET_MS);
  });

  it("reaches V8's full collection without --expose-gc, and it collects", async () => {
    const gc = fullCollection();
    assert.ok(gc, 'gc exposed at run time');
    let garbage: object | undefined = { payload: new Array(1000).fill(0) };
    const ref = new WeakRef(garbage);
    garbage = undefined;
    // A WeakRef's target is kept until the current job ends: collect in a later one.
    await new Promise((resolve) => setImmediate(resolve));
    gc();
    assert.equal(ref.deref(), undefined, 'the object nobody holds was collected');
  });
});
