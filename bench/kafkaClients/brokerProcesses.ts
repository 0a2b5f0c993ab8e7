import { spawn } from 'node:child_process';
import { openSync, readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';

/**
 * The three-broker cluster of the fault part, as a folder holding each node's `n<id>.properties`,
 * the pid of its running JVM in `n<id>.pid` and Kafka's jars in `libs/` (KAFKA_BENCH_CLUSTER_DIR).
 * Only the JVMs whose pids are in those files are ever signalled: the machine runs other brokers.
 */
export interface BrokerProcesses {
  kill(nodeId: number): void;
  restart(nodeId: number): Promise<void>;
}

const waitForPort = async (port: number, timeoutMs: number): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect({ host: '127.0.0.1', port }, () => {
        socket.destroy();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
    if (open) return;
    if (Date.now() > deadline) throw new Error(`broker port ${port} not open after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
};

export function brokerProcesses(dir: string): BrokerProcesses {
  const pidFile = (nodeId: number) => join(dir, `n${nodeId}.pid`);
  const portOf = (nodeId: number): number => {
    const match = /^listeners=PLAINTEXT:\/\/[^:]+:(\d+)/m.exec(readFileSync(join(dir, `n${nodeId}.properties`), 'utf8'));
    if (match?.[1] === undefined) throw new Error(`no PLAINTEXT listener in n${nodeId}.properties`);
    return Number(match[1]);
  };
  return {
    kill(nodeId) {
      const pid = Number(readFileSync(pidFile(nodeId), 'utf8').trim());
      if (!Number.isInteger(pid) || pid <= 1) throw new Error(`no pid recorded for broker ${nodeId}`);
      process.kill(pid, 'SIGKILL');
    },
    async restart(nodeId) {
      const log = openSync(join(dir, `n${nodeId}.log`), 'a');
      const child = spawn('java', ['-Xmx1g', '-Xms512m', '-cp', 'libs/*', 'kafka.Kafka', `n${nodeId}.properties`], { cwd: dir, detached: true, stdio: ['ignore', log, log] });
      child.unref();
      if (child.pid === undefined) throw new Error(`broker ${nodeId} did not start`);
      writeFileSync(pidFile(nodeId), `${child.pid}\n`);
      await waitForPort(portOf(nodeId), 60_000);
    },
  };
}
