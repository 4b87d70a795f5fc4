import type { Consumer, EachBatchPayload, Kafka, Producer } from 'kafkajs';
import { onDispose } from '../../engine/resources';
import type { Delivery, IncomingMessage, KafkaBus } from './kafka-bus';

/** The KafkaBus on kafkajs 2.2. The only file that imports kafkajs. */
const buses = new Map<string, Promise<KafkaBus>>();

/** Fails fast when no broker answers, rather than kafkajs's default of minutes of retries. */
const CLIENT = { connectionTimeout: 3000, requestTimeout: 10_000, retry: { retries: 3, initialRetryTime: 200, maxRetryTime: 2000 } };

const text = (v: Buffer | string | null | undefined): string | null => (v === null || v === undefined ? null : v.toString());

function race<T>(work: Promise<T>, signal: AbortSignal, onAbort: () => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const abort = () => {
      onAbort();
      reject(signal.reason);
    };
    if (signal.aborted) return abort();
    signal.addEventListener('abort', abort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', abort));
  });
}

let patched = false;

/**
 * An idempotent producer asks for its producer id with InitProducerId, which Kafka serves on any
 * broker when there is no transaction; kafkajs insists on the controller the metadata names, and
 * fails when that id is not among the brokers listed (librdkafka's mock cluster reports 0; some
 * proxies hide the controller). Fall back to a listed broker there, and only there.
 */
async function patchControllerLookup(): Promise<void> {
  if (patched) return;
  patched = true;
  const { default: Cluster } = await import('kafkajs/src/cluster/index.js');
  const original = Cluster.prototype.findControllerBroker;
  Cluster.prototype.findControllerBroker = async function (this: ClusterInternals) {
    try {
      return await original.call(this);
    } catch (err) {
      const listed = this.brokerPool?.metadata?.brokers ?? [];
      if ((err as Error).name !== 'KafkaJSBrokerNotFound' || !listed.length) throw err;
      return this.findBroker({ nodeId: listed[0]!.nodeId });
    }
  };
}

interface ClusterInternals {
  brokerPool?: { metadata?: { brokers?: { nodeId: number }[] } };
  findBroker(q: { nodeId: number }): Promise<unknown>;
}

async function create(brokers: string[]): Promise<KafkaBus> {
  await patchControllerLookup();
  const { Kafka: Client, logLevel, Partitioners } = await import('kafkajs');
  const kafka: Kafka = new Client({ clientId: 'kailash-workflows', brokers, logLevel: logLevel.NOTHING, ...CLIENT });
  /** Producers stay connected across runs; the idempotent one keeps its producer id and sequence numbers. */
  const producers = new Map<boolean, Promise<Producer>>();
  const readers = new Map<string, GroupReader>();
  const producer = (idempotent: boolean): Promise<Producer> => {
    let p = producers.get(idempotent);
    if (!p) {
      const made = kafka.producer({
        idempotent,
        // Kafka guarantees ordering with idempotence only up to 5 in flight; kafkajs requires 1.
        ...(idempotent ? { maxInFlightRequests: 1 } : {}),
        createPartitioner: Partitioners.DefaultPartitioner,
      });
      p = made.connect().then(() => made);
      producers.set(idempotent, p);
      p.catch(() => producers.delete(idempotent));
    }
    return p;
  };
  onDispose(async () => {
    buses.delete(brokers.join(','));
    await Promise.allSettled([...producers.values()].map(async (p) => (await p).disconnect()));
  });

  return {
    async produce(topic, messages, { acks, idempotent }, signal): Promise<Delivery[]> {
      const p = await race(producer(idempotent), signal, () => undefined);
      const meta = await race(p.send({ topic, acks, messages }), signal, () => undefined);
      return meta.map((m) => ({ partition: m.partition, offset: Number(m.baseOffset ?? m.offset ?? -1) }));
    },

    consume(topic, groupId, options, signal) {
      const key = JSON.stringify([groupId, topic, options.fromBeginning]);
      let reader = readers.get(key);
      if (!reader) {
        reader = new GroupReader(kafka, topic, groupId, options.fromBeginning, () => readers.delete(key));
        readers.set(key, reader);
      }
      return reader.read(options.max, options.timeoutMs, signal);
    },
  };
}

