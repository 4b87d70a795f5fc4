/**
 * A copy of `s` that holds no reference to a larger string. V8 represents a slice of 13 or more
 * characters as a view into its parent, so a short value cut from a document's text keeps the
 * whole text alive; a model that outlives its version (pieces kept across edits, interned
 * strings) would keep one whole text per version. Concatenating forces a fresh flat string,
 * and the slice of it points into that copy alone.
 */
export function detached(s: string): string {
  return s.length < 13 ? s : ` ${s}`.slice(1);
}
