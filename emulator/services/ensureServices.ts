import { existsSync, mkdirSync } from 'node:fs';
import { connect as connectAmqp } from 'amqplib';
import { declareWorkflowTopology } from '../../shared/workflow/declareWorkflowTopology';
import { vhostOf } from '../../shared/clients/rabbitMqUrl';
import { redisNamespace } from '../../shared/state/redisKeys';
import { applyAccessControl } from './applyAccessControl';
import { commandExists, installMissingDebianPackages } from './debianPackages';
import { ensureKafka } from './ensureKafka';
import { ensureToxiproxy } from '../../tools/toxiproxy/toxiproxyServer';
import { ensurePythonTools } from '../../tools/python/pythonTools';
import { ensureNode22 } from '../../tools/node22/node22Runtime';
import { ensureMachineRedis } from '../../tools/redis/redisServer';
import { addMachineVhost, ensureMachineRabbitMq } from '../../tools/rabbitmq/rabbitMqNode';
import { localConfig } from '../config/localConfig';
import { localRabbitMqUrl, profileFromEnv, STATE_DIR } from './localPaths';

/**
 * Makes this machine ready to run triplane and its tests: installs (Debian, as root) what is missing,
 * starts Redis, RabbitMQ and this checkout's Apache Kafka if they are not running (fetching Kafka's jars
 * into ~/.cache/triplane the first time), and sets Redis to allkeys-lru with a memory cap. Each step
 * checks first, so a second run takes well under a second. Each server program's lifecycle is in
 * tools/ (kafka, redis, rabbitmq, toxiproxy, python, node22); this file only says which the machine needs.
 */

const log = (message: string) => console.log(`[services] ${message}`);

function installMissingPackages(): void {
  const wanted: Array<[string, () => boolean]> = [
    ['redis-server', () => commandExists('redis-server')],
    ['rabbitmq-server', () => commandExists('rabbitmq-server')],
  ];
  // The ops page's browser test drives Debian's Chromium; only the test profile needs it.
  if (profileFromEnv() === 'test') wanted.push(['chromium', () => existsSync('/usr/bin/chromium')]);
  installMissingDebianPackages(wanted, log);
}

async function ensureRabbitMq(): Promise<void> {
  await ensureMachineRabbitMq(log);
  const url = rabbitMqUrlInUse();
  let connection = await connectAmqp(url).catch(() => undefined);
  if (connection === undefined) {
    // Most likely the virtual host does not exist yet (a first run): create it, then retry.
    const vhost = vhostOf(url);
    log(`creating RabbitMQ virtual host ${vhost}`);
    await addMachineVhost(vhost);
    connection = await connectAmqp(url);
  }
  try {
    await declareWorkflowTopology(await connection.createChannel());
  } catch (error) {
    throw new Error(
      `declaring the workflow topology on ${vhostOf(url)} failed: ${(error as Error).message}. ` +
        'If queue arguments changed in shared/routes/workflow.ts, delete the old queues first (they keep their arguments).',
    );
  } finally {
    await connection.close().catch(() => undefined);
  }
}

/** The broker the runtime will use: RABBITMQ_URL when set (any vhost), else the profile's. */
const rabbitMqUrlInUse = (): string => localConfig().RABBITMQ_URL ?? localRabbitMqUrl();

export async function ensureServices(): Promise<void> {
  const started = performance.now();
  installMissingPackages();
  mkdirSync(STATE_DIR, { recursive: true });
  await Promise.all([ensureMachineRedis(log), ensureRabbitMq(), ensureKafka(log)]);
  // The tests' TCP proxy (test/integration/toxiproxy, the fault suite): built once per machine here, so no test waits on a Go build.
  if (profileFromEnv() === 'test') ensureToxiproxy(log);
  // The template linters and the HTTP contract tester the tests run (tools/python).
  if (profileFromEnv() === 'test') ensurePythonTools(log);
  // The Node of Lambda's nodejs22.x, which the packaged-zip test loads each zip with (tools/node22).
  if (profileFromEnv() === 'test') ensureNode22(log);
  // The namespace and vhost the runtime will use, whatever set them (profile, TRIPLANE_REDIS_NAMESPACE,
  // RABBITMQ_URL): users made anywhere else would leave the functions locked out.
  const namespace = redisNamespace();
  const vhost = vhostOf(rabbitMqUrlInUse());
  const access = await applyAccessControl({ namespace, vhost, redisUrl: localConfig().REDIS_URL });
  log(`per-function users: ${access.redisUsers} Redis ACL users (namespace ${namespace}), ${access.rabbitMqUsers} RabbitMQ users (vhost ${vhost})`);
  log(`profile ${profileFromEnv()}: Redis, RabbitMQ (vhost ${vhost}, workflow topology declared) and Kafka ready in ${((performance.now() - started) / 1000).toFixed(2)} s`);
}

if (require.main === module) {
  ensureServices().catch((error: unknown) => {
    console.error(`[services] ${(error as Error).message}`);
    process.exit(1);
  });
}
