import type { Span } from './span';
import type { Entry, MapValue, ScalarValue } from './spanned';
import type { ConnectionModel, NodeModel, PolicyKey, Spanned } from './types';

// The model's nodes and connections. Their spans are read from the values they were read from
// when asked, as the values' own are (spanned.ts): an opened file whose nodes nobody points at
// makes no tuple for them (40,000 fewer at 10,000 nodes). Every field is set in the constructor,
// in one order, so all nodes share one object shape with their fields inside the object.

/** No policies: one frozen object shared by every node that has none. */
const NO_POLICIES: Partial<Record<PolicyKey, Entry>> = Object.freeze({});

export class NodeItem implements NodeModel {
  declare id: string;
  declare type: Spanned<string> | undefined;
  declare config: MapValue | undefined;
  declare configKey: 'config' | 'parameters' | undefined;
  declare configInvalid: boolean | undefined;
  declare policies: Partial<Record<PolicyKey, Entry>>;
  declare entry: MapValue;
  /** What the id was read from: the `id:` value (list form) or the node's key (map form). */
  declare idFrom: ScalarValue | Entry;

  constructor(id: string, idFrom: ScalarValue | Entry, entry: MapValue) {
    this.id = id;
    this.type = undefined;
    this.config = undefined;
    this.configKey = undefined;
    this.configInvalid = undefined;
    this.policies = NO_POLICIES;
    this.entry = entry;
    this.idFrom = idFrom;
  }

  get idSpan(): Span {
    const from = this.idFrom;
    return 'keySpan' in from ? from.keySpan : from.span;
  }

  get span(): Span {
    return this.entry.span;
  }

  /** Sets a policy, giving the node its own policies object on the first. */
  setPolicy(key: PolicyKey, entry: Entry): void {
    if (this.policies === NO_POLICIES) this.policies = {};
    this.policies[key] = entry;
  }
}

export class ConnectionItem implements ConnectionModel {
  declare index: number;
  declare form: 'full' | 'short';
  declare from: Spanned<string> | undefined;
  declare to: Spanned<string> | undefined;
  declare fromOutput: Spanned<string> & { implicit?: boolean };
  declare toInput: Spanned<string> & { implicit?: boolean };
  declare cycle: boolean;
  declare maxIterations: Spanned<unknown> | undefined;
  declare convergenceCheck: Spanned<unknown> | undefined;
  declare entry: MapValue;

  constructor(
    index: number,
    form: 'full' | 'short',
    from: Spanned<string> | undefined,
    to: Spanned<string> | undefined,
    fromOutput: Spanned<string> & { implicit?: boolean },
    toInput: Spanned<string> & { implicit?: boolean },
    cycle: boolean,
    entry: MapValue,
  ) {
    this.index = index;
    this.form = form;
    this.from = from;
    this.to = to;
    this.fromOutput = fromOutput;
    this.toInput = toInput;
    this.cycle = cycle;
    this.maxIterations = undefined;
    this.convergenceCheck = undefined;
    this.entry = entry;
  }

  get span(): Span {
    return this.entry.span;
  }
}
