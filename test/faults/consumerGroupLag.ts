import { Kafka, logLevel } from 'kafkajs';
import { consumerLag } from '../../local/replay/consumerLag';
import { consumerGroupOf } from '../../local/wiring/renderServerlessConfig';
import { FUNCTIONS } from '../../shared/routes/manifest';

/**
 * Which of the runtime's MSK mappings still have records to commit, as "function/topic lag": when the
 * checks find the system stuck, this names the consumers that stopped.
 */
export async function laggingMappings(brokers: string[], groupSuffix: string): Promise<string[]> {
  const admin = new Kafka({ clientId: 'triplane-faults-lag', brokers, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  const lagging: string[] = [];
  try {
    for (const fn of FUNCTIONS) {
      // One group at a time: kafkajs' admin fails on many concurrent offset fetches.
      for (const topic of fn.kafka?.topics ?? []) {
        const { total } = await consumerLag(admin, `${consumerGroupOf(fn, topic)}${groupSuffix}`, topic);
        if (total > 0) lagging.push(`${fn.name}/${topic} ${total}`);
      }
    }
  } finally {
    await admin.disconnect();
  }
  return lagging;
}
