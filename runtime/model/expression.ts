/**
 * The small Python-like expression language of `convergence_check` (`done == True`,
 * `abs(delta) < 0.01 and iteration >= 3`). Parsed and evaluated here, never `eval`ed: user text
 * can only compare, combine and call the few functions Kailash allows.
 */
import { pyCompare, pyEquals, pyIn } from '../values/compare';
import { numberOf } from '../values/json';
import { PyFloat, isDict, pyType } from '../values/py';

type Node =
  | { k: 'lit'; v: unknown }
  | { k: 'name'; name: string }
  | { k: 'list'; items: Node[] }
  | { k: 'un'; op: string; a: Node }
  | { k: 'bin'; op: string; a: Node; b: Node }
  | { k: 'cmp'; ops: string[]; items: Node[] }
  | { k: 'call'; fn: string; args: Node[] }
  | { k: 'index'; a: Node; i: Node };

export class ExpressionError extends Error {}

const TOKEN =
  /\s*(?:(\d+\.\d*|\.\d+|\d+)|([A-Za-z_][A-Za-z0-9_]*)|("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')|(\*\*|\/\/|==|!=|<=|>=|[-+*/%<>()[\],.]))/y;

function tokenize(src: string): string[] {
  const out: string[] = [];
  TOKEN.lastIndex = 0;
  let pos = 0;
  while (pos < src.length) {
    if (/^\s*$/.test(src.slice(pos))) break;
    TOKEN.lastIndex = pos;
    const m = TOKEN.exec(src);
    if (!m) throw new ExpressionError(`unexpected character '${src.slice(pos).trim()[0]}' at ${pos}`);
    out.push(m[0].trim());
    pos = TOKEN.lastIndex;
  }
  return out;
}

const CMP = new Set(['==', '!=', '<', '<=', '>', '>=', 'in', 'not in', 'is', 'is not']);

class Parser {
  private i = 0;
  constructor(private readonly t: string[]) {}

  parse(): Node {
    const n = this.or();
    if (this.i < this.t.length) throw new ExpressionError(`unexpected '${this.t[this.i]}'`);
    return n;
  }
  private peek(): string | undefined {
    return this.t[this.i];
  }
  private eat(tok: string): boolean {
    if (this.t[this.i] === tok) {
      this.i++;
      return true;
    }
    return false;
  }
  private expect(tok: string): void {
    if (!this.eat(tok)) throw new ExpressionError(`expected '${tok}'${this.peek() ? ` but found '${this.peek()}'` : ' at the end'}`);
  }
  private or(): Node {
    let a = this.and();
    while (this.eat('or')) a = { k: 'bin', op: 'or', a, b: this.and() };
    return a;
  }
  private and(): Node {
    let a = this.not();
    while (this.eat('and')) a = { k: 'bin', op: 'and', a, b: this.not() };
    return a;
  }
  private not(): Node {
    if (this.eat('not')) return { k: 'un', op: 'not', a: this.not() };
    return this.comparison();
  }
  private comparison(): Node {
    const items = [this.sum()];
    const ops: string[] = [];
    for (;;) {
      let op = this.peek();
      if (op === 'not' && this.t[this.i + 1] === 'in') {
        this.i += 2;
        op = 'not in';
      } else if (op === 'is' && this.t[this.i + 1] === 'not') {
        this.i += 2;
        op = 'is not';
      } else if (op && CMP.has(op)) this.i++;
      else break;
      ops.push(op);
      items.push(this.sum());
    }
    return ops.length ? { k: 'cmp', ops, items } : items[0]!;
  }
  private sum(): Node {
    let a = this.term();
    for (let op = this.peek(); op === '+' || op === '-'; op = this.peek()) {
      this.i++;
      a = { k: 'bin', op, a, b: this.term() };
    }
    return a;
  }
  private term(): Node {
    let a = this.unary();
    for (let op = this.peek(); op === '*' || op === '/' || op === '//' || op === '%'; op = this.peek()) {
      this.i++;
      a = { k: 'bin', op, a, b: this.unary() };
    }
    return a;
  }
  private unary(): Node {
    if (this.eat('-')) return { k: 'un', op: '-', a: this.unary() };
    if (this.eat('+')) return this.unary();
    return this.power();
  }
  private power(): Node {
    const a = this.postfix();
    if (this.eat('**')) return { k: 'bin', op: '**', a, b: this.unary() };
    return a;
  }
  private postfix(): Node {
    let a = this.atom();
    for (;;) {
      if (this.eat('[')) {
        a = { k: 'index', a, i: this.or() };
        this.expect(']');
      } else if (this.peek() === '.') {
        throw new ExpressionError("attribute access is not supported: write x['key']");
      } else if (this.peek() === '(' && a.k === 'name') {
        this.i++;
        const args: Node[] = [];
        if (!this.eat(')')) {
          do args.push(this.or());
          while (this.eat(','));
          this.expect(')');
        }
        a = { k: 'call', fn: a.name, args };
      } else return a;
    }
  }
  private atom(): Node {
    const tok = this.t[this.i++];
    if (tok === undefined) throw new ExpressionError('unexpected end of expression');
    if (tok === '(') {
      const n = this.or();
      this.expect(')');
      return n;
    }
    if (tok === '[') {
      const items: Node[] = [];
      if (!this.eat(']')) {
        do items.push(this.or());
        while (this.eat(','));
        this.expect(']');
      }
      return { k: 'list', items };
    }
    if (/^[\d.]/.test(tok)) return { k: 'lit', v: numberOf(tok, tok.includes('.')) };
    if (tok[0] === '"' || tok[0] === "'")
      return { k: 'lit', v: JSON.parse(`"${tok.slice(1, -1).replace(/\\'/g, "'").replace(/"/g, '\\"')}"`) };
    if (tok === 'True') return { k: 'lit', v: true };
    if (tok === 'False') return { k: 'lit', v: false };
    if (tok === 'None') return { k: 'lit', v: null };
    if (/^[A-Za-z_]/.test(tok)) {
      if (['import', 'lambda', 'exec', 'eval'].includes(tok) || tok.startsWith('__')) throw new ExpressionError(`'${tok}' is not allowed`);
      return { k: 'name', name: tok };
    }
    throw new ExpressionError(`unexpected '${tok}'`);
  }
}

/** Parses an expression; throws ExpressionError with a readable reason. */
export function parseExpression(src: string): Node {
  return new Parser(tokenize(src)).parse();
}

const FUNCTIONS: Record<string, (...args: unknown[]) => unknown> = {
  abs: (x) => Math.abs(num(x)),
  min: (...xs) => Math.min(...spread(xs).map(num)),
  max: (...xs) => Math.max(...spread(xs).map(num)),
  sum: (xs) => (xs as unknown[]).reduce((a: number, b) => a + num(b), 0),
  len: (x) =>
    typeof x === 'string' || Array.isArray(x)
      ? x.length
      : x && typeof x === 'object'
        ? Object.keys(x).length
        : fail('len() of a non-collection'),
  all: (xs) => (xs as unknown[]).every(truthy),
  any: (xs) => (xs as unknown[]).some(truthy),
};

function spread(xs: unknown[]): unknown[] {
  return xs.length === 1 && Array.isArray(xs[0]) ? xs[0] : xs;
}
function fail(msg: string): never {
  throw new ExpressionError(msg);
}
/** A number for arithmetic (a big int rounds to a double here; comparisons stay exact). */
function num(x: unknown): number {
  if (typeof x === 'boolean') return Number(x);
  if (x instanceof PyFloat) return x.value;
  if (typeof x === 'bigint') return Number(x);
  if (typeof x !== 'number') fail(`expected a number, got ${pyType(x)}`);
  return x as number;
}
export function truthy(v: unknown): boolean {
  if (v instanceof PyFloat) return v.value !== 0;
  if (Array.isArray(v)) return v.length > 0;
  if (v && typeof v === 'object') return Object.keys(v).length > 0;
  return Boolean(v);
}
const eq = pyEquals;

export function evaluateExpression(node: Node, scope: Record<string, unknown>): unknown {
  const ev = (n: Node): unknown => evaluateExpression(n, scope);
  switch (node.k) {
    case 'lit':
      return node.v;
    case 'name':
      if (!Object.prototype.hasOwnProperty.call(scope, node.name)) fail(`name '${node.name}' is not defined`);
      return scope[node.name];
    case 'list':
      return node.items.map(ev);
    case 'un':
      return node.op === 'not' ? !truthy(ev(node.a)) : -num(ev(node.a));
    case 'bin': {
      if (node.op === 'and') {
        const a = ev(node.a);
        return truthy(a) ? ev(node.b) : a;
      }
      if (node.op === 'or') {
        const a = ev(node.a);
        return truthy(a) ? a : ev(node.b);
      }
      const a = ev(node.a);
      const b = ev(node.b);
      if (node.op === '+' && typeof a === 'string' && typeof b === 'string') return a + b;
      const x = num(a);
      const y = num(b);
      switch (node.op) {
        case '+':
          return x + y;
        case '-':
          return x - y;
        case '*':
          return x * y;
        case '/':
          return y === 0 ? fail('division by zero') : x / y;
        case '//':
          return y === 0 ? fail('division by zero') : Math.floor(x / y);
        case '%':
          return y === 0 ? fail('modulo by zero') : ((x % y) + y) % y;
        case '**':
          return x ** y;
      }
      return fail(`unknown operator ${node.op}`);
    }
    case 'cmp': {
      let left = ev(node.items[0]!);
      for (let i = 0; i < node.ops.length; i++) {
        const right = ev(node.items[i + 1]!);
        if (!compare(node.ops[i]!, left, right)) return false;
        left = right;
      }
      return true;
    }
    case 'call': {
      const fn = FUNCTIONS[node.fn];
      if (!fn) fail(`function '${node.fn}' is not allowed (only ${Object.keys(FUNCTIONS).join(', ')})`);
      return fn(...node.args.map(ev));
    }
    case 'index': {
      const a = ev(node.a);
      const i = ev(node.i);
      if (Array.isArray(a) && typeof i === 'number' && Number.isInteger(i))
        return a[i < 0 ? a.length + i : i] ?? fail('list index out of range');
      if (a && typeof a === 'object' && typeof i === 'string') {
        if (!(i in a)) fail(`key '${i}' not found`);
        return (a as Record<string, unknown>)[i];
      }
      return fail('cannot index this value');
    }
  }
}

function compare(op: string, a: unknown, b: unknown): boolean {
  switch (op) {
    case '==':
      return eq(a, b);
    case '!=':
      return !eq(a, b);
    case 'is':
      return a === b || (a === null && b === null);
    case 'is not':
      return !(a === b || (a === null && b === null));
    case 'in':
    case 'not in': {
      let r: boolean;
      if (Array.isArray(b)) r = b.some((x) => eq(a, x));
      else if (typeof b === 'string' && typeof a === 'string') r = b.includes(a);
      else if (isDict(b)) r = pyIn(a, b) === true;
      else return fail("argument of 'in' is not a collection");
      return op === 'in' ? r : !r;
    }
  }
  if (a === null || b === null || a === undefined || b === undefined) fail(`'${op}' not supported with None`);
  const c = pyCompare(a, b);
  if (c === undefined) fail(`'${op}' not supported between ${pyType(a)} and ${pyType(b)}`);
  return op === '<' ? c! < 0 : op === '<=' ? c! <= 0 : op === '>' ? c! > 0 : c! >= 0;
}
