/** `[start, end)` offsets into the document text (UTF-16 code units, as LSP counts them). */
export type Span = readonly [number, number];
