import { join } from 'node:path';
import { connect } from 'amqplib';
import { parkingLotOf, WORKFLOW_STEPS } from '../shared/routes/workflow';
import { childEnvironment } from '../emulator/config/localConfig';
import { RabbitMqNode } from '../tools/rabbitmq/rabbitMqNode';
import { trackChild, untrackChild } from './childProcesses';
import { declareTopologyAt } from './privateVhost';

/**
 * A RabbitMQ node of a run's own (tools/rabbitmq's lifecycle) with the workflow topology declared on its
 * default vhost. The fault suite's "RabbitMQ restart" stops and starts the application of this node
 * only: `rabbitmqctl stop_app` on the shared broker (5672) would cut every other worktree's tests and
 * runtimes off at the same time. It also keeps the workflow private: in a shared vhost another runtime
 * (on another Kafka) would take some of the suite's commands, and those orders would look lost here.
 */
export class PrivateRabbitMq {
  private readonly node: RabbitMqNode;

  constructor(runDir: string, port: number, distPort: number, managementPort: number) {
    this.node = new RabbitMqNode(join(runDir, 'rabbitmq'), { amqp: port, dist: distPort, management: managementPort }, childEnvironment());
  }

  get port(): number {
    return this.node.ports.amqp;
  }

  get url(): string {
    return this.node.url;
  }

  get managementUrl(): string {
    return this.node.managementUrl;
  }

  async start(): Promise<void> {
    await this.node.start((pid) => trackChild(pid, true));
    await declareTopologyAt(this.url);
  }

  /** rabbitmqctl against this node only. */
  ctl(...args: string[]): Promise<void> {
    return this.node.ctl(...args);
  }

  /** Messages sitting in the parking lots (the node is the run's own, so every one is the run's). */
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

  async stop(): Promise<void> {
    untrackChild(await this.node.stop());
  }
}
