import fc from 'fast-check';
import type { EventTypeSpec } from '../../shared/envelope/eventCatalog';
import { eventJsonSchemas, type EventJsonSchema } from '../../shared/envelope/eventJsonSchemas';
import { jsonSchemaArbitrary, UnsampledSchemaError } from './jsonSchemaArbitrary';
import { schemaNarrowings } from './schemaNarrowings';
import type { VersionRetirement } from './versionRetirements';

/**
 * What the check found about one type and version. `breaking` findings fail it; the others say what a
 * `npm run schemas -- write` would release (a compatible change, a new version, a retirement).
 */
export interface ContractFinding {
  type: string;
  version: number;
  /** The data field concerned (`rollout`, `items[].qty`); empty when it is the version as a whole. */
  field: string;
  kind: FindingKind;
  breaking: boolean;
  message: string;
}

export type FindingKind =
  'narrowed' | 'missing-upcaster' | 'current-version' | 'upcast-refused' | 'removed' | 'retired-too-early' | 'retired-reused' | 'widened' | 'new-version' | 'retired' | 'not-sampled';

export interface ContractInput {
  catalog: Readonly<Record<string, EventTypeSpec>>;
  /** The released contract: what events/schemas/ holds. */
  committed: readonly EventJsonSchema[];
  retirements: readonly VersionRetirement[];
  /** Each topic's longest retention (`retention.ms`, -1 for ever). */
  topicRetentionMs: Readonly<Record<string, number>>;
  /** The topic every consumer's bad records go to, which therefore holds any type and version too. */
  deadLetterTopic: string;
  today: Date;
  /** Records of each older version to upcast and read with the current schema (fixed seed: the same every run). */
  samplesPerVersion?: number;
}

const DAY_MS = 86_400_000;
const key = (type: string, version: number) => `${type}@${version}`;
const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
const specIn = (catalog: ContractInput['catalog'], type: string): EventTypeSpec | undefined => (Object.prototype.hasOwnProperty.call(catalog, type) ? catalog[type] : undefined);

/**
 * Compares a catalog with the released contract by Confluent Schema Registry's BACKWARD_TRANSITIVE
 * rule: a consumer on the newest version must read every record ever written of every older one.
 * So, per type: a released version may only widen; a version may only be removed once no topic can
 * still hold it (a retirement record older than the topics' retention); every version has an
 * upcaster chain to the current one; and sampled records of each older version, upcast, pass the
 * current schema. Pure: the caller reads the files and the clock.
 *
 * @example
 * checkSchemaContract({ catalog: EVENT_CATALOG, committed, retirements: [], topicRetentionMs, deadLetterTopic: 'dead-letters', today: new Date() }).filter((f) => f.breaking);
 */
export function checkSchemaContract(input: ContractInput): ContractFinding[] {
  const generated = eventJsonSchemas(input.catalog);
  const current = new Map(generated.map((s) => [key(s.type, s.version), s]));
  const released = new Map(input.committed.map((s) => [key(s.type, s.version), s]));
  const findings: ContractFinding[] = [];
  const add = (type: string, version: number, kind: FindingKind, breaking: boolean, message: string, field = '') => findings.push({ type, version, field, kind, breaking, message });

  // Released versions: still there and no narrower, or retired once no topic can hold them.
  for (const old of input.committed) {
    const now = current.get(key(old.type, old.version));
    if (now === undefined) {
      checkRemoval(old, input, add);
      continue;
    }
    const narrowings = schemaNarrowings(old.schema, now.schema);
    for (const n of narrowings) add(old.type, old.version, 'narrowed', true, n.reason, n.field);
    if (narrowings.length === 0 && !same(old.schema, now.schema)) add(old.type, old.version, 'widened', false, 'changed compatibly since released: `npm run schemas -- write` releases it');
  }

  for (const retirement of input.retirements) {
    if (current.has(key(retirement.type, retirement.version))) {
      add(
        retirement.type,
        retirement.version,
        'retired-reused',
        true,
        `retired in events/schemas/retired.json, yet the catalog has it again: records of the retired shape may exist, so give the new shape a new version number`,
      );
    }
  }

  for (const [type, spec] of Object.entries(input.catalog)) {
    const versions = Object.keys(spec.schemas)
      .map(Number)
      .sort((a, b) => a - b);
    const newest = versions[versions.length - 1] ?? 0;
    if (spec.currentVersion !== newest) add(type, spec.currentVersion, 'current-version', true, `currentVersion is ${spec.currentVersion} but the newest schema is v${newest}`);
    for (const version of versions) {
      if (!released.has(key(type, version))) add(type, version, 'new-version', false, 'not released yet: `npm run schemas -- write` releases it');
    }
    // Every version must reach the current one: upcasters[v] makes v+1 out of v.
    const oldest = versions[0] ?? newest;
    let chained = true;
    for (let version = oldest; version < spec.currentVersion; version += 1) {
      if (spec.upcasters[version] === undefined) {
        chained = false;
        add(type, version + 1, 'missing-upcaster', true, `no upcaster from v${version} to v${version + 1} (upcasters[${version}]): v${version} records could not be read as v${spec.currentVersion}`);
      }
    }
    if (!chained) continue;
    for (const version of versions.filter((v) => v < spec.currentVersion)) {
      const schema = current.get(key(type, version))?.schema;
      if (schema !== undefined) checkUpcastSamples(type, version, spec, schema, input.samplesPerVersion ?? 200, add);
    }
  }
  return findings.sort((a, b) => a.type.localeCompare(b.type) || a.version - b.version || Number(b.breaking) - Number(a.breaking));
}

