import type { TextDocumentContentChangeEvent, TextDocumentsConfiguration } from 'vscode-languageserver';
import type { Position, Range, TextDocument } from 'vscode-languageserver-textdocument';
import { LineIndex } from '../runtime/model/lines';

/**
 * An open document as `vscode-languageserver-textdocument` keeps one, with the same positions and
 * the same edits (`test/unit/text-document.test.ts` compares the two on random edits), whose line
 * starts are the `LineIndex` the model reads. The library's document keeps a second list of line
 * starts as a plain array and splices it on every edit: at 10,000 nodes 75,000 numbers (0.6 MB)
 * and a copy of them per keystroke, beside our own index of the same text.
 */
export class WorkflowDocument implements TextDocument {
  private index: LineIndex | undefined;

  constructor(
    readonly uri: string,
    readonly languageId: string,
    public version: number,
    private content: string,
  ) {}

  /** The line index of the current text (made on first use; an edit derives the next from it). */
  get lines(): LineIndex {
    return (this.index ??= new LineIndex(this.content));
  }

  get lineCount(): number {
    return this.lines.lineCount;
  }

  getText(range?: Range): string {
    if (!range) return this.content;
    return this.content.substring(this.offsetAt(range.start), this.offsetAt(range.end));
  }

  /** As the library: clamped to the text, and never between a line's end and its break. */
  positionAt(offset: number): Position {
    const o = Math.max(0, Math.min(offset, this.content.length));
    const lines = this.lines;
    const line = lines.lineAt(o);
    const start = lines.lineStart(line);
    return { line, character: this.beforeBreak(o, start) - start };
  }

  /** As the library: a line past the end is the end, a character past its line the line's end. */
  offsetAt(position: Position): number {
    const lines = this.lines;
    if (position.line >= lines.lineCount) return this.content.length;
    if (position.line < 0) return 0;
    const start = lines.lineStart(position.line);
    if (position.character <= 0) return start;
    return this.beforeBreak(Math.min(start + position.character, this.lineEnd(position.line)), start);
  }

  /** A line's range without its break, as the library gives it (past the end: the last line). */
  getLineRange(line: number): Range {
    const lines = this.lines;
    if (line >= lines.lineCount) {
      const last = lines.lineCount - 1;
      return { start: { line: last, character: 0 }, end: { line: last, character: this.content.length - lines.lineStart(last) } };
    }
    if (line < 0) return { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
    const start = lines.lineStart(line);
    const end = this.beforeBreak(this.lineEnd(line), start);
    return { start: { line, character: 0 }, end: { line, character: end - start } };
  }

  /** The line's break characters (empty for the last line or one out of range). */
  getEOLCharacters(line: number): string {
    const lines = this.lines;
    if (line < 0 || line >= lines.lineCount) return '';
    const next = this.lineEnd(line);
    return this.content.substring(this.beforeBreak(next, lines.lineStart(line)), next);
  }

  /** Where the next line starts (the text's end for the last). */
  private lineEnd(line: number): number {
    const lines = this.lines;
    return line + 1 < lines.lineCount ? lines.lineStart(line + 1) : this.content.length;
  }

  /** Applies the client's changes in order, as the library does (a reversed range is turned round). */
  update(changes: readonly TextDocumentContentChangeEvent[], version: number): void {
    for (const change of changes) {
      if ('range' in change && change.range) {
        const { start, end } = wellFormed(change.range);
        const from = this.offsetAt(start);
        const to = this.offsetAt(end);
        const old = this.content;
        const text = old.substring(0, from) + change.text + old.substring(to);
        // The edit kept the text before `from` and after `to`: only that stretch's lines are rescanned.
        this.index = LineIndex.edited(this.lines, text, from, old.length - to);
        this.content = text;
      } else {
        this.content = change.text;
        this.index = undefined;
      }
    }
    this.version = version;
  }

  /** Moves `offset` back over line-break characters, down to `lineStart`. */
  private beforeBreak(offset: number, lineStart: number): number {
    let o = offset;
    while (o > lineStart && isBreak(this.content.charCodeAt(o - 1))) o--;
    return o;
  }
}

function isBreak(c: number): boolean {
  return c === 13 || c === 10;
}

function wellFormed(range: Range): Range {
  const { start, end } = range;
  return start.line > end.line || (start.line === end.line && start.character > end.character) ? { start: end, end: start } : range;
}

/** What `TextDocuments` makes and updates its documents with. */
export const WORKFLOW_DOCUMENTS: TextDocumentsConfiguration<WorkflowDocument> = {
  create: (uri, languageId, version, content) => new WorkflowDocument(uri, languageId, version, content),
  update: (document, changes, version) => {
    document.update(changes, version);
    return document;
  },
};
