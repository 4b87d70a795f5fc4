/** Larger files are refused before parsing: the editor must stay responsive. */
export const MAX_FILE_BYTES = 8 * 1024 * 1024;
/** Nodes an alias may expand to in total, against "billion laughs" documents. */
export const MAX_ALIAS_EXPANSION = 20_000;
/** Deeper values are cut off with a diagnostic (by both YAML readers: the fast one falls back). */
export const MAX_DEPTH = 64;
