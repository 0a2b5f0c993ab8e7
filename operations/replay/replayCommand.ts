import { Redis } from 'ioredis';
import { PROJECTIONS, type ProjectionName } from '../../shared/state/projectionKeys';
import { redisNamespace } from '../../shared/state/redisKeys';
import { localKafka } from '../../emulator/runtime/localKafka';
import { replayProjections } from './replayProjections';
import { localConfig, setEnvironmentDefaults } from '../../emulator/config/localConfig';

/** `npm run replay -- all | sessions | flags | leaderboards | activity | orders [...]`: rebuilds from Kafka while serving. */
async function main(): Promise<void> {
  const asked = process.argv.slice(2);
  const projections = (asked.length === 0 || asked.includes('all') ? [...PROJECTIONS] : asked) as ProjectionName[];
  const unknown = projections.filter((p) => !PROJECTIONS.includes(p));
  if (unknown.length > 0) throw new Error(`unknown projection ${unknown.join(', ')}; choose from all, ${PROJECTIONS.join(', ')}`);
  const kafka = await localKafka();
  // The projection handlers it runs find Kafka as the functions do.
  setEnvironmentDefaults({ KAFKA_BROKERS: kafka.brokers.join(',') });
  const redis = new Redis(localConfig().REDIS_URL);
  try {
    const results = await replayProjections({ projections, brokers: kafka.brokers, redis, namespace: redisNamespace() });
    for (const r of results) console.log(`${r.projection.padEnd(13)} generation ${r.from} -> ${r.to}: ${r.records} records in ${r.seconds.toFixed(1)} s`);
  } finally {
    await redis.quit();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(`replay: ${(error as Error).message}`);
    process.exit(1);
  },
);
