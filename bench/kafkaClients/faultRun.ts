import { Kafka, logLevel } from 'kafkajs';
import { benchBatch, benchFields } from './benchRecords';
import type { BrokerProcesses } from './brokerProcesses';
import { errorText, type ClientCandidate } from './clientCandidate';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface FaultOutcome {
  killedNode: number;
  /** Records whose send resolved (the client said: acknowledged). */
  acknowledged: number;
  /** Acknowledged records not in the topic afterwards: lost after the client said they were written. */
  acknowledgedMissing: number;
  /** The same record of the same send attempt stored more than once: a duplicate the idempotent producer should have prevented. */
  producerDuplicates: number;
  /** Records stored twice because the caller sent them again after a failed send (consumers absorb these by event id). */
  callerRetryDuplicates: number;
  /** Sends that rejected (the caller retried them). */
  failedSends: number;
  /** Resolved sends whose result lacks a partition their records were stored in (kafkajs' silent partial send, acknowledgedSend.ts). */
  sendsMissingPartitions: number;
  /** Batches still unsent a minute after the run ended (the lane gave up on them). */
  batchesGivenUp: number;
  /** Longest time without any send resolving, after the kill. */
  stallMs: number;
  errors: string[];
}

/**
 * Produce with `lanes` concurrent sends of 100 records (acks=all, idempotent, RF 3, min ISR 2) while
 * the leader of partition 0 is killed with SIGKILL `killAfterMs` into the run and restarted
 * `restartAfterMs` in; a send that rejects is sent again, as the same records with the next attempt
 * number, as ingest's caller would after a 5xx. Afterwards the whole topic is read back with a plain
 * kafkajs consumer and every record accounted for by (seq, attempt).
 */
export async function faultRun(
  candidate: ClientCandidate,
  brokers: readonly string[],
  processes: BrokerProcesses,
  topic: string,
  run: string,
  timing: { seconds: number; killAfterMs: number; restartAfterMs: number; lanes: number },
): Promise<FaultOutcome> {
  await candidate.createTopic(brokers, topic, 12, 3);
  const leaders = await candidate.partitionLeaders(brokers, topic);
  const victim = leaders.get(0);
  if (victim === undefined) throw new Error(`no leader for ${topic}[0]`);
  const producer = await candidate.producer(brokers);
  const acknowledged = new Map<number, number>();
  const errors: string[] = [];
  let failedSends = 0;
  let batchesGivenUp = 0;
  const reported: Array<{ keys: string[]; partitions: ReadonlySet<number> }> = [];
  let killedAt = Number.NaN;
  let lastResolved = performance.now();
  let stallMs = 0;
  let nextSeq = 0;
  const started = performance.now();
  const deadline = started + timing.seconds * 1000;
  const fault = (async () => {
    await sleep(timing.killAfterMs);
    processes.kill(victim);
    killedAt = performance.now();
    await sleep(timing.restartAfterMs - timing.killAfterMs);
    await processes.restart(victim);
  })();
  await Promise.all(
    Array.from({ length: timing.lanes }, async () => {
      while (performance.now() < deadline) {
        const first = nextSeq;
        nextSeq += 100;
        for (let attempt = 0; ; attempt++) {
          const batch = benchBatch(run, first, 100, attempt);
          try {
            const partitions = await producer.send(topic, batch);
            const now = performance.now();
            if (now > killedAt) stallMs = Math.max(stallMs, now - Math.max(lastResolved, killedAt));
            lastResolved = Math.max(lastResolved, now);
            for (let i = 0; i < batch.length; i++) acknowledged.set(first + i, attempt);
            reported.push({ keys: batch.map((r) => r.key), partitions });
            break;
          } catch (error) {
            failedSends++;
            const text = errorText(error);
            if (errors.length < 8 && !errors.includes(text)) errors.push(text);
            // A client that cannot send for a minute after the run is wedged: its lane gives up, and the outcome says so.
            if (performance.now() > deadline + 60_000) {
              batchesGivenUp++;
              break;
            }
            await sleep(200);
          }
        }
      }
    }),
  );
  await fault;
  await producer.close();
  const { stored, partitionOf } = await readBack(brokers, topic);
  let sendsMissingPartitions = 0;
  for (const { keys, partitions } of reported) {
    // A key's partition is the one its stored records sit in (the same for every record of a key).
    if (
      keys.some((key) => {
        const partition = partitionOf.get(key);
        return partition !== undefined && !partitions.has(partition);
      })
    )
      sendsMissingPartitions++;
  }
  let acknowledgedMissing = 0;
  for (const [seq, attempt] of acknowledged) if ((stored.get(seq)?.get(attempt) ?? 0) === 0) acknowledgedMissing++;
  let producerDuplicates = 0;
  let callerRetryDuplicates = 0;
  for (const attempts of stored.values()) {
    for (const count of attempts.values()) producerDuplicates += count - 1;
    callerRetryDuplicates += attempts.size - 1;
  }
  return { killedNode: victim, acknowledged: acknowledged.size, acknowledgedMissing, producerDuplicates, callerRetryDuplicates, failedSends, batchesGivenUp, sendsMissingPartitions, stallMs, errors };
}

/** Every record of the topic once (by partition and offset), as seq -> attempt -> times stored, and the partition of each key; read to the high watermarks with a fresh group. */
async function readBack(brokers: readonly string[], topic: string): Promise<{ stored: Map<number, Map<number, number>>; partitionOf: Map<string, number> }> {
  const kafka = new Kafka({ clientId: 'clients-bench-readback', brokers: [...brokers], logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  const ends = await admin.fetchTopicOffsets(topic);
  await admin.disconnect();
  const total = ends.reduce((sum, p) => sum + Number(p.high) - Number(p.low), 0);
  const stored = new Map<number, Map<number, number>>();
  const partitionOf = new Map<string, number>();
  const consumer = kafka.consumer({ groupId: `clients-bench-readback-${topic}`, maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  let seen = 0;
  const offsetsSeen = new Set<string>();
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`read back ${seen} of ${total} records of ${topic}`)), 120_000);
    void consumer.run({
      eachBatch: ({ batch }) => {
        for (const message of batch.messages) {
          // The reader's own group may rebalance and deliver an offset again: each stored record counts once.
          const at = `${batch.partition}:${message.offset}`;
          if (offsetsSeen.has(at)) continue;
          offsetsSeen.add(at);
          seen++;
          const fields = benchFields(message.value?.toString() ?? '');
          if (fields === undefined) continue;
          const attempts = stored.get(fields.seq) ?? new Map<number, number>();
          attempts.set(fields.attempt, (attempts.get(fields.attempt) ?? 0) + 1);
          stored.set(fields.seq, attempts);
          partitionOf.set(message.key?.toString() ?? '', batch.partition);
        }
        if (seen >= total) {
          clearTimeout(timer);
          resolve();
        }
        return Promise.resolve();
      },
    });
  });
  await consumer.disconnect();
  return { stored, partitionOf };
}

/** Waits until every partition of `topic` has all three replicas in sync again, so the next run starts from a whole cluster. */
export async function waitForFullIsr(brokers: readonly string[], topic: string, timeoutMs = 120_000): Promise<void> {
  const kafka = new Kafka({ clientId: 'clients-bench-isr', brokers: [...brokers], logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  try {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
      if ((topics[0]?.partitions ?? []).every((p) => p.isr.length === 3)) return;
      if (Date.now() > deadline) throw new Error(`${topic}: replicas not back in sync after ${timeoutMs} ms`);
      await sleep(500);
    }
  } finally {
    await admin.disconnect();
  }
}
