import middy from '@middy/core';
import fc from 'fast-check';
import { parseIngestRequest } from '../../../../../functions/ingest-events/parseIngestRequest';
import { toKafkaDeadLetter } from '../../../../../shared/deadLetters/toKafkaDeadLetter';
import type { Envelope } from '../../../../../shared/envelope/envelope';
import { upcastEnvelope } from '../../../../../shared/envelope/upcastEnvelope';
import { deadLetters } from '../../../../../shared/middleware/batch/deadLetters';
import { hopGuard } from '../../../../../shared/middleware/batch/hopGuard';
import { kafkaRecordBatch } from '../../../../../shared/middleware/batch/kafkaRecordBatch';
import type { BatchContext, RecordBatch, RejectedRecord } from '../../../../../shared/middleware/batch/RecordBatch';
import type { KafkaTriggerEvent, KafkaTriggerRecord } from '../../../../../shared/triggers/kafka/KafkaTriggerEvent';
import { kafkaRecordOf } from '../../../../../testkit/kafkaTriggerEvents';
import { lambdaContextOf } from '../../../../../testkit/lambdaContextOf';
import { clientEventArb } from '../../../../../testkit/arbitraries';

interface ValidItem {
  kind: 'valid';
  raw: KafkaTriggerRecord;
  envelope: Envelope<Record<string, unknown>>;
}

type Item = ValidItem | { kind: 'garbage'; raw: unknown; why: string };

const TOPIC = 'sessions';

const envelopeArb = fc.tuple(clientEventArb, fc.integer({ min: 0, max: 20 })).map(([event, hops]) => {
  const [ingested] = parseIngestRequest(event);
  if (ingested === undefined) throw new Error('no envelope');
  return { ...ingested.envelope, hops };
});

const validArb: fc.Arbitrary<ValidItem> = envelopeArb.map((envelope) => ({ kind: 'valid', raw: kafkaRecordOf(TOPIC, envelope), envelope }));

/** Changes that make any valid envelope invalid, whatever its type. */
const CORRUPTIONS: ReadonlyArray<[string, Record<string, unknown>]> = [
  ['unknown version', { version: 99 }],
  ['version 0', { version: 0 }],
  ['fractional version', { version: 1.5 }],
  ['version as text', { version: '1' }],
  ['unknown type', { type: 'no.such.type' }],
  ['empty type', { type: '' }],
  ['negative hops', { hops: -1 }],
  ['fractional hops', { hops: 1.5 }],
  ['hops as text', { hops: '1' }],
  ['injected id', { id: 'tp:session:*' }],
  ['empty correlation id', { correlationId: '' }],
  ['causation id with a space', { causationId: 'a b' }],
  ['empty key', { key: '' }],
  ['data as a list', { data: [] }],
  ['empty data', { data: {} }],
  ['data as null', { data: null }],
  ['time as a number', { time: 5 }],
];

const corruptedArb: fc.Arbitrary<Item> = fc
  .tuple(envelopeArb, fc.constantFrom(...CORRUPTIONS), fc.constantFrom('id', 'type', 'version', 'source', 'time', 'key', 'correlationId', 'causationId', 'hops', 'data'), fc.boolean())
  .map(([envelope, [why, change], dropped, drop]) => {
    const broken: Record<string, unknown> = { ...envelope, ...change };
    if (drop) Reflect.deleteProperty(broken, dropped);
    return { kind: 'garbage', raw: kafkaRecordOf(TOPIC, JSON.stringify(broken)), why: drop ? `${why}, no ${dropped}` : why };
  });

const BAD_HEADERS: readonly unknown[] = ['x', {}, [null], [[1]], [{ hops: [300] }], [{ hops: [-129] }], [{ hops: 'x' }], [{ hops: [1.5] }], [{ hops: [null] }]];

const garbageArb: fc.Arbitrary<Item> = fc.oneof(
  fc.string({ unit: 'binary' }).map((text): Item => ({ kind: 'garbage', raw: kafkaRecordOf(TOPIC, text), why: 'text value' })),
  fc.jsonValue().map((value): Item => ({ kind: 'garbage', raw: kafkaRecordOf(TOPIC, JSON.stringify(value)), why: 'JSON value' })),
  corruptedArb,
  fc.constant(null).map((): Item => ({ kind: 'garbage', raw: kafkaRecordOf(TOPIC, null), why: 'tombstone' })),
  validArb.map((item): Item => ({ kind: 'garbage', raw: { ...item.raw, value: (item.raw.value ?? '').slice(1) }, why: 'value not base64' })),
  validArb.map((item): Item => ({ kind: 'garbage', raw: { ...item.raw, key: 'abc' }, why: 'key not base64' })),
  fc.tuple(validArb, fc.constantFrom(...BAD_HEADERS)).map(([item, headers]): Item => ({ kind: 'garbage', raw: { ...item.raw, headers }, why: 'bad headers' })),
  fc
    .tuple(validArb, fc.constantFrom<Record<string, unknown>>({ offset: '15' }, { partition: 1.5 }, { topic: undefined }, { topic: 7 }, { offset: null }))
    .map(([item, change]): Item => ({ kind: 'garbage', raw: { ...item.raw, ...change }, why: 'bad coordinates' })),
  // Whole records of the wrong shape (never null or undefined: see the report on toKafkaDeadLetter).
  fc
    .anything()
    .filter((value) => value !== null && value !== undefined)
    .map((raw): Item => ({ kind: 'garbage', raw, why: 'not a record' })),
);

