import { join } from 'node:path';
import { localConfig } from '../config/localConfig';

/** The project root, wherever the code runs from (tsx, jest or a bundle two folders down). */
export const PROJECT_ROOT = join(__dirname, '..', '..');

/** Local state that must never be committed: daemon state, logs, the local archive. */
export const STATE_DIR = join(PROJECT_ROOT, '.triplane');

/**
 * The tests get a Kafka of their own (TRIPLANE_PROFILE=test), so events they post never show up in the
 * topics a running `npm start` consumes, and a test run can start it from empty storage without touching
 * what the dev system keeps.
 */
export type Profile = 'dev' | 'test';
export const profileFromEnv = (): Profile => localConfig().TRIPLANE_PROFILE;
/** Where everything else finds the profile's bootstrap servers: `{ "bootstrap": "host:port,..." }`. */
export const kafkaBootstrapFile = (profile: Profile = profileFromEnv()): string => join(STATE_DIR, profile === 'test' ? 'kafka-test.json' : 'kafka.json');
/** The profile's local Kafka cluster: its state file, each node's config, storage and logs (tools/kafka/kafkaCluster.ts). */
export const kafkaClusterDir = (profile: Profile = profileFromEnv()): string => join(STATE_DIR, profile === 'test' ? 'kafka-test' : 'kafka-dev');

/** The RabbitMQ virtual host of each profile: the tests' queues never hold a running system's messages. */
export const rabbitMqVhost = (profile: Profile = profileFromEnv()): string => (profile === 'test' ? 'triplane-test' : '/');

export const localRabbitMqUrl = (profile: Profile = profileFromEnv()): string =>
  profile === 'test' ? `amqp://guest:guest@127.0.0.1:5672/${encodeURIComponent(rabbitMqVhost(profile))}` : 'amqp://guest:guest@127.0.0.1:5672';

/** The local audit archive (the S3 bucket's stand-in), one per profile. */
export const archiveDir = (profile: Profile = profileFromEnv()): string => join(STATE_DIR, profile === 'test' ? 'archive-test' : 'archive');
