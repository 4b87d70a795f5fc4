// A small DAP client for tests: drives a debug adapter in-process through the interface VS Code
// uses for inline adapters (handleMessage / onDidSendMessage), with serialized copies of messages.
import type { DebugProtocol } from '@vscode/debugprotocol';

interface InlineAdapter {
  handleMessage(m: DebugProtocol.ProtocolMessage): void;
  // The adapter library types its messages loosely; what arrives are protocol messages.
  onDidSendMessage(listener: (m: object) => void): unknown;
}

type Waiter = { match: (e: DebugProtocol.Event) => boolean; resolve: (e: DebugProtocol.Event) => void };

export class DapClient {
  private seq = 1;
  private readonly pending = new Map<number, (r: DebugProtocol.Response) => void>();
  /** Events not yet taken by `event()`, in arrival order. */
  private readonly queue: DebugProtocol.Event[] = [];
  private readonly waiters: Waiter[] = [];
  /** Every Debug Console line so far. */
  output = '';
  /** Every message the adapter sent, as JSON text. */
  readonly sent: string[] = [];

  constructor(private readonly adapter: InlineAdapter) {
    adapter.onDidSendMessage((m) => this.receive(m as DebugProtocol.ProtocolMessage));
  }

  private receive(m: DebugProtocol.ProtocolMessage): void {
    // A copy: what a real client gets is serialized, never the adapter's own objects.
    const text = JSON.stringify(m);
    this.sent.push(text);
    const msg = JSON.parse(text) as DebugProtocol.ProtocolMessage;
    if (msg.type === 'response') {
      const r = msg as DebugProtocol.Response;
      this.pending.get(r.request_seq)?.(r);
      this.pending.delete(r.request_seq);
      return;
    }
    if (msg.type !== 'event') return;
    const e = msg as DebugProtocol.Event;
    if (e.event === 'output') this.output += (e as DebugProtocol.OutputEvent).body.output;
    const i = this.waiters.findIndex((w) => w.match(e));
    if (i >= 0) this.waiters.splice(i, 1)[0]!.resolve(e);
    else this.queue.push(e);
  }

  /** Sends a request; resolves with the response, rejects with its message when it fails. */
  request<R extends DebugProtocol.Response = DebugProtocol.Response>(command: string, args?: unknown): Promise<R> {
    const seq = this.seq++;
    return new Promise<R>((resolve, reject) => {
      this.pending.set(seq, (r) => (r.success ? resolve(r as R) : reject(new Error(r.message ?? `${command} failed`))));
      this.adapter.handleMessage({
        seq,
        type: 'request',
        command,
        ...(args === undefined ? {} : { arguments: args }),
      } as DebugProtocol.Request);
    });
  }

  /** The next event of this name (and matching `where`), already arrived or still to come. */
  event<E extends DebugProtocol.Event = DebugProtocol.Event>(name: string, where: (e: E) => boolean = () => true): Promise<E> {
    const match = (e: DebugProtocol.Event) => e.event === name && where(e as E);
    const i = this.queue.findIndex(match);
    if (i >= 0) return Promise.resolve(this.queue.splice(i, 1)[0] as E);
    return new Promise((resolve) => this.waiters.push({ match, resolve: resolve as (e: DebugProtocol.Event) => void }));
  }

  stopped(): Promise<DebugProtocol.StoppedEvent> {
    return this.event<DebugProtocol.StoppedEvent>('stopped');
  }

  /** The whole start of a session as VS Code performs it: initialize, launch, breakpoints, configurationDone. */
  async launch(args: Record<string, unknown>, breakpoints: { path: string; breakpoints: DebugProtocol.SourceBreakpoint[] }[] = []) {
    await this.request('initialize', { adapterID: 'kailash', linesStartAt1: true, columnsStartAt1: true, pathFormat: 'path' });
    const launched = this.request('launch', args);
    await this.event('initialized');
    const bound: DebugProtocol.Breakpoint[][] = [];
    for (const b of breakpoints) {
      const r = await this.request<DebugProtocol.SetBreakpointsResponse>('setBreakpoints', {
        source: { path: b.path },
        breakpoints: b.breakpoints,
      });
      bound.push(r.body.breakpoints);
    }
    await this.request('configurationDone');
    await launched;
    return bound;
  }

  async stack(): Promise<DebugProtocol.StackFrame[]> {
    return (await this.request<DebugProtocol.StackTraceResponse>('stackTrace', { threadId: 1 })).body.stackFrames;
  }

  /** The top frame's scopes by name, each as {name: value text}, and the scope references. */
  async scopes(frameId?: number): Promise<Record<string, { ref: number; vars: Record<string, string> }>> {
    const id = frameId ?? (await this.stack())[0]!.id;
    const { scopes } = (await this.request<DebugProtocol.ScopesResponse>('scopes', { frameId: id })).body;
    const out: Record<string, { ref: number; vars: Record<string, string> }> = {};
    for (const s of scopes) {
      const vars = (await this.request<DebugProtocol.VariablesResponse>('variables', { variablesReference: s.variablesReference })).body
        .variables;
      out[s.name] = { ref: s.variablesReference, vars: Object.fromEntries(vars.map((v) => [v.name, v.value])) };
    }
    return out;
  }

  async evaluate(expression: string, context = 'repl'): Promise<string> {
    return (await this.request<DebugProtocol.EvaluateResponse>('evaluate', { expression, context })).body.result;
  }
}
