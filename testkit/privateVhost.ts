import { connect } from 'amqplib';
import { declareWorkflowTopology } from '../shared/workflow/declareWorkflowTopology';
import { addMachineVhost, machineRabbitMqctl, machineRabbitMqctlSync } from '../tools/rabbitmq/rabbitMqNode';

/**
 * A RabbitMQ virtual host of a run's own on the machine's broker, with the workflow topology declared.
 * The benchmarks' runtime runs on a Kafka of their own, so its workflow queues must be their own too:
 * in the shared `triplane-test` vhost a test runtime running meanwhile would take some of the
 * benchmark's saga commands (and the benchmark some of the test's). Deleting the vhost removes every
 * queue declared in it; an exit handler deletes it if the run dies before its cleanup.
 */
/** Declares the workflow topology on the broker and vhost of `url`, on a connection of its own. */
export async function declareTopologyAt(url: string): Promise<void> {
  const connection = await connect(url);
  connection.on('error', () => undefined);
  try {
    await declareWorkflowTopology(await connection.createChannel());
  } finally {
    await connection.close().catch(() => undefined);
  }
}

export class PrivateVhost {
  private created = false;
  private readonly deleteAtExit = () => this.deleteSync();

  /** `vhost` names the run (e.g. tpbench-<pid>-<time>), so a leftover says which run it was. */
  constructor(
    readonly vhost: string,
    readonly url: string,
  ) {}

  async create(): Promise<void> {
    if (this.created) return;
    this.created = true;
    process.once('exit', this.deleteAtExit);
    await addMachineVhost(this.vhost);
    await declareTopologyAt(this.url);
  }

  async delete(): Promise<void> {
    if (!this.created) return;
    this.created = false;
    process.removeListener('exit', this.deleteAtExit);
    await machineRabbitMqctl('delete_vhost', this.vhost).catch(() => undefined);
  }

  /** At exit: best effort. */
  private deleteSync(): void {
    if (!this.created) return;
    this.created = false;
    try {
      machineRabbitMqctlSync(['delete_vhost', this.vhost]);
    } catch {
      // nothing more to do at exit
    }
  }
}
