import type { RedisOp } from '../../shared/state/RedisOp';
import { keyFamilyOf } from '../../shared/state/redisKeys';
import { fail, listSome, pass, warn, worstOf, type CheckResult, type CheckStatus } from './checkResult';
import { keysLeftWithoutExpiry, keyTouchesOf } from './redisOpKeys';

export const PROJECTION_WRITES_CHECK = 'projection write ttl';

export type KeyFamilyPolicy = 'ttl' | 'rebuildable' | 'pointer';

/** Why the dynamic part of a sample could not run, or ran only in part. */
export interface SampleProblem {
  status: Exclude<CheckStatus, 'pass'>;
  message: string;
}

/** One sample record and the ops its projection asked for. */
export interface ProjectedRecord {
  label: string;
  ops: readonly RedisOp[];
}

/** A projection function as the check sees it: what its function.ts lets it write, and what it wrote on its samples. */
export interface ProjectionWriteSample {
  fn: string;
  /** The `redis.writes` of its function.ts. */
  declaredWrites: readonly string[];
  /** Each sample record's ops, from `projection.build(redisKeys(namespace))`. */
  records: readonly ProjectedRecord[];
  /** No `projection` export, no sample file, an undecodable sample... */
  problems: readonly SampleProblem[];
}

export interface ProjectionWritesInput {
  /** The key namespace the samples were built with. */
  namespace: string;
  keyFamilies: Readonly<Record<string, KeyFamilyPolicy>>;
  samples: readonly ProjectionWriteSample[];
}

/**
 * Rule: a Redis write either expires or belongs to a family a Kafka replay rebuilds. Statically, every
 * family a projection function declares must have a policy in KEY_FAMILIES; dynamically, every key its
 * projection writes on the sample events must be of a declared family, and a `ttl` family key must get
 * its expiry in the same record's ops (they run in one atomic script, so no window without a TTL).
 */
export function checkProjectionWrites(input: ProjectionWritesInput): CheckResult {
  const findings: SampleProblem[] = [];
  let ops = 0;
  const familyOf = (key: string) => keyFamilyOf(input.namespace, key);
  for (const sample of input.samples) {
    for (const family of sample.declaredWrites) {
      if (!(family in input.keyFamilies)) findings.push({ status: 'fail', message: `${sample.fn} declares family ${family}, which KEY_FAMILIES gives no ttl/rebuildable policy` });
    }
    for (const problem of sample.problems) findings.push({ status: problem.status, message: `${sample.fn}: ${problem.message}` });
    for (const record of sample.records) {
      ops += record.ops.length;
      for (const { key } of record.ops.flatMap(keyTouchesOf)) {
        const family = familyOf(key);
        if (family === undefined) findings.push({ status: 'fail', message: `${sample.fn} writes ${key} (${record.label}), a key of no declared family` });
        else if (!sample.declaredWrites.includes(family)) findings.push({ status: 'fail', message: `${sample.fn} writes family ${family} (${record.label}), not in its manifest redis.writes` });
      }
      const withoutExpiry = keysLeftWithoutExpiry(record.ops, (key) => {
        const family = familyOf(key);
        return family !== undefined && input.keyFamilies[family] === 'ttl';
      });
      for (const key of withoutExpiry) findings.push({ status: 'fail', message: `${sample.fn} writes ttl-family key ${key} without an expiry (${record.label})` });
    }
  }
  const status = worstOf(findings.map((f) => f.status));
  const unique = [...new Set(findings.filter((f) => f.status === status).map((f) => f.message))];
  const records = input.samples.reduce((n, s) => n + s.records.length, 0);
  if (status === 'pass') return pass(PROJECTION_WRITES_CHECK, `${input.samples.length} projections, ${records} sample records, ${ops} ops: every ttl-family write expires, every family declared`);
  if (status === 'warn') {
    return warn(PROJECTION_WRITES_CHECK, listSome(unique, 2), 'add a sample event per projection in events/ (npm run events) and export `projection` from its handler, so its writes can be checked');
  }
  return fail(
    PROJECTION_WRITES_CHECK,
    listSome(unique, 2),
    'give every ttl-family write an EXPIRE/EXPIREAT in the same ops (or make the family rebuildable in shared/state/redisKeys.ts KEY_FAMILIES), and list every family the function writes in its manifest redis.writes',
  );
}
