import type { Envelope } from '../../envelope/envelope';
import type { RedisOp } from '../../state/RedisOp';
import { redisClient } from '../../clients/redisClient';
import { generationNamespace, projectionKeys, type ProjectionName } from '../../state/projectionKeys';
import { redisKeys, redisNamespace, type RedisKeys } from '../../state/redisKeys';
import { kafkaBatchHandler } from './kafkaBatchHandler';
import type { RecordBatch } from './RecordBatch';

/** A projection: a pure function from one (current-version) event to the Redis writes it causes. */
export type Projection = (envelope: Envelope<Record<string, unknown>>) => RedisOp[];

/**
 * Runs a projection over every accepted record. A record the projection throws on is taken out and
 * dead-lettered with the reason; the rest of the batch goes on. The writes are only collected here:
 * the idempotency middleware applies them atomically with the marks.
 */
export function projectRecords<T>(project: Projection) {
  return (batch: RecordBatch<T>): void => {
    for (const record of [...batch.accepted]) {
      try {
        batch.write(record.envelope.id, project(record.envelope));
      } catch (error) {
        batch.rejectAccepted(record, `projection failed: ${(error as Error).message}`);
      }
    }
  };
}

/** What a projection function is: who consumes (idempotency scope), which projection, and how it projects. */
export interface ProjectionSpec {
  consumer: string;
  projection: ProjectionName;
  build: (keys: RedisKeys) => Projection;
  /**
   * State kept beside the projection that its topic also rebuilds, written once the projection's ops
   * are collected (project-orders: the saga records). A replay runs it too, which is how that state
   * comes back after Redis lost it; so it must be idempotent and never move state backwards.
   */
  alongside?: (batch: RecordBatch<unknown>) => Promise<void>;
}

/**
 * The whole handler of a projection function: `build` receives the Redis keys of the projection's
 * current generation (resolved once per batch) and returns the projection. A replay passes the
 * generation it builds instead, so it never follows the pointer before it has caught up.
 * @example export const handler = projectionHandler({ consumer: 'project-flags', projection: 'flags', build: projectFlags });
 */
export function projectionHandler(spec: ProjectionSpec, generation?: number) {
  const namespace = redisNamespace();
  const fixed = generation === undefined ? undefined : redisKeys(generationNamespace(namespace, spec.projection, generation));
  return kafkaBatchHandler(
    spec.consumer,
    async (batch) => {
      projectRecords(spec.build(batch.keys))(batch);
      await spec.alongside?.(batch);
    },
    {
      keyspace: fixed === undefined ? () => projectionKeys(redisClient(), namespace, spec.projection) : () => Promise.resolve(fixed),
      // Without `alongside` the handler only collects writes, so a fresh batch's marks need not be read
      // before it (batchIdempotency's marksFirst); project-orders' saga records must never see a record
      // whose id was reused with other content, so its marks are read first.
      pureWork: spec.alongside === undefined,
    },
  );
}
