import { rmSync } from 'node:fs';
import { stopKafkaCluster } from '../../tools/kafka/kafkaCluster';
import { kafkaBootstrapFile, kafkaClusterDir, type Profile } from './localPaths';

/**
 * `npm run services:stop`: stops this checkout's Kafka nodes (the dev profile's and the tests'), by the
 * pids in their state files; their storage stays for the next start. Redis and RabbitMQ are machine
 * services and stay up.
 */
async function main(): Promise<void> {
  for (const profile of ['dev', 'test'] as const satisfies readonly Profile[]) {
    const stopped = await stopKafkaCluster(kafkaClusterDir(profile));
    rmSync(kafkaBootstrapFile(profile), { force: true });
    if (stopped > 0) console.log(`[services] stopped the ${profile} profile's Kafka (${stopped} node${stopped === 1 ? '' : 's'})`);
  }
}

main().catch((error: unknown) => {
  console.error(`[services] ${(error as Error).message}`);
  process.exit(1);
});
