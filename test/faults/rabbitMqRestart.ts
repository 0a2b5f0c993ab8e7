import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { connect } from 'amqplib';
import { portOpen } from '../../local/services/portOpen';
import { WORKFLOW_STEPS } from '../../shared/routes/workflow';
import { waitFor } from './waitUntil';

const run = promisify(execFile);
const RABBITMQCTL_TIMEOUT_MS = 60_000;
const BACK_TIMEOUT_MS = 90_000;

/** True once the vhost takes a connection and its step queues answer (quorum queues recover after the app). */
async function vhostUsable(url: string): Promise<boolean> {
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
 * Stops the RabbitMQ application (the node keeps running; every connection drops, nothing is accepted)
 * for `downMs`, starts it again, and waits until port 5672 answers and the vhost's queues are usable.
 * This stops the shared local broker for everyone for a few seconds, which the brief accepts.
 * Returns how long the broker was unusable.
 */
export async function restartRabbitMq(vhostUrl: string, downMs: number): Promise<number> {
  const started = Date.now();
  await run('rabbitmqctl', ['stop_app'], { timeout: RABBITMQCTL_TIMEOUT_MS });
  try {
    await new Promise((resolve) => setTimeout(resolve, downMs));
  } finally {
    await run('rabbitmqctl', ['start_app'], { timeout: RABBITMQCTL_TIMEOUT_MS });
  }
  await waitFor('port 5672 to answer', async () => ((await portOpen(5672)) ? true : undefined), BACK_TIMEOUT_MS, 200);
  await waitFor('the vhost to be usable', async () => ((await vhostUsable(vhostUrl)) ? true : undefined), BACK_TIMEOUT_MS, 300);
  return Date.now() - started;
}

/** After a scenario: makes sure the app runs, whatever happened to the restart (start_app on a running app is a no-op). */
export async function ensureRabbitMqRunning(vhostUrl: string): Promise<void> {
  await run('rabbitmqctl', ['start_app'], { timeout: RABBITMQCTL_TIMEOUT_MS }).catch(() => undefined);
  await waitFor('the vhost to be usable', async () => ((await vhostUsable(vhostUrl)) ? true : undefined), BACK_TIMEOUT_MS, 300);
}
