import type { NodeRun } from '../../catalog/types';
import { BODY_JSON, jsonText } from '../../values/print';
import { parseJson } from '../../values/json';
import { NodeFailure } from '../../engine/errors';
import type { KafkaBus } from './kafka-bus';

export function brokersOf(v: unknown): string[] {
  const list = (Array.isArray(v) ? v : String(v ?? '').split(',')).map((b) => String(b).trim()).filter(Boolean);
  if (!list.length) throw new NodeFailure('NodeValidationError', 'bootstrap_servers names no broker.');
  for (const b of list)
    if (!/^[^:\s]+:\d+$/.test(b)) throw new NodeFailure('NodeValidationError', `bootstrap_servers entry '${b}' is not host:port.`);
  return list;
}

async function busFor(brokers: string[]): Promise<KafkaBus> {
  const { kafkaJsBus } = await import('./kafkajs');
  return kafkaJsBus(brokers);
}

function failure(err: unknown, action: string, brokers: string[]): NodeFailure {
  if (err instanceof NodeFailure) return err;
  const e = err as { name?: string; message?: string; retriable?: boolean };
  return new NodeFailure(
    'NodeExecutionError',
    `Kafka ${action} via ${brokers.join(',')} failed: ${e.message ?? String(err)}${e.name && e.name !== 'Error' ? ` (${e.name})` : ''}`,
    { retryable: e.retriable !== false },
  );
}

/** KafkaProducerNode (ours): one batch, acknowledged per `acks`. */
export const runKafkaProducer: NodeRun = async (i, ctx) => {
  const brokers = brokersOf(i.bootstrap_servers);
  const topic = String(i.topic);
  const acks = Number(i.acks ?? -1);
  const idempotent = i.idempotent !== false;
  if (idempotent && acks !== -1)
    throw new NodeFailure(
      'NodeValidationError',
      'An idempotent producer needs acks -1 (all in-sync replicas); set idempotent: false to use acks 0 or 1.',
    );
  const values = i.messages !== undefined && i.messages !== null ? (i.messages as unknown[]) : [i.message];
  if (!values.length) return { sent: true, topic, partition: null, offset: null, count: 0 };
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries((i.headers as Record<string, unknown> | undefined) ?? {}))
    headers[k] = typeof v === 'string' ? v : jsonText(v, BODY_JSON);
  const key = i.key === undefined || i.key === null ? null : String(i.key);
  const messages = values.map((v) => ({ key, headers, value: typeof v === 'string' ? v : jsonText(v ?? null, BODY_JSON) }));
  try {
    const bus = await busFor(brokers);
    const deliveries = await bus.produce(topic, messages, { acks, idempotent }, ctx.signal);
    const firstDelivery = deliveries[0];
    return {
      sent: true,
      topic,
      partition: firstDelivery?.partition ?? null,
      offset: firstDelivery?.offset ?? null,
      count: messages.length,
    };
  } catch (err) {
    if (ctx.signal.aborted) throw ctx.signal.reason;
    throw failure(err, `produce to '${topic}'`, brokers);
  }
};

function parseValue(v: string | null): unknown {
  if (v === null) return null;
  try {
    return parseJson(v);
  } catch {
    return v;
  }
}

/** KafkaConsumerNode (ours): up to `max_messages` within `timeout`; only what is returned is committed. */
export const runKafkaConsumer: NodeRun = async (i, ctx) => {
  const brokers = brokersOf(i.bootstrap_servers);
  const topic = String(i.topic);
  try {
    const bus = await busFor(brokers);
    const got = await bus.consume(
      topic,
      String(i.group_id),
      {
        max: Math.max(1, Number(i.max_messages ?? 10)),
        timeoutMs: Number(i.timeout ?? 5) * 1000,
        fromBeginning: i.from_beginning !== false,
      },
      ctx.signal,
    );
    const messages = got.map((m) => ({ ...m, value: parseValue(m.value) }));
    return { messages, count: messages.length };
  } catch (err) {
    if (ctx.signal.aborted) throw ctx.signal.reason;
    throw failure(err, `consume from '${topic}'`, brokers);
  }
};

export function kafkaTarget(i: Record<string, unknown>): string | undefined {
  try {
    return brokersOf(i.bootstrap_servers)[0];
  } catch {
    return undefined;
  }
}
