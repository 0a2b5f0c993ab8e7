import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { parseRabbitmqctlQueues, type BrokerQueue } from './brokerQueue';

const run = promisify(execFile);

/** rabbitmqctl's own wait for the node, in seconds; the process gets a little longer before it is killed. */
const RABBITMQCTL_TIMEOUT_SECONDS = 15;

/** The first sentence of rabbitmqctl's long diagnostics (the rest is advice about Erlang cookies and epmd). */
const firstLine = (text: string) =>
  (
    text
      .split('\n')
      .map((line) => line.trim())
      .find((line) => line !== '') ?? ''
  ).replace(/\. Please see .*$/, '.');

/**
 * Every queue of the vhost with its durability, arguments and depth. rabbitmqctl rather than AMQP:
 * a passive declare tells depth but not durability or arguments, and the management plugin (HTTP API)
 * is not enabled on the local broker. A missing vhost lists no queue, which the queue check reports.
 */
export async function listBrokerQueues(vhost: string): Promise<BrokerQueue[]> {
  try {
    const { stdout } = await run(
      'rabbitmqctl',
      ['-q', '--timeout', String(RABBITMQCTL_TIMEOUT_SECONDS), 'list_queues', '-p', vhost, 'name', 'durable', 'arguments', 'messages', '--formatter', 'json'],
      { timeout: (RABBITMQCTL_TIMEOUT_SECONDS + 5) * 1000, maxBuffer: 64 * 1024 * 1024 },
    );
    return parseRabbitmqctlQueues(stdout);
  } catch (error) {
    const failed = error as NodeJS.ErrnoException & { stderr?: string; stdout?: string };
    if (failed.code === 'ENOENT') throw new Error('rabbitmqctl not found (RabbitMQ is not installed on this machine)');
    const said = firstLine(failed.stderr ?? '') || firstLine(failed.stdout ?? '') || failed.message;
    throw new Error(`rabbitmqctl list_queues -p ${vhost}: ${said}`);
  }
}
