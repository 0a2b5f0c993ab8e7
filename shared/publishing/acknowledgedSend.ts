import type { Message, Producer, RecordMetadata, TopicMessages } from 'kafkajs';
import { partitionChosenFor } from '../clients/partitionChoices';

/** Sends of the messages still unacknowledged before giving up (the caller's retry, or the batch's, takes over). */
const MAX_SENDS = 4;

/**
 * The messages of `sent` whose partition has no acknowledgement in `acknowledged`.
 *
 * Why this exists: kafkajs 2.2.4 (sendMessages.js) keeps one response per broker across the retries
 * of a send. When a partition's leader moves to a broker that already answered an earlier attempt for
 * other partitions, the retry sends nothing to it and send() resolves without that partition in its
 * result: those messages were never written (seen in the fault suite's leader-move runs, and with
 * kafkajs alone in test/faults/leaderMoveProducerProbe.ts). A resolved send is therefore only trusted
 * for the partitions it returns.
 */
export function unacknowledged(sent: readonly TopicMessages[], acknowledged: readonly RecordMetadata[]): TopicMessages[] {
  const answered = new Set(acknowledged.map((r) => `${r.topicName}\u0000${r.partition}`));
  const missing: TopicMessages[] = [];
  for (const { topic, messages } of sent) {
    const left = messages.filter((message: Message) => {
      const partition = partitionChosenFor(message);
      return partition === undefined || !answered.has(`${topic}\u0000${partition}`);
    });
    if (left.length > 0) missing.push({ topic, messages: left });
  }
  return missing;
}

/**
 * producer.sendBatch with acks=all that resolves only once Kafka acknowledged the partition of every
 * message, sending the unacknowledged ones again. A message sent twice is stored twice at worst, which
 * consumers absorb (idempotent per event id); one never stored would be lost after a 2xx.
 */
export async function acknowledgedSend(producer: Producer, topicMessages: TopicMessages[]): Promise<void> {
  let pending = topicMessages;
  for (let send = 1; ; send++) {
    pending = unacknowledged(pending, await producer.sendBatch({ acks: -1, topicMessages: pending }));
    if (pending.length === 0) return;
    if (send >= MAX_SENDS) {
      const count = pending.reduce((n, t) => n + t.messages.length, 0);
      throw new Error(`Kafka acknowledged no partition for ${count} records after ${send} sends`);
    }
  }
}
