import { existsSync, readFileSync } from 'node:fs';
import { KAFKA_MOCK_STATE_FILE } from './localPaths';

/**
 * Stops this checkout's Kafka mock daemon, if it runs (SIGTERM: it destroys the cluster and removes
 * its state file). Redis and RabbitMQ are machine services shared with other work and are left alone.
 */
if (existsSync(KAFKA_MOCK_STATE_FILE)) {
  const { pid } = JSON.parse(readFileSync(KAFKA_MOCK_STATE_FILE, 'utf8')) as { pid: number };
  try {
    process.kill(pid, 'SIGTERM');
    console.log(`[services] stopped the Kafka mock daemon (pid ${pid})`);
  } catch {
    console.log(`[services] the Kafka mock daemon (pid ${pid}) was not running`);
  }
}
