import type { KafkaMockControl } from '../../local/kafka-mock/kafkaMockControl';
import { TOPICS } from '../../shared/routes/topics';

/** Kafka ApiKeys and error codes the mock's request-error injection uses. */
export const PRODUCE = 0;
export const FETCH = 1;
export const NOT_LEADER_OR_FOLLOWER = 6;
export const REQUEST_TIMED_OUT = 7;

/** Takes one broker down for `downMs` (its partitions have no leader meanwhile), then up again. */
export async function bounceBroker(control: KafkaMockControl, broker: number, downMs: number): Promise<void> {
  await control.brokerDown(broker);
  try {
    await new Promise((resolve) => setTimeout(resolve, downMs));
  } finally {
    await control.brokerUp(broker);
  }
}

/**
 * Moves the leader of every partition of the busiest topics one broker further (1 -> 2 -> 3 -> 1 by
 * partition), as a controller failover or a rebalance would: clients get NOT_LEADER and must refresh
 * metadata. Returns how many partitions moved.
 */
export async function moveLeaders(control: KafkaMockControl, brokers: number, shift: number, topics: readonly string[] = ['scores', 'activity', 'orders']): Promise<number> {
  let moved = 0;
  for (const topic of topics) {
    const partitions = (TOPICS as Record<string, { partitions: number } | undefined>)[topic]?.partitions ?? 0;
    for (let partition = 0; partition < partitions; partition++) {
      await control.moveLeader(topic, partition, ((partition + shift) % brokers) + 1);
      moved++;
    }
  }
  return moved;
}

/** REQUEST_TIMED_OUT on the next produce and fetch requests, whoever sends them, plus latency on one broker. */
export async function injectRequestFaults(control: KafkaMockControl, options: { produceErrors: number; fetchErrors: number; rttBroker: number; rttMs: number }): Promise<void> {
  await control.pushRequestErrors(PRODUCE, REQUEST_TIMED_OUT, options.produceErrors);
  await control.pushRequestErrors(FETCH, REQUEST_TIMED_OUT, options.fetchErrors);
  await control.setRtt(options.rttBroker, options.rttMs);
}

/** Undoes every Kafka fault: all brokers up, no queued request errors, no added latency. */
export async function healKafka(control: KafkaMockControl, brokers: number): Promise<void> {
  for (let broker = 1; broker <= brokers; broker++) {
    await control.brokerUp(broker);
    await control.setRtt(broker, 0);
  }
  await control.clearRequestErrors(PRODUCE);
  await control.clearRequestErrors(FETCH);
}