type Add = (type: string, version: number, kind: FindingKind, breaking: boolean, message: string, field?: string) => void;

/** How long a record of the type may still sit in Kafka after it was written; undefined for ever. */
function holdMs(type: string, input: ContractInput): number | undefined {
  const spec = specIn(input.catalog, type);
  // A type gone from the catalog no longer says its topic: any topic may hold it.
  const topics = spec === undefined ? Object.keys(input.topicRetentionMs) : spec.topic === null ? [] : [spec.topic, input.deadLetterTopic];
  // Workflow commands (no topic) wait in parking lots, which have no expiry (shared/routes/workflow.ts).
  if (topics.length === 0) return undefined;
  const retentions = topics.map((t) => input.topicRetentionMs[t] ?? -1);
  return retentions.some((ms) => ms < 0) ? undefined : Math.max(...retentions);
}

function checkRemoval(old: EventJsonSchema, input: ContractInput, add: Add): void {
  const retirement = input.retirements.find((r) => r.type === old.type && r.version === old.version);
  const hold = holdMs(old.type, input);
  const spec = specIn(input.catalog, old.type);
  const holder = spec === undefined ? 'any topic' : spec.topic === null ? 'the workflow parking lots (no expiry)' : `topics ${spec.topic} and ${input.deadLetterTopic}`;
  if (retirement === undefined) {
    add(old.type, old.version, 'removed', true, `removed from the catalog while ${holder} may still hold it: keep its schema and upcaster, or record its retirement in events/schemas/retired.json`);
    return;
  }
  if (hold === undefined) {
    add(
      old.type,
      old.version,
      'retired-too-early',
      true,
      `retired, but ${holder} keep records for ever (retention.ms -1, shared/routes/topics.ts): a v${old.version} record may be read at any time, so it cannot be removed`,
    );
    return;
  }
  const readableUntil = Date.parse(`${retirement.lastWrittenOn}T00:00:00Z`) + DAY_MS + hold;
  if (input.today.getTime() < readableUntil) {
    const days = Math.ceil(hold / DAY_MS);
    add(
      old.type,
      old.version,
      'retired-too-early',
      true,
      `last written on ${retirement.lastWrittenOn}; ${holder} keep records ${days} day(s), so it may be removed from ${new Date(readableUntil).toISOString().slice(0, 10)}`,
    );
    return;
  }
  add(old.type, old.version, 'retired', false, `retired (${retirement.reason}); \`npm run schemas -- write\` removes its released schema`);
}

/**
 * Records of an older version, upcast, must pass the current schema: the structural comparison cannot
 * see inside an upcaster, so this runs it. Samples are what the version's zod schema accepts and
 * returns (what ingest stored), drawn with a fixed seed so every run checks the same records.
 */
function checkUpcastSamples(type: string, version: number, spec: EventTypeSpec, schema: Record<string, unknown>, runs: number, add: Add): void {
  const reader = spec.schemas[spec.currentVersion];
  const writer = spec.schemas[version];
  if (reader === undefined || writer === undefined) return;
  let samples: unknown[];
  try {
    samples = fc.sample(jsonSchemaArbitrary(schema), { seed: 18, numRuns: runs });
  } catch (error) {
    if (!(error instanceof UnsampledSchemaError)) throw error;
    add(type, version, 'not-sampled', false, `upcast to v${spec.currentVersion} not sampled (${error.message}): only the upcaster chain is checked`);
    return;
  }
  for (const sample of samples) {
    const written = writer.safeParse(sample);
    if (!written.success) continue;
    let data: Record<string, unknown> = written.data;
    try {
      for (let v = version; v < spec.currentVersion; v += 1) data = (spec.upcasters[v] ?? ((d) => d))(data);
    } catch (error) {
      add(type, version, 'upcast-refused', true, `upcasting ${JSON.stringify(written.data)} threw: ${(error as Error).message}`);
      return;
    }
    const read = reader.safeParse(data);
    if (!read.success) {
      const issue = read.error.issues[0];
      const field = issue?.path.map(String).join('.') ?? '';
      add(
        type,
        version,
        'upcast-refused',
        true,
        `v${version} record ${JSON.stringify(written.data)} upcast to ${JSON.stringify(data)} is refused by v${spec.currentVersion}: ${issue?.message ?? 'invalid'}`,
        field,
      );
      return;
    }
  }
}
