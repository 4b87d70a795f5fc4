/**
 * Keys that come from users (config keys, node ids, `--param` names) must never reach an object's
 * prototype: read from a plain `{}`, `constructor` or `toString` find Object.prototype's members,
 * and written to one, `__proto__` replaces its prototype (or, through a shared object,
 * pollutes every object in the process).
 */

/** A lookup table keyed by user-chosen names: no prototype, so every key is only ever its own entry. */
export function table<T>(entries?: Readonly<Record<string, T>>): Record<string, T> {
  return Object.assign(Object.create(null) as Record<string, T>, entries);
}

/**
 * `o[key] = value` as an own, enumerable property whatever the key (`__proto__` included). Only
 * `__proto__` needs defining: Object.prototype's other members are writable data properties, so
 * assigning one (`constructor`, `toString`) makes an own property, and plain assignment is several
 * times cheaper (a define per key also gives each object of a run its own hidden-class chain).
 */
export function setOwn<T>(o: Record<string, T>, key: string, value: T): void {
  if (key === '__proto__') Object.defineProperty(o, key, { value, writable: true, enumerable: true, configurable: true });
  else o[key] = value;
}

/** `o[key]` only if `o` has it as its own property. */
export function own<T>(o: Readonly<Record<string, T>> | undefined, key: string): T | undefined {
  return o !== undefined && Object.prototype.hasOwnProperty.call(o, key) ? o[key] : undefined;
}
