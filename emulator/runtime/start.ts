import { localConfig } from '../config/localConfig';
import { startLocalRuntime } from './startLocalRuntime';

/** `npm start`: runs the whole system until Ctrl-C, then stops cleanly (batches in flight finish). */
async function main(): Promise<void> {
  // TRIPLANE_GROUP_SUFFIX gives every consumer group a suffix: a run that must read its topics from
  // the start (a fault run, a demo) without the offsets of earlier runs.
  // Functions always log in to Redis and RabbitMQ as their own users, as deployed: `npm run services`
  // (or the fault suite, on its private Redis) makes them for the namespace and vhost in use.
  const runtime = await startLocalRuntime({ groupIdSuffix: localConfig().TRIPLANE_GROUP_SUFFIX });
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping (finishing batches in flight)...`);
    runtime.stop().then(
      () => {
        console.log('stopped');
        process.exit(0);
      },
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((error: unknown) => {
  console.error(`triplane: ${(error as Error).message}`);
  process.exit(1);
});
