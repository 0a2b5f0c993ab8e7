import { localConfig } from '../config/localConfig';
import { functionKey } from '../../shared/routes/derivedNames';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { closeSharedClients } from '../../shared/clients/sharedClients';
import { PROJECT_ROOT } from '../services/localPaths';
import { loadFunction } from './loadedFunction';
import { localKafka } from './localKafka';
import { applyLocalEnvironment } from './localEnvironment';
import { readServerlessWiring } from './serverlessFunctions';
import { applyLocalApiKeys } from './localApiKeys';
import { withLocalApiKey } from './withLocalApiKey';

/**
 * `npm run invoke -- FUNCTION EVENT_FILE`: runs one function once with a sample event against the
 * local services and prints what it returned. FUNCTION is the serverless.yml key or the folder name.
 */
async function main(): Promise<void> {
  const [name, eventFile] = process.argv.slice(2);
  const wiring = readServerlessWiring(PROJECT_ROOT);
  const fn = wiring.functions.find((f) => f.key === name || f.key === functionKey(name ?? ''));
  if (name === undefined || eventFile === undefined || fn === undefined) {
    console.error(`usage: npm run invoke -- FUNCTION EVENT_FILE\nfunctions: ${wiring.functions.map((f) => f.key).join(', ')}`);
    process.exit(2);
  }
  applyLocalApiKeys();
  const key =
    (localConfig().TRIPLANE_API_KEYS ?? '')
      .split(',')
      .map((k) => k.trim())
      .find((k) => k !== '') ?? '';
  const event = withLocalApiKey(JSON.parse(readFileSync(resolve(eventFile), 'utf8')) as unknown, key);
  applyLocalEnvironment(wiring, await localKafka());
  const invoke = loadFunction(PROJECT_ROOT, fn, `${wiring.service}-local-${fn.key}`);
  try {
    const result = await invoke(event);
    // As Lambda's Invoke answers: a handler that returns nothing gives the payload null.
    console.log(JSON.stringify(result ?? null, null, 2));
  } finally {
    // Every client the function opened (Kafka producer, Redis, RabbitMQ, the sandbox's books): one left open keeps this command from ending.
    await closeSharedClients();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
