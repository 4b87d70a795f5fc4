import { detached } from '../util/detach';

/**
 * One copy of each short key and value (and a copy of each longer one, see `intern`): a reader makes a fresh string for every `type`, `id`
 * or `GET` it meets, and 10,000 nodes held about 200,000 of them (5 MB of a 10 MB string heap).
 * Bounded, so a file of unique strings cannot grow it without end. Shared by both YAML readers
 * (`parse.ts` over the `yaml` library, `fast-yaml.ts`), so their models hold the same strings.
 * It serves one read (`forgetInterned` after each): the model keeps the strings it shares, and
 * the table itself (about 1 MB at 10,000 nodes) is not kept beside it.
 */
const INTERNED = new Map<string, string>();
const INTERN_MAX_LENGTH = 40;
const INTERN_MAX_SIZE = 50_000;

export function intern(s: string): string {
  // Longer strings are not shared, but still copied: a value read from a whole text (a first
  // read's items, `incremental.ts`) must not keep that text alive.
  if (s.length > INTERN_MAX_LENGTH) return detached(s);
  const known = INTERNED.get(s);
  if (known !== undefined) return known;
  if (INTERNED.size >= INTERN_MAX_SIZE) INTERNED.clear();
  // A slice of the text would keep that version of the whole text alive as long as the table.
  const own = detached(s);
  INTERNED.set(own, own);
  return own;
}

/** Ends a read: the strings stay shared where the model holds them; the table is emptied. */
export function forgetInterned(): void {
  INTERNED.clear();
}
