import { functionConfig } from '../config/functionConfig';

type Close = () => Promise<void>;

const closers = new Set<Close>();
let closingOnSigterm = false;

/**
 * Registers how to close one of the process's shared clients (Redis, the Kafka producer, RabbitMQ):
 * each client module registers its own when it opens it, so no list of them is kept anywhere else and
 * `closeSharedClients` closes exactly what this process opened. Registering twice is harmless.
 *
 * On Lambda, the runtime receives SIGTERM before an execution environment is shut down (when an
 * extension is registered), with a short grace before SIGKILL: the clients then close cleanly instead
 * of leaving half-open connections to the broker. The process is not made to exit: with its clients
 * closed it has nothing left to wait for, and one that still has a handle open shows it.
 * https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtime-environment.html#runtimes-lifecycle-shutdown
 * Only where Lambda's task root is set (Lambda, the packaged-zip test's stand-in for it): the local
 * runtime's workers and the tools must keep Node's own answer to SIGTERM.
 */
export function closeOnShutdown(close: Close): void {
  closers.add(close);
  if (closingOnSigterm || functionConfig().LAMBDA_TASK_ROOT === undefined) return;
  closingOnSigterm = true;
  process.once('SIGTERM', () => void closeSharedClients());
}

/** Closes every shared client this process opened; each close is harmless when it never opened or already closed. */
export async function closeSharedClients(): Promise<void> {
  await Promise.all([...closers].map((close) => close().catch(() => undefined)));
}
