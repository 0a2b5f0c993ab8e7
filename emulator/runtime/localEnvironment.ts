import { archiveDir, localRabbitMqUrl } from '../services/localPaths';
import type { LocalKafka } from './localKafka';
import { resolveLocalValue, type ServerlessWiring } from './serverlessFunctions';

/**
 * The environment handlers see on this machine: serverless.yml's provider environment where it can be
 * resolved locally, plus where the local services are. Handlers read configuration at module load, as
 * on Lambda, so this runs before any handler is loaded. Values already set in the environment win.
 */
export function applyLocalEnvironment(wiring: ServerlessWiring, kafka: LocalKafka, env: NodeJS.ProcessEnv = process.env): void {
  for (const [name, value] of Object.entries(wiring.environment)) {
    const local = resolveLocalValue(value, env);
    if (local !== undefined && env[name] === undefined) env[name] = local;
  }
  env.KAFKA_BROKERS = kafka.brokers.join(',');
  env.REDIS_URL ??= 'redis://127.0.0.1:6379';
  env.RABBITMQ_URL ??= localRabbitMqUrl();
  // No CloudWatch here to read embedded metrics: the local ops view (/ops) shows the same figures.
  env.POWERTOOLS_METRICS_DISABLED ??= 'true';
  if (!env.ARCHIVE_BUCKET) env.TRIPLANE_ARCHIVE_DIR ??= archiveDir();
}
