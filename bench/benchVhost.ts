import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { connect } from 'amqplib';
import { declareWorkflowTopology } from '../shared/workflow/declareWorkflowTopology';
import { BENCH_RABBITMQ_URL, BENCH_VHOST } from './benchEnvironment';

const run = promisify(execFile);
const RABBITMQCTL_TIMEOUT_MS = 60_000;
let created = false;

/**
 * The benchmarks' own RabbitMQ virtual host, with the workflow topology declared. The runtime's Kafka is
 * the benchmarks' own daemon, so its workflow queues must be their own too: in the shared `triplane-test`
 * vhost a test runtime running meanwhile would take some of the benchmark's saga commands (and the
 * benchmark some of the test's). Deleting the vhost removes every queue the benchmarks declared.
 */
export async function createBenchVhost(): Promise<void> {
  if (created) return;
  await run('rabbitmqctl', ['add_vhost', BENCH_VHOST], { timeout: RABBITMQCTL_TIMEOUT_MS });
  created = true;
  process.once('exit', deleteBenchVhostSync);
  await run('rabbitmqctl', ['set_permissions', '-p', BENCH_VHOST, 'guest', '.*', '.*', '.*'], { timeout: RABBITMQCTL_TIMEOUT_MS });
  const connection = await connect(BENCH_RABBITMQ_URL);
  connection.on('error', () => undefined);
  try {
    await declareWorkflowTopology(await connection.createChannel());
  } finally {
    await connection.close().catch(() => undefined);
  }
}

export async function deleteBenchVhost(): Promise<void> {
  if (!created) return;
  created = false;
  await run('rabbitmqctl', ['delete_vhost', BENCH_VHOST], { timeout: RABBITMQCTL_TIMEOUT_MS }).catch(() => undefined);
}

/** At exit, if the run died before its cleanup: best effort, the name says which run it was. */
function deleteBenchVhostSync(): void {
  if (!created) return;
  created = false;
  try {
    execFileSync('rabbitmqctl', ['delete_vhost', BENCH_VHOST], { stdio: 'ignore', timeout: 15_000 });
  } catch {
    // nothing more to do at exit
  }
}
