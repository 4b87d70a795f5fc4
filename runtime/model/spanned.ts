import type { Span } from './span';
import type { PyFloat } from '../values/py';

// The model's values and keys keep their offsets as two number fields, not as a `[start, end]`
// tuple each: a tuple is a 64-byte array, and a 10,000-node file has some 300,000 values and
// keys. `span` (and an entry's `keySpan`) makes the tuple on first read and keeps it: whoever
// read it (a diagnostic, a node's `idSpan`) holds the same tuple, and `moveBy` (the incremental
// parser's move of an unchanged piece) moves it with the value. Hot paths read the fields.
// Compare models by their fields (`tuple` is there only once `span` was read).
//
// Fields are assigned in the constructors, in one order, without class-field initializers or a
// base class: these are made by the hundred thousand, mostly before V8 has optimised anything.
// `kind` is on each prototype, not a field: 8 bytes fewer on every value (1 MB at 10,000 nodes).

function moveTuple(s: [number, number] | undefined, delta: number): void {
  if (s) {
    s[0] += delta;
    s[1] += delta;
  }
}

function moveValue(v: { start: number; end: number; tuple: [number, number] | undefined }, delta: number): void {
  v.start += delta;
  v.end += delta;
  moveTuple(v.tuple, delta);
}

export class ScalarValue {
  declare readonly kind: 'scalar';
  declare start: number;
  declare end: number;
  declare value: string | number | boolean | null;
  /**
   * The number as Python reads it, where `value` cannot say: an int beyond 2^53 (a bigint) or a
   * float that is a whole number (`2.0`, a PyFloat). What a run gets (`toValue`); language
   * features read `value`. Only an `ExactScalar` (made by `scalarOf`) has one of its own: the
   * rest read `undefined` from the prototype, 8 bytes fewer each.
   */
  declare readonly exact: bigint | PyFloat | undefined;
  /** `span`'s tuple, once read (only `spanned.ts` touches it). */
  declare tuple: [number, number] | undefined;

  constructor(start: number, end: number, value: string | number | boolean | null) {
    this.start = start;
    this.end = end;
    this.value = value;
    this.tuple = undefined;
  }

  get span(): Span {
    return (this.tuple ??= [this.start, this.end]);
  }

  moveBy(delta: number): void {
    moveValue(this, delta);
  }
}

/** A number scalar whose `exact` says what `value` cannot (see `ScalarValue.exact`). */
export class ExactScalar extends ScalarValue {
  declare readonly exact: bigint | PyFloat;

  constructor(start: number, end: number, value: number, exact: bigint | PyFloat) {
    super(start, end, value);
    (this as { exact: bigint | PyFloat }).exact = exact;
  }
}

/** A scalar, with its exact number when it has one. */
export function scalarOf(
  start: number,
  end: number,
  value: string | number | boolean | null,
  exact: bigint | PyFloat | undefined,
): ScalarValue {
  return exact === undefined ? new ScalarValue(start, end, value) : new ExactScalar(start, end, value as number, exact);
}

export class MapValue {
  declare readonly kind: 'map';
  declare start: number;
  declare end: number;
  declare entries: Entry[];
  /** `span`'s tuple, once read (only `spanned.ts` touches it). */
  declare tuple: [number, number] | undefined;

  constructor(start: number, end: number, entries: Entry[]) {
    this.start = start;
    this.end = end;
    this.entries = entries;
    this.tuple = undefined;
  }

  get span(): Span {
    return (this.tuple ??= [this.start, this.end]);
  }

  moveBy(delta: number): void {
    moveValue(this, delta);
  }
}

export class SeqValue {
  declare readonly kind: 'seq';
  declare start: number;
  declare end: number;
  declare items: Value[];
  /** `span`'s tuple, once read (only `spanned.ts` touches it). */
  declare tuple: [number, number] | undefined;

  constructor(start: number, end: number, items: Value[]) {
    this.start = start;
    this.end = end;
    this.items = items;
    this.tuple = undefined;
  }

  get span(): Span {
    return (this.tuple ??= [this.start, this.end]);
  }

  moveBy(delta: number): void {
    moveValue(this, delta);
  }
}

export type Value = ScalarValue | MapValue | SeqValue;

/** A key and its value; `keyStart`/`keyEnd` (and `keySpan`, made on first read) are the key's. */
export class Entry {
  declare key: string;
  declare keyStart: number;
  declare keyEnd: number;
  declare value: Value;
  /** `span`'s tuple, once read (only `spanned.ts` touches it). */
  declare tuple: [number, number] | undefined;

  constructor(key: string, keyStart: number, keyEnd: number, value: Value) {
    this.key = key;
    this.keyStart = keyStart;
    this.keyEnd = keyEnd;
    this.value = value;
    this.tuple = undefined;
  }

  get keySpan(): Span {
    return (this.tuple ??= [this.keyStart, this.keyEnd]);
  }

  /** Moves the key (the value moves on its own). */
  moveBy(delta: number): void {
    this.keyStart += delta;
    this.keyEnd += delta;
    moveTuple(this.tuple, delta);
  }
}

// `kind` is the same for every value of a class: one property on the prototype (see the top).
Object.defineProperty(ScalarValue.prototype, 'kind', { value: 'scalar' });
// Writable, so that an ExactScalar's constructor can give itself its own.
Object.defineProperty(ScalarValue.prototype, 'exact', { value: undefined, writable: true });
Object.defineProperty(MapValue.prototype, 'kind', { value: 'map' });
Object.defineProperty(SeqValue.prototype, 'kind', { value: 'seq' });
