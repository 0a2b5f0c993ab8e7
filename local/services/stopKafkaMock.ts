import { existsSync, readFileSync } from 'node:fs';
import { kafkaMockStateFile } from './localPaths';

/**
 * Stops this checkout's Kafka mock daemons (the dev one and the tests' one), if they run. SIGTERM: each
 * destroys its cluster and removes its state file. Redis and RabbitMQ are machine services and stay up.
 */
for (const stateFile of [kafkaMockStateFile('dev'), kafkaMockStateFile('test')]) {
  if (!existsSync(stateFile)) continue;
  const { pid } = JSON.parse(readFileSync(stateFile, 'utf8')) as { pid: number };
  try {
    process.kill(pid, 'SIGTERM');
    console.log(`[services] stopped the Kafka mock daemon (pid ${pid})`);
  } catch {
    console.log(`[services] the Kafka mock daemon (pid ${pid}) was not running`);
  }
}
