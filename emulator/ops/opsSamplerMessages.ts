import type { SystemsStatus } from './collectOpsStatus';

/** What the ops sampler thread is started with: where the systems are, and whose names to look at. */
export interface OpsSamplerData {
  brokers: string[];
  redisUrl: string;
  rabbitMqUrl: string;
  namespace: string;
  groupSuffix: string;
}

export type ToSampler = { kind: 'sample'; id: number } | { kind: 'stop' };

export type FromSampler = { kind: 'systems'; id: number; systems: SystemsStatus } | { kind: 'stopped' };
