import { connect } from 'amqplib';
import { portOpen } from '../../emulator/services/portOpen';
import { WORKFLOW_STEPS } from '../../shared/routes/workflow';
import type { PrivateRabbitMq } from '../../testkit/privateRabbitMq';
import { waitFor } from '../../testkit/waitUntil';

const BACK_TIMEOUT_MS = 90_000;

/** True once the node takes a connection and its step queues answer (quorum queues recover after the app). */
async function usable(url: string): Promise<boolean> {
  const connection = await connect(url);
  // A broker going away mid-check emits 'error'; unheard, it would crash the suite.
  connection.on('error', () => undefined);
  try {
    const channel = await connection.createChannel();
    for (const step of WORKFLOW_STEPS) await channel.checkQueue(step.queue);
    return true;
  } finally {
    await connection.close().catch(() => undefined);
  }
}

/**
 * Stops the RabbitMQ application of the suite's own node (the Erlang node keeps running; every
 * connection drops, nothing is accepted) for `downMs`, starts it again, and waits until its port
 * answers and the queues are usable. Returns how long the broker was unusable.
 */
export async function restartRabbitMq(rabbitMq: PrivateRabbitMq, downMs: number): Promise<number> {
  const started = Date.now();
  await rabbitMq.ctl('stop_app');
  try {
    await new Promise((resolve) => setTimeout(resolve, downMs));
  } finally {
    await rabbitMq.ctl('start_app');
  }
  await waitFor(`port ${rabbitMq.port} to answer`, async () => ((await portOpen(rabbitMq.port)) ? true : undefined), BACK_TIMEOUT_MS, 200);
  await waitFor('the queues to be usable', async () => ((await usable(rabbitMq.url)) ? true : undefined), BACK_TIMEOUT_MS, 300);
  return Date.now() - started;
}

/** After a scenario: makes sure the app runs, whatever happened to the restart (start_app on a running app is a no-op). */
export async function ensureRabbitMqRunning(rabbitMq: PrivateRabbitMq): Promise<void> {
  await rabbitMq.ctl('start_app').catch(() => undefined);
  await waitFor('the queues to be usable', async () => ((await usable(rabbitMq.url)) ? true : undefined), BACK_TIMEOUT_MS, 300);
}
