/**
 * Child processes of a test or benchmark process (the fault suite's runtime, private Redis, Kafka
 * brokers, toxiproxy and RabbitMQ node; the benchmarks' Kafka), killed by pid when that process exits
 * for any reason, so a crashed or interrupted run never leaves a runtime consuming in the
 * background or a server holding a port. Only what this process spawned is ever signalled.
 */
const children = new Map<number, { group: boolean }>();

export function trackChild(pid: number | undefined, group: boolean): void {
  if (pid !== undefined) children.set(pid, { group });
}

export function untrackChild(pid: number | undefined): void {
  if (pid !== undefined) children.delete(pid);
}

process.on('exit', () => {
  for (const [pid, { group }] of children) {
    try {
      process.kill(group ? -pid : pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
});
