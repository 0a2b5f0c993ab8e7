import type { EventTypeSpec } from '../../shared/envelope/eventCatalog';
import type { EventJsonSchema } from '../../shared/envelope/eventJsonSchemas';
import { subscriptionsOf, type FunctionRoute } from '../../shared/routes/functionCatalog';
import { fail, pass, type CheckResult } from './checkResult';

export const EVENT_VERSIONS_CHECK = 'event versions per consumer';

/** What one consumer function reads: per event type, the released versions it can read and those it cannot. */
export interface ConsumerVersions {
  consumer: string;
  reads: { type: string; readable: number[]; unreadable: number[] }[];
  /** Topics whose records may be of any type (the dead-letter topic holds every consumer's refusals). */
  anyTypeFrom: string[];
}

/** Versions from which upcasters[v], upcasters[v+1], ... reach the current version. */
function chainsToCurrent(spec: EventTypeSpec, version: number): boolean {
  if (spec.schemas[version] === undefined) return false;
  for (let v = version; v < spec.currentVersion; v += 1) if (spec.upcasters[v] === undefined) return false;
  return version <= spec.currentVersion;
}

/**
 * Per consumer function, the event types it consumes (the types whose catalog topic it subscribes
 * to, or the workflow command its queue carries) and, of each, the released versions (events/schemas/)
 * it can read: those with a schema and an upcaster chain to the current version.
 */
export function consumerEventVersions(
  functions: readonly FunctionRoute[],
  catalog: Readonly<Record<string, EventTypeSpec>>,
  released: readonly EventJsonSchema[],
  deadLetterTopic: string,
): ConsumerVersions[] {
  const releasedVersions = (type: string) =>
    released
      .filter((s) => s.type === type)
      .map((s) => s.version)
      .sort((a, b) => a - b);
  return functions.flatMap((fn): ConsumerVersions[] => {
    const topics = subscriptionsOf(fn).map((s) => s.topic as string);
    const types = Object.entries(catalog).filter(([type, spec]) => (spec.topic !== null && topics.includes(spec.topic)) || (fn.trigger.kind === 'rabbitmq' && fn.trigger.queue === type));
    if (types.length === 0 && !topics.includes(deadLetterTopic)) return [];
    return [
      {
        consumer: fn.key,
        reads: types.map(([type, spec]) => {
          const versions = releasedVersions(type);
          return { type, readable: versions.filter((v) => chainsToCurrent(spec, v)), unreadable: versions.filter((v) => !chainsToCurrent(spec, v)) };
        }),
        anyTypeFrom: topics.filter((t) => t === deadLetterTopic),
      },
    ];
  });
}

const versionLabel = (versions: readonly number[]): string => {
  const first = versions[0];
  const last = versions[versions.length - 1];
  if (first === undefined || last === undefined) return 'no released version';
  return first === last ? `v${first}` : last - first + 1 === versions.length ? `v${first}-v${last}` : versions.map((v) => `v${v}`).join(',');
};

/** One consumer as `projectFlags: flag.set v1-v2`, types of the same versions listed together. */
function describe(consumer: ConsumerVersions): string {
  const byLabel = new Map<string, string[]>();
  for (const read of consumer.reads) byLabel.set(versionLabel(read.readable), [...(byLabel.get(versionLabel(read.readable)) ?? []), read.type]);
  const parts = [...byLabel].map(([label, types]) => `${types.join(', ')} ${label}`);
  for (const topic of consumer.anyTypeFrom) parts.push(`${topic}: any type and version, as dead-lettered`);
  return `${consumer.consumer}: ${parts.join('; ')}`;
}

/**
 * Lists what each consumer reads, and fails when a released version of a type it consumes could no
 * longer be read (its schema or an upcaster of its chain is gone): records of it may still be in Kafka.
 */
export function checkEventVersions(consumers: readonly ConsumerVersions[]): CheckResult {
  const unreadable = consumers.flatMap((c) => c.reads.filter((r) => r.unreadable.length > 0).map((r) => `${c.consumer} cannot read ${r.type} ${r.unreadable.map((v) => `v${v}`).join(', ')}`));
  const listing = consumers.map(describe).join(' | ');
  if (unreadable.length > 0) {
    return fail(
      EVENT_VERSIONS_CHECK,
      `${unreadable.join('; ')} (released, so Kafka may hold them) | ${listing}`,
      'restore the schema and upcaster chain of those versions; npm run schemas -- check names what is missing',
    );
  }
  return pass(EVENT_VERSIONS_CHECK, listing);
}
