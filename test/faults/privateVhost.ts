import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { connect } from 'amqplib';
import { declareWorkflowTopology } from '../../shared/workflow/declareWorkflowTopology';
import { parkingLotOf, WORKFLOW_STEPS } from '../../shared/routes/workflow';

const run = promisify(execFile);
const RABBITMQCTL_TIMEOUT_MS = 60_000;

/**
 * A RabbitMQ virtual host of the suite's own on the shared local broker, with the workflow topology
 * declared. The runtime's Kafka is the suite's private mock, so its workflow must be private too: in
 * the shared `triplane-test` vhost another test's runtime (pointed at the shared Kafka daemon) would
 * take some of the suite's commands and publish their outcomes to the other Kafka, and those orders
 * would look lost here. Deleted at the end (and at exit if the suite dies).
 */
export class PrivateVhost {
  readonly name: string;
  readonly url: string;
  private created = false;

  constructor(name: string) {
    this.name = name;
    this.url = `amqp://guest:guest@127.0.0.1:5672/${encodeURIComponent(name)}`;
  }

  async create(): Promise<void> {
    await run('rabbitmqctl', ['add_vhost', this.name], { timeout: RABBITMQCTL_TIMEOUT_MS });
    this.created = true;
    process.on('exit', () => this.deleteSync());
    await run('rabbitmqctl', ['set_permissions', '-p', this.name, 'guest', '.*', '.*', '.*'], { timeout: RABBITMQCTL_TIMEOUT_MS });
    const connection = await connect(this.url);
    connection.on('error', () => undefined);
    try {
      await declareWorkflowTopology(await connection.createChannel());
    } finally {
      await connection.close().catch(() => undefined);
    }
  }

  /** Messages sitting in the parking lots (the suite's vhost is its own, so every one is the suite's). */
  async parked(): Promise<number> {
    const connection = await connect(this.url);
    connection.on('error', () => undefined);
    try {
      const channel = await connection.createChannel();
      let total = 0;
      for (const step of WORKFLOW_STEPS) total += (await channel.checkQueue(parkingLotOf(step.queue))).messageCount;
      return total;
    } finally {
      await connection.close().catch(() => undefined);
    }
  }

  async delete(): Promise<void> {
    if (!this.created) return;
    await run('rabbitmqctl', ['delete_vhost', this.name], { timeout: RABBITMQCTL_TIMEOUT_MS }).catch(() => undefined);
    this.created = false;
  }

  private deleteSync(): void {
    if (!this.created) return;
    try {
      execFileSync('rabbitmqctl', ['delete_vhost', this.name], { stdio: 'ignore', timeout: 15_000 });
    } catch {
      // Best effort at exit; the name says which run it belonged to.
    }
    this.created = false;
  }
}