const itemsArb = fc.array(fc.tuple(fc.oneof<fc.Arbitrary<Item>[]>(validArb, garbageArb), fc.nat({ max: 3 })), { maxLength: 25 });

interface Run {
  batch: RecordBatch<KafkaTriggerRecord>;
  published: Array<ReadonlyArray<RejectedRecord<KafkaTriggerRecord>>>;
  handled: number;
}

/** A real middy chain with the batch decoder, the hop guard and the dead-letter middleware; the handler records what it got. */
async function runChain(event: KafkaTriggerEvent, limit: number): Promise<Run> {
  const published: Array<ReadonlyArray<RejectedRecord<KafkaTriggerRecord>>> = [];
  let seen: RecordBatch<KafkaTriggerRecord> | undefined;
  let handled = 0;
  const handler = middy<KafkaTriggerEvent, number, Error, BatchContext<KafkaTriggerRecord>>()
    .use(kafkaRecordBatch())
    .use(hopGuard<KafkaTriggerRecord>({ limit }))
    .use(
      deadLetters<KafkaTriggerRecord>({
        publish: (rejected) => {
          published.push([...rejected]);
          return Promise.resolve();
        },
      }),
    )
    .handler((_event, context) => {
      seen = context.batch;
      handled = context.batch.accepted.length;
      return Promise.resolve(handled);
    });
  await handler(event, lambdaContextOf<KafkaTriggerRecord>('property-consumer'));
  if (seen === undefined) throw new Error('the handler never ran');
  return { batch: seen, published, handled };
}

/** How often each raw record (by identity, or value for primitives) appears in a list. */
const tally = (values: readonly unknown[]): Map<unknown, number> => {
  const counts = new Map<unknown, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return counts;
};

describe('kafkaRecordBatch + hopGuard + deadLetters over generated poison (properties)', () => {
  it('should account for every record: valid ones accepted iff hops <= limit, the rest rejected with a reason and a stage', async () => {
    await fc.assert(
      fc.asyncProperty(itemsArb, fc.integer({ min: 0, max: 15 }), async (placed, limit) => {
        const records: Record<string, unknown[]> = {};
        for (const [item, partition] of placed) (records[`${TOPIC}-${partition}`] ??= []).push(item.raw);
        const event = { eventSource: 'aws:kafka', eventSourceArn: 'arn:aws:kafka:local:0:cluster/p/p', bootstrapServers: 'b:9092', records } as KafkaTriggerEvent;

        const { batch, published, handled } = await runChain(event, limit);
        const items = placed.map(([item]) => item);

        expect(batch.received).toBe(items.length);
        expect(batch.accepted.length + batch.rejected.length).toBe(batch.received);
        expect(handled).toBe(batch.accepted.length);

        const accepted = tally(batch.accepted.map((r) => r.source));
        const rejected = new Map<unknown, Array<RejectedRecord<KafkaTriggerRecord>>>();
        for (const r of batch.rejected) rejected.set(r.source, [...(rejected.get(r.source) ?? []), r]);
        const expectedAccepted = tally(items.filter((i) => i.kind === 'valid' && i.envelope.hops <= limit).map((i) => i.raw));
        expect(accepted).toEqual(expectedAccepted);

        for (const item of items) {
          if (item.kind === 'valid' && item.envelope.hops <= limit) {
            const record = batch.accepted.find((r) => r.source === item.raw);
            expect(record?.envelope).toStrictEqual(upcastEnvelope(item.envelope));
            continue;
          }
          const refusals = rejected.get(item.raw) ?? [];
          expect(refusals.length).toBeGreaterThan(0);
          for (const refusal of refusals) {
            expect(refusal.reason.trim()).not.toBe('');
            if (item.kind === 'valid') {
              expect(refusal.stage).toBe('hop-limit');
              expect(refusal.reason).toContain(`${item.envelope.hops} hops, limit ${limit}`);
            } else {
              expect(refusal.stage).toBe('decode');
            }
          }
        }
        const expectedRejected = items.length - [...expectedAccepted.values()].reduce((a, b) => a + b, 0);
        expect(batch.rejected).toHaveLength(expectedRejected);
        expect(batch.rejected.filter((r) => r.stage === 'hop-limit')).toHaveLength(items.filter((i) => i.kind === 'valid' && i.envelope.hops > limit).length);

        // Every rejected record reaches the dead-letter destination once, with its reason and stage.
        if (batch.rejected.length === 0) expect(published).toEqual([]);
        else expect(published).toEqual([batch.rejected]);
        for (const refusal of batch.rejected) {
          const letter = toKafkaDeadLetter(refusal, 'property-consumer');
          expect(letter.headers['dlt-reason']).toBe(refusal.reason.slice(0, 2000));
          expect(letter.headers['dlt-stage']).toBe(refusal.stage);
          expect(letter.headers['dlt-consumer']).toBe('property-consumer');
        }
      }),
      { numRuns: 150 },
    );
  });

  it('should accept a batch of only valid records whole when the limit allows their hops', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(validArb, { minLength: 1, maxLength: 20 }), async (items) => {
        const limit = Math.max(...items.map((i) => i.envelope.hops));
        const { batch, published } = await runChain({ eventSource: 'aws:kafka', records: { [`${TOPIC}-0`]: items.map((i) => i.raw) } }, limit);
        expect(batch.accepted.map((r) => r.source)).toEqual(items.map((i) => i.raw));
        expect(batch.rejected).toEqual([]);
        expect(published).toEqual([]);
      }),
      { numRuns: 60 },
    );
  });
});
