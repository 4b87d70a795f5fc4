import { parseTree, printParseErrorCode, type Node as JsonNode, type ParseError } from 'jsonc-parser';
import type { Diagnostic } from '../diagnostics';
import { Entry, MapValue, ScalarValue, scalarOf, SeqValue, type Value } from './types';
import { exactNumber } from './numbers';

/** What each strict-JSON error means to someone writing the file. */
const MESSAGES: Record<string, string> = {
  InvalidSymbol: 'JSON: unexpected text here (strings and keys need double quotes; no comments).',
  InvalidNumberFormat: 'JSON: this is not a valid number.',
  PropertyNameExpected: 'JSON: a key in double quotes is expected here (JSON allows no trailing comma).',
  ValueExpected: 'JSON: a value is expected here (JSON allows no trailing comma).',
  ColonExpected: 'JSON: `:` is expected after the key.',
  CommaExpected: 'JSON: `,` is expected between entries.',
  CloseBraceExpected: 'JSON: `}` is expected to close the object.',
  CloseBracketExpected: 'JSON: `]` is expected to close the array.',
  EndOfFileExpected: 'JSON: nothing may follow the top-level value.',
  InvalidCommentToken: 'JSON: comments are not allowed in JSON.',
  UnexpectedEndOfComment: 'JSON: comments are not allowed in JSON.',
  UnexpectedEndOfString: 'JSON: the string is not closed.',
  UnexpectedEndOfNumber: 'JSON: the number is not complete.',
  InvalidUnicode: 'JSON: invalid \\u escape.',
  InvalidEscapeCharacter: 'JSON: invalid escape sequence.',
  InvalidCharacter: 'JSON: control characters must be escaped in strings.',
};

/**
 * Reads a `.workflow.json` file as strict JSON (no comments, single quotes, unquoted keys or
 * trailing commas: what `json.load` accepts) into the same values the YAML reader makes, with
 * spans (a string's span includes its quotes, as a quoted YAML scalar's does). Errors are
 * `yaml-syntax` diagnostics, the code every editor already knows for "the file does not parse".
 */
export function readJson(text: string, diagnostics: Diagnostic[]): Value | undefined {
  const errors: ParseError[] = [];
  const tree = parseTree(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: true });
  let last = -1;
  for (const e of errors) {
    // One mistake often yields two errors at one place (a trailing comma: no key, no value).
    if (e.offset === last) continue;
    last = e.offset;
    const name = printParseErrorCode(e.error);
    const start = Math.min(e.offset, text.length);
    diagnostics.push({
      code: 'yaml-syntax',
      severity: 'error',
      message: MESSAGES[name] ?? `JSON: ${name}.`,
      span: [start, Math.min(text.length, start + Math.max(e.length, 0))],
    });
  }
  return tree ? toValue(tree, text) : undefined;
}

function toValue(n: JsonNode, text: string): Value {
  const start = n.offset;
  const end = n.offset + n.length;
  switch (n.type) {
    case 'object': {
      const entries: Entry[] = [];
      for (const p of n.children ?? []) {
        const [key, value] = p.children ?? [];
        if (!key || key.type !== 'string') continue;
        const keyEnd = key.offset + key.length;
        entries.push(
          new Entry(String(key.value), key.offset, keyEnd, value ? toValue(value, text) : new ScalarValue(keyEnd, keyEnd, null)),
        );
      }
      return new MapValue(start, end, entries);
    }
    case 'array':
      return new SeqValue(
        start,
        end,
        (n.children ?? []).map((c) => toValue(c, text)),
      );
    case 'number':
      return scalarOf(start, end, n.value as number, exactNumber(text.slice(start, end), n.value as number));
    case 'string':
    case 'boolean':
      return new ScalarValue(start, end, n.value as string | number | boolean);
    default:
      return new ScalarValue(start, end, null);
  }
}

/** Which reader a file gets, by its name (`.json`: strict JSON; anything else: YAML). */
export function formatOf(name: string | undefined): 'yaml' | 'json' {
  return name && /\.json$/i.test(name.replace(/[?#].*$/, '')) ? 'json' : 'yaml';
}