/** How often a consumer holding a batch between runs heartbeats, to stay in its group. */
const HEARTBEAT_MS = 1000;

interface Request {
  max: number;
  taken: IncomingMessage[];
  /** Next offset to commit per partition: only messages handed back count as consumed. */
  next: Map<number, string>;
  done(err?: unknown): void;
}

/**
 * A consumer that stays in its group across runs: joining costs seconds (the broker's initial
 * rebalance delay), so each run only borrows it. Messages flow to the run that asks, up to its
 * `max`; the rest of a fetched batch is held unacknowledged for the next run. Only the offsets of
 * messages returned are committed, so nothing a run did not see is skipped.
 */
class GroupReader {
  private readonly consumer: Consumer;
  private active: Request | undefined;
  private wake: () => void = () => undefined;
  private turn: Promise<unknown> = Promise.resolve();
  private failed: unknown;

  constructor(
    kafka: Kafka,
    private readonly topic: string,
    groupId: string,
    fromBeginning: boolean,
    forget: () => void,
  ) {
    const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 250, sessionTimeout: 10_000, retry: CLIENT.retry });
    this.consumer = consumer;
    consumer.on(consumer.events.CRASH, (e) => {
      this.failed = e.payload.error;
      forget();
      this.active?.done(e.payload.error);
    });
    const started = (async () => {
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning });
      await consumer.run({ autoCommit: false, eachBatchAutoResolve: false, eachBatch: (p) => this.onBatch(p) });
    })();
    started.catch((err) => {
      this.failed = err;
      forget();
      this.active?.done(err);
    });
    onDispose(async () => {
      forget();
      await consumer.disconnect().catch(() => undefined);
    });
  }

  private async onBatch({ batch, resolveOffset, heartbeat, isRunning, isStale }: EachBatchPayload): Promise<void> {
    for (const m of batch.messages) {
      let req: Request | undefined;
      while (!(req = this.active) || req.taken.length >= req.max) {
        if (!isRunning() || isStale()) return;
        await new Promise<void>((r) => {
          const t = setTimeout(r, HEARTBEAT_MS);
          this.wake = () => (clearTimeout(t), r());
        });
        await heartbeat();
      }
      if (!isRunning() || isStale()) return;
      req.taken.push({
        topic: batch.topic,
        partition: batch.partition,
        offset: Number(m.offset),
        key: text(m.key),
        value: text(m.value),
        headers: Object.fromEntries(Object.entries(m.headers ?? {}).map(([k, v]) => [k, text(Array.isArray(v) ? v[0] : v) ?? ''])),
        timestamp: Number(m.timestamp),
      });
      req.next.set(batch.partition, (BigInt(m.offset) + 1n).toString());
      resolveOffset(m.offset);
      if (req.taken.length >= req.max) req.done();
    }
  }

  read(max: number, timeoutMs: number, signal: AbortSignal): Promise<IncomingMessage[]> {
    const mine = this.turn.then(() => this.readNow(max, timeoutMs, signal));
    this.turn = mine.catch(() => undefined);
    return mine;
  }

  private async readNow(max: number, timeoutMs: number, signal: AbortSignal): Promise<IncomingMessage[]> {
    if (this.failed) throw this.failed;
    signal.throwIfAborted();
    let settle!: (err?: unknown) => void;
    const finished = new Promise<void>((resolve, reject) => (settle = (err) => (err ? reject(err) : resolve())));
    const req: Request = { max, taken: [], next: new Map(), done: (err) => settle(err) };
    const timer = setTimeout(() => req.done(), timeoutMs);
    const onAbort = () => req.done(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    this.active = req;
    this.wake();
    try {
      await finished;
    } finally {
      this.active = undefined;
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
    }
    if (req.next.size)
      await this.consumer.commitOffsets([...req.next].map(([partition, offset]) => ({ topic: this.topic, partition, offset })));
    return req.taken;
  }
}

export function kafkaJsBus(brokers: string[]): Promise<KafkaBus> {
  const key = brokers.join(',');
  let bus = buses.get(key);
  if (!bus) {
    bus = create(brokers);
    buses.set(key, bus);
    bus.catch(() => buses.delete(key));
  }
  return bus;
}
