import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readKafkaBootstrap } from '../tools/kafka/kafkaBootstrap';
import { kafkaBootstrapFile } from '../emulator/services/localPaths';
import { localConfig, setEnvironment, setEnvironmentDefaults } from '../emulator/config/localConfig';
import { TEST_API_KEY } from './testApiKey';

/**
 * Runs before every test file: points handlers at the local services (the test profile's Kafka started
 * by `npm test`'s setup step) and a Redis namespace of their own, so tests never touch a running
 * system's keys. Set before any handler module loads, as Lambda's environment would be.
 */
setEnvironment({ TRIPLANE_PROFILE: 'test' });
const bootstrap = readKafkaBootstrap(kafkaBootstrapFile('test'));
// A KAFKA_BROKERS set (and not empty) wins: a caller's own Kafka.
if (bootstrap !== undefined && localConfig().KAFKA_BROKERS === undefined) setEnvironment({ KAFKA_BROKERS: bootstrap });
setEnvironmentDefaults({
  REDIS_URL: 'redis://127.0.0.1:6379',
  RABBITMQ_URL: 'amqp://guest:guest@127.0.0.1:5672/triplane-test',
  TRIPLANE_REDIS_NAMESPACE: 'tptest',
  // Security is on in every test, as deployed: each HTTP request needs this key (testkit/testApiKey).
  TRIPLANE_API_KEYS: TEST_API_KEY,
  POWERTOOLS_LOG_LEVEL: 'WARN',
  POWERTOOLS_METRICS_DISABLED: 'true',
  // Each test file archives into a folder of its own: a runtime started by a test reads the topics from
  // the start with a fresh group, so a shared folder would collect every earlier run's copies.
  TRIPLANE_ARCHIVE_DIR: join(tmpdir(), `triplane-archive-${process.pid}-${Date.now()}`),
});
