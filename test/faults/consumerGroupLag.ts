import { consumerLag } from '../../shared/kafka/consumerLag';
import { localKafkaClient } from '../../shared/kafka/kafkaClient';
import { FUNCTIONS, subscriptionsOf } from '../../shared/routes/functionCatalog';

/**
 * Which of the runtime's MSK mappings still have records to commit, as "function/topic lag": when the
 * checks find the system stuck, this names the consumers that stopped.
 */
export async function laggingMappings(brokers: string[], groupSuffix: string): Promise<string[]> {
  const admin = localKafkaClient(brokers, 'triplane-faults-lag').admin();
  try {
    const pairs = FUNCTIONS.flatMap((fn) => subscriptionsOf(fn).map((subscription) => ({ fn, ...subscription })));
    const lags = await Promise.all(
      pairs.map(async ({ fn, topic, consumerGroupId }) => ({ name: `${fn.name}/${topic}`, total: (await consumerLag(admin, `${consumerGroupId}${groupSuffix}`, topic)).total })),
    );
    return lags.filter((l) => l.total > 0).map((l) => `${l.name} ${l.total}`);
  } finally {
    await admin.close();
  }
}
