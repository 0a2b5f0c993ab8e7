import { existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TEST_API_KEY } from './testApiKey';

/**
 * Runs before every test file: points handlers at the local services (the test profile's Kafka started
 * by `npm test`'s setup step) and a Redis namespace of their own, so tests never touch a running
 * system's keys. Set before any handler module loads, as Lambda's environment would be.
 */
process.env.TRIPLANE_PROFILE = 'test';
const stateFile = join(__dirname, '..', '.triplane', 'kafka-test.json');
if (!process.env.KAFKA_BROKERS && existsSync(stateFile)) {
  const state = JSON.parse(readFileSync(stateFile, 'utf8')) as { bootstrap: string };
  process.env.KAFKA_BROKERS = state.bootstrap;
}
process.env.REDIS_URL ??= 'redis://127.0.0.1:6379';
process.env.RABBITMQ_URL ??= 'amqp://guest:guest@127.0.0.1:5672/triplane-test';
process.env.TRIPLANE_REDIS_NAMESPACE ??= 'tptest';
// Security is on in every test, as deployed: each HTTP request needs this key (testkit/testApiKey).
process.env.TRIPLANE_API_KEYS ??= TEST_API_KEY;
process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
// Each test file archives into a folder of its own: a runtime started by a test reads the topics from
// the start with a fresh group, so a shared folder would collect every earlier run's copies.
process.env.TRIPLANE_ARCHIVE_DIR ??= join(tmpdir(), `triplane-archive-${process.pid}-${Date.now()}`);
