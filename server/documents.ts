import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Diagnostic } from '../runtime/diagnostics';
import { commonEnds, IncrementalParser } from '../runtime/model/incremental';
import { formatOf } from '../runtime/model/json';
import { LineIndex } from '../runtime/model/lines';
import { IncrementalValidator } from '../runtime/validate/incremental';
import type { ValidateOptions } from '../runtime/validate';
import type { FileExists } from '../runtime/validate/context';
import { missingFiles } from '../runtime/validate/files';
import type { FeatureDoc } from './features/types';

/**
 * One open document: its incremental parser and validator, and the analysis of its latest
 * version. The parser moves unchanged pieces in place, so only the latest version's model is
 * valid; everything here is computed for, and cached by, the document's current version.
 */
export class DocumentState {
  private readonly parser = new IncrementalParser();
  private validator: IncrementalValidator;
  private current?: { version: number; doc: FeatureDoc; diagnostics?: Diagnostic[]; files?: Diagnostic[]; all?: Diagnostic[] };
  /** How long the last parse and validation took (ms): the debounce scales with it. */
  lastCost = 0;

  constructor(
    readonly uri: string,
    options: ValidateOptions,
    /** The disk as seen from this document's folder (`missing-file`), when it has one. */
    private readonly disk?: () => FileExists | undefined,
  ) {
    this.validator = new IncrementalValidator(options);
  }

  setOptions(options: ValidateOptions): void {
    this.validator = new IncrementalValidator(options);
    if (this.current) delete this.current.diagnostics;
    this.filesChanged();
  }

  /** The parsed document at this version (parsing it if it is newer than the last). */
  analyze(text: TextDocument): FeatureDoc {
    if (this.current?.version === text.version) return this.current.doc;
    const source = text.getText();
    const model = this.parser.parse(source, formatOf(this.uri));
    const prev = this.current?.doc.lines;
    // The server's documents keep the index of their current text (text-document.ts): it is used
    // as is. Other documents (tests) get one carried over from the last version.
    const given = (text as { lines?: LineIndex }).lines;
    let lines: LineIndex;
    if (given?.text === source) lines = given;
    else if (prev) {
      const { prefix, suffix } = commonEnds(prev.text, source);
      lines = LineIndex.edited(prev, source, prefix, suffix);
    } else lines = new LineIndex(source);
    const doc: FeatureDoc = { uri: this.uri, text: source, model, lines };
    this.current = { version: text.version, doc };
    return doc;
  }

  /**
   * The diagnostics of this version (validating it once). `missing-file` is checked apart from
   * the incremental validator, whose cache knows only the text: it is re-checked when the disk
   * changes (`filesChanged`) without re-validating anything else.
   */
  diagnose(text: TextDocument): { doc: FeatureDoc; diagnostics: Diagnostic[] } {
    const doc = this.analyze(text);
    const current = this.current!;
    if (!current.diagnostics || !current.files) {
      current.diagnostics ??= this.validator.validate(doc.model, doc.lines);
      const exists = this.disk?.();
      current.files = exists ? missingFiles(doc.model, exists, doc.lines) : [];
      current.all = current.files.length
        ? current.diagnostics.concat(current.files).sort((a, b) => a.span[0] - b.span[0] || a.span[1] - b.span[1])
        : current.diagnostics;
    }
    doc.diagnostics = current.all!;
    return { doc, diagnostics: current.all! };
  }

  /** Files under this document's folder appeared or went: `missing-file` is checked again. */
  filesChanged(): void {
    if (this.current) delete this.current.files;
  }

  /** Whether the cached analysis is for this version. */
  isCurrent(version: number): boolean {
    return this.current?.version === version;
  }

  get stats() {
    return { parser: this.parser.stats, validator: this.validator.stats };
  }
}
