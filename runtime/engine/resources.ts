/**
 * Long-lived resources that nodes share across runs (connection pools, clients). A node module
 * registers how to close what it opened; `LocalRuntime.dispose()` (and the CLI on exit) closes
 * them all, so a process never hangs on an idle pool.
 */
type Disposer = () => Promise<void> | void;

const disposers = new Set<Disposer>();

export function onDispose(fn: Disposer): () => void {
  disposers.add(fn);
  return () => disposers.delete(fn);
}

export async function disposeAll(): Promise<void> {
  const all = [...disposers];
  disposers.clear();
  const results = await Promise.allSettled(all.map(async (fn) => fn()));
  const failed = results.filter((r) => r.status === 'rejected');
  if (failed.length)
    throw new AggregateError(
      failed.map((r) => (r as PromiseRejectedResult).reason),
      'Some resources failed to close',
    );
}
