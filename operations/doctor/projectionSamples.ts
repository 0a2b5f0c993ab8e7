import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseEnvelope } from '../../shared/envelope/parseEnvelope';
import type { Projection, ProjectionSpec } from '../../shared/middleware/batch/projectRecords';
import type { FunctionRoute } from '../../shared/routes/functionCatalog';
import { redisKeys } from '../../shared/state/redisKeys';
import { decodeKafkaRecord } from '../../shared/triggers/kafka/decodeKafkaRecord';
import type { KafkaTriggerRecord } from '../../shared/triggers/kafka/KafkaTriggerEvent';
import type { ProjectedRecord, ProjectionWriteSample, SampleProblem } from './checkProjectionWrites';

/** The namespace the projections are built with: keys come out as `doctor:<family>:...`, nothing touches Redis. */
export const SAMPLE_NAMESPACE = 'doctor';

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;

function isProjectionSpec(value: unknown): value is ProjectionSpec {
  return isRecord(value) && typeof value.consumer === 'string' && typeof value.projection === 'string' && typeof value.build === 'function';
}

/** The records of a sample MSK event (`records` keyed `<topic>-<partition>`), in file order. */
function sampleRecords(file: string): unknown[] {
  const event: unknown = JSON.parse(readFileSync(file, 'utf8'));
  const records = isRecord(event) ? event.records : undefined;
  if (!isRecord(records)) throw new Error('has no records object');
  return Object.values(records).flatMap((batch) => (Array.isArray(batch) ? (batch as unknown[]) : []));
}

/**
 * Runs a projection function's `projection.build` on its sample events (events/<name>.json), decoded
 * as the handler would decode them, and collects the ops per record. Nothing is applied: projections
 * are pure, so their writes can be inspected without Redis.
 */
export function sampleProjectionWrites(fn: FunctionRoute, projectionExport: unknown, root: string): ProjectionWriteSample {
  const records: ProjectedRecord[] = [];
  const problems: SampleProblem[] = [];
  const sample: ProjectionWriteSample = { fn: fn.name, declaredWrites: fn.redis.writes, records, problems };
  if (!isProjectionSpec(projectionExport)) {
    problems.push({ status: 'fail', message: 'handler exports no `projection` {consumer, projection, build}: its writes cannot be checked' });
    return sample;
  }
  if (projectionExport.consumer !== fn.name || projectionExport.projection !== fn.projection) {
    problems.push({
      status: 'fail',
      message: `exports projection ${projectionExport.consumer}/${projectionExport.projection}, its function.ts says ${fn.name}/${fn.projection ?? '(none)'}`,
    });
  }
  const file = join(root, 'events', `${fn.name}.json`);
  if (!existsSync(file)) {
    problems.push({ status: 'warn', message: `no sample event ${file}: only the declared families were checked` });
    return sample;
  }
  let raws: unknown[];
  try {
    raws = sampleRecords(file);
  } catch (error) {
    problems.push({ status: 'warn', message: `events/${fn.name}.json ${(error as Error).message}` });
    return sample;
  }
  let project: Projection;
  try {
    project = projectionExport.build(redisKeys(SAMPLE_NAMESPACE));
  } catch (error) {
    problems.push({ status: 'fail', message: `projection.build throws: ${(error as Error).message}` });
    return sample;
  }
  for (const raw of raws) {
    try {
      const record = decodeKafkaRecord(raw as KafkaTriggerRecord);
      // A tombstone carries no event: the handler dead-letters it, the projection never sees it.
      if (record.value === null) continue;
      const envelope = parseEnvelope(record.value.toString('utf8'));
      records.push({ label: `${record.topic}-${record.partition}@${record.offset} ${envelope.type}`, ops: project(envelope) });
    } catch (error) {
      problems.push({ status: 'warn', message: `a sample record of events/${fn.name}.json cannot be projected: ${(error as Error).message}` });
    }
  }
  if (records.length === 0 && problems.length === 0) problems.push({ status: 'warn', message: `events/${fn.name}.json holds no record to project` });
  return sample;
}
