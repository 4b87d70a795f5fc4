/**
 * What the Kafka nodes need from a client. kafkajs (kafkajs.ts) implements it today; kafkajs is
 * unmaintained, so nothing else may import it: a maintained client replaces that one file.
 */
export interface KafkaBus {
  produce(
    topic: string,
    messages: OutgoingMessage[],
    options: { acks: number; idempotent: boolean },
    signal: AbortSignal,
  ): Promise<Delivery[]>;
  consume(
    topic: string,
    groupId: string,
    options: { max: number; timeoutMs: number; fromBeginning: boolean },
    signal: AbortSignal,
  ): Promise<IncomingMessage[]>;
}

export interface OutgoingMessage {
  key: string | null;
  value: string;
  headers: Record<string, string>;
}

export interface Delivery {
  partition: number;
  /** Offset of the first message written to that partition. */
  offset: number;
}

export interface IncomingMessage {
  topic: string;
  partition: number;
  offset: number;
  key: string | null;
  value: string | null;
  headers: Record<string, string>;
  timestamp: number;
}
