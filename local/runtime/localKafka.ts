import { readKafkaMockState } from '../kafka-mock/kafkaMockControl';
import { kafkaMockStateFile } from '../services/localPaths';

export interface LocalKafka {
  brokers: string[];
  /** librdkafka's mock cluster: no idempotent producer (it reports controller id 0). */
  isMock: boolean;
}

/** Kafka for local runs: KAFKA_BROKERS when set (any real Kafka), else the mock daemon's bootstrap servers. */
export async function localKafka(env: NodeJS.ProcessEnv = process.env): Promise<LocalKafka> {
  const listed = env.KAFKA_BROKERS?.trim();
  if (listed) return { brokers: listed.split(','), isMock: false };
  const state = await readKafkaMockState(kafkaMockStateFile()).catch((cause: unknown) => {
    throw new Error(`no Kafka: KAFKA_BROKERS is not set and the mock daemon is not running (run: npx tsx local/services/ensureServices.ts)`, { cause });
  });
  return { brokers: state.bootstrap.split(','), isMock: true };
}
