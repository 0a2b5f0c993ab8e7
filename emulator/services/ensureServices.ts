import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { connect as connectAmqp } from 'amqplib';
import { declareWorkflowTopology } from '../../shared/workflow/declareWorkflowTopology';
import { vhostOf } from '../../shared/clients/rabbitMqUrl';
import { redisNamespace } from '../../shared/state/redisKeys';
import { applyAccessControl } from './applyAccessControl';
import { portOpen } from './portOpen';
import { commandExists, installMissingDebianPackages } from './debianPackages';
import { ensureKafka } from './ensureKafka';
import { ensureToxiproxy } from '../../tools/toxiproxy/toxiproxyServer';
import { localRabbitMqUrl, profileFromEnv, rabbitMqVhost, STATE_DIR } from './localPaths';

/**
 * Makes this machine ready to run triplane and its tests: installs (Debian, as root) what is missing,
 * starts Redis, RabbitMQ and this checkout's Apache Kafka if they are not running (fetching Kafka's jars
 * into ~/.cache/triplane the first time), and sets Redis to
 * allkeys-lru with a memory cap. Each step checks first, so a second run takes well under a second.
 */

const log = (message: string) => console.log(`[services] ${message}`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));


async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what} did not become ready within ${timeoutMs / 1000} s`);
    await sleep(100);
  }
}

function installMissingPackages(): void {
  const wanted: Array<[string, () => boolean]> = [
    ['redis-server', () => commandExists('redis-server')],
    ['rabbitmq-server', () => commandExists('rabbitmq-server')],
  ];
  // The ops page's browser test drives Debian's Chromium; only the test profile needs it.
  if (profileFromEnv() === 'test') wanted.push(['chromium', () => existsSync('/usr/bin/chromium')]);
  installMissingDebianPackages(wanted, log);
}

async function ensureRedis(): Promise<void> {
  if (!(await portOpen(6379))) {
    log('starting redis-server');
    mkdirSync('/var/lib/redis', { recursive: true });
    mkdirSync('/var/log/redis', { recursive: true });
    execFileSync('redis-server', ['--daemonize', 'yes', '--bind', '127.0.0.1', '--port', '6379', '--save', '', '--appendonly', 'no', '--dir', '/var/lib/redis', '--logfile', '/var/log/redis/triplane.log']);
    await waitFor('Redis', () => portOpen(6379), 10_000);
  }
  // Rule 5: Redis holds derived state, so under memory pressure it evicts instead of refusing writes.
  const cli = (...args: string[]) => execFileSync('redis-cli', ['-h', '127.0.0.1', ...args], { encoding: 'utf8' }).trim();
  if (cli('config', 'get', 'maxmemory').split('\n')[1] === '0') cli('config', 'set', 'maxmemory', '1gb');
  cli('config', 'set', 'maxmemory-policy', 'allkeys-lru');
}

async function ensureRabbitMq(): Promise<void> {
  if (!(await portOpen(5672))) {
    log('starting rabbitmq-server (takes a few seconds)');
    execFileSync('rabbitmq-server', ['-detached'], { stdio: 'ignore' });
    await waitFor('RabbitMQ', () => portOpen(5672), 90_000);
  }
  if (!(await portOpen(15672))) {
    // The management HTTP API is how per-function users are made, here as on Amazon MQ (shared/security/rabbitMqUsers).
    log('enabling the RabbitMQ management plugin');
    execFileSync('rabbitmq-plugins', ['enable', 'rabbitmq_management'], { stdio: 'ignore' });
    await waitFor('the RabbitMQ management API', () => portOpen(15672), 60_000);
  }
  const url = rabbitMqUrlInUse();
  let connection = await connectAmqp(url).catch(() => undefined);
  if (connection === undefined) {
    // Most likely the virtual host does not exist yet (a first run): create it, then retry.
    const vhost = vhostOf(url);
    log(`creating RabbitMQ virtual host ${vhost}`);
    execFileSync('rabbitmqctl', ['add_vhost', vhost], { stdio: 'ignore' });
    execFileSync('rabbitmqctl', ['set_permissions', '-p', vhost, 'guest', '.*', '.*', '.*'], { stdio: 'ignore' });
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
const rabbitMqUrlInUse = (): string => process.env.RABBITMQ_URL ?? localRabbitMqUrl();

export async function ensureServices(): Promise<void> {
  const started = performance.now();
  installMissingPackages();
  mkdirSync(STATE_DIR, { recursive: true });
  await Promise.all([ensureRedis(), ensureRabbitMq(), ensureKafka(log)]);
  // The tests' TCP proxy (test/integration/toxiproxy, the fault suite): built once per machine here, so no test waits on a Go build.
  if (profileFromEnv() === 'test') ensureToxiproxy(log);
  // The namespace and vhost the runtime will use, whatever set them (profile, TRIPLANE_REDIS_NAMESPACE,
  // RABBITMQ_URL): users made anywhere else would leave the functions locked out.
  const namespace = redisNamespace();
  const vhost = vhostOf(rabbitMqUrlInUse());
  const access = await applyAccessControl({ namespace, vhost, redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379' });
  log(`per-function users: ${access.redisUsers} Redis ACL users (namespace ${namespace}), ${access.rabbitMqUsers} RabbitMQ users (vhost ${vhost})`);
  log(`profile ${profileFromEnv()}: Redis, RabbitMQ (vhost ${vhost}, workflow topology declared) and Kafka ready in ${((performance.now() - started) / 1000).toFixed(2)} s`);
}

if (require.main === module) {
  ensureServices().catch((error: unknown) => {
    console.error(`[services] ${(error as Error).message}`);
    process.exit(1);
  });
}
