import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as z from 'zod';

const nodeState = z.object({
  nodeId: z.number().int().positive(),
  port: z.number().int().positive(),
  advertisedPort: z.number().int().positive(),
  internalPort: z.number().int().positive(),
  controllerPort: z.number().int().positive(),
  pid: z.number().int().positive().optional(),
});

const clusterState = z.object({
  clusterId: z.string().min(1),
  kafkaVersion: z.string().min(1),
  /** Comma-separated host:port of every node's client listener, as advertised. */
  bootstrap: z.string().min(1),
  nodes: z.array(nodeState).min(1),
});

export type KafkaNodeState = z.infer<typeof nodeState>;
export type KafkaClusterState = z.infer<typeof clusterState>;

/** One file per cluster folder: the ports chosen at the first start, the cluster id, each node's pid. */
export const kafkaClusterStateFile = (dir: string): string => join(dir, 'cluster.json');

export function readKafkaClusterState(dir: string): KafkaClusterState | undefined {
  const file = kafkaClusterStateFile(dir);
  if (!existsSync(file)) return undefined;
  const parsed = clusterState.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  return parsed.success ? parsed.data : undefined;
}

/** Written whole to a temporary file, then renamed: a reader never sees half a state. */
export function writeKafkaClusterState(dir: string, state: KafkaClusterState): void {
  const file = kafkaClusterStateFile(dir);
  writeFileSync(`${file}.tmp`, `${JSON.stringify(state, null, 2)}\n`);
  renameSync(`${file}.tmp`, file);
}
