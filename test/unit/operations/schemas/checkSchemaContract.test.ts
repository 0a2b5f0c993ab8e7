import { z } from 'zod';
import { EVENT_CATALOG, flagSetV1, flagSetV2, type EventTypeSpec } from '../../../../shared/envelope/eventCatalog';
import { eventJsonSchemas } from '../../../../shared/envelope/eventJsonSchemas';
import { checkSchemaContract, type ContractFinding, type ContractInput } from '../../../../operations/schemas/checkSchemaContract';
import type { VersionRetirement } from '../../../../operations/schemas/versionRetirements';

/**
 * Each kind of change on a copy of the catalog: the released contract is what eventJsonSchemas made of
 * the catalog before the change, the check runs on the catalog after it.
 */
type Catalog = Readonly<Record<string, EventTypeSpec>>;
type Data = z.ZodType<Record<string, unknown>>;

const FOREVER: Record<string, number> = { sessions: -1, flags: -1, scores: -1, activity: -1, orders: -1, 'dead-letters': -1 };
const WEEK_MS = 7 * 86_400_000;
const WEEK: Record<string, number> = Object.fromEntries(Object.keys(FOREVER).map((t) => [t, WEEK_MS]));

const withSpec = (catalog: Catalog, type: string, spec: EventTypeSpec): Catalog => ({ ...catalog, [type]: spec });
const single = (topic: EventTypeSpec['topic'], v1: Data): EventTypeSpec => ({ topic, keyField: 'id', schemas: { 1: v1 }, upcasters: {}, currentVersion: 1, acceptedOverHttp: true });
/** The real catalog with one more type, whose v1 is `before`. */
const withTestType = (before: Data): Catalog => withSpec(EVENT_CATALOG, 'test.measured', single('scores', before));
const flagSet = (patch: Partial<EventTypeSpec>): EventTypeSpec => ({ ...(EVENT_CATALOG['flag.set'] as EventTypeSpec), ...patch });

function check(released: Catalog, changed: Catalog, options: Partial<ContractInput> = {}): ContractFinding[] {
  return checkSchemaContract({
    catalog: changed,
    committed: eventJsonSchemas(released),
    retirements: [],
    topicRetentionMs: FOREVER,
    deadLetterTopic: 'dead-letters',
    today: new Date('2027-03-01T12:00:00Z'),
    samplesPerVersion: 100,
    ...options,
  });
}

const breaking = (findings: readonly ContractFinding[]) => findings.filter((f) => f.breaking).map((f) => ({ type: f.type, version: f.version, field: f.field, kind: f.kind, message: f.message }));

/** The change to the test type's v1 from `before` to `after` breaks, at `field`, with a message matching `message`. */
function expectNarrowing(before: Data, after: Data, field: string, message: RegExp): void {
  const found = breaking(check(withTestType(before), withTestType(after)));
  expect(found).toContainEqual({ type: 'test.measured', version: 1, field, kind: 'narrowed', message: expect.stringMatching(message) });
  expect(found.every((f) => f.type === 'test.measured')).toBe(true);
}

function expectCompatible(before: Data, after: Data): ContractFinding[] {
  const findings = check(withTestType(before), withTestType(after));
  expect(breaking(findings)).toEqual([]);
  return findings;
}

describe('checkSchemaContract', () => {
  it('should find nothing when the catalog is what was released', () => {
    expect(check(EVENT_CATALOG, EVENT_CATALOG)).toEqual([]);
  });

  describe('breaking changes within a released version', () => {
    it('should refuse a field removed, naming type, version and field', () => {
      const pageViewed = EVENT_CATALOG['page.viewed'] as EventTypeSpec;
      const found = breaking(check(EVENT_CATALOG, withSpec(EVENT_CATALOG, 'page.viewed', { ...pageViewed, schemas: { 1: z.strictObject({ userId: z.string() }) } })));
      expect(found).toEqual([{ type: 'page.viewed', version: 1, field: 'path', kind: 'narrowed', message: expect.stringContaining('field removed') }]);
    });

    it('should refuse a field renamed, as the old name removed and the new one required', () => {
      const found = breaking(check(withTestType(z.strictObject({ id: z.string(), path: z.string() })), withTestType(z.strictObject({ id: z.string(), url: z.string() }))));
      expect(found).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ field: 'path', message: expect.stringContaining('or renamed to url') }),
          expect.objectContaining({ field: 'url', message: expect.stringContaining('new required field') }),
        ]),
      );
    });

    it('should refuse a type narrowed (number to integer)', () => {
      expectNarrowing(z.strictObject({ id: z.string(), value: z.number() }), z.strictObject({ id: z.string(), value: z.number().int() }), 'value', /^type narrowed: "number" -> "integer"/);
    });

    it('should refuse a type changed (integer to string)', () => {
      expectNarrowing(z.strictObject({ id: z.string(), value: z.number().int() }), z.strictObject({ id: z.string(), value: z.string() }), 'value', /^type narrowed/);
    });

    it('should refuse null no longer accepted', () => {
      expectNarrowing(
        z.strictObject({ id: z.string(), value: z.string().nullable() }),
        z.strictObject({ id: z.string(), value: z.string() }),
        'value',
        /^type narrowed: \["string","null"\] -> "string"/,
      );
    });

    it('should refuse an optional field made required', () => {
      const sessionStarted = EVENT_CATALOG['session.started'] as EventTypeSpec;
      const required = z.strictObject({ sessionId: z.string(), userId: z.string(), ttlSeconds: z.number().int().min(1).max(604_800) });
      const found = breaking(check(EVENT_CATALOG, withSpec(EVENT_CATALOG, 'session.started', { ...sessionStarted, schemas: { 1: required } })));
      expect(found).toContainEqual(expect.objectContaining({ type: 'session.started', version: 1, field: 'ttlSeconds', message: expect.stringContaining('made required') }));
    });

    it('should refuse a new required field', () => {
      expectNarrowing(z.strictObject({ id: z.string() }), z.strictObject({ id: z.string(), at: z.string() }), 'at', /^new required field/);
    });

    it('should refuse an enum value removed', () => {
      expectNarrowing(
        z.strictObject({ id: z.string(), tier: z.enum(['gold', 'silver', 'bronze']) }),
        z.strictObject({ id: z.string(), tier: z.enum(['gold', 'silver']) }),
        'tier',
        /^enum value removed: "bronze"/,
      );
    });

    it('should refuse a const replacing a free value', () => {
      expectNarrowing(z.strictObject({ id: z.string(), tier: z.string() }), z.strictObject({ id: z.string(), tier: z.literal('gold') }), 'tier', /^values narrowed/);
    });

    it('should refuse a range narrowed at either end', () => {
      const flags = flagSet({ schemas: { 1: flagSetV1, 2: flagSetV2.extend({ rollout: z.number().int().min(1).max(50) }) } });
      const found = breaking(check(EVENT_CATALOG, withSpec(EVENT_CATALOG, 'flag.set', flags)));
      expect(found).toEqual(
        expect.arrayContaining([
          { type: 'flag.set', version: 2, field: 'rollout', kind: 'narrowed', message: 'range narrowed: minimum >= 0 -> >= 1' },
          { type: 'flag.set', version: 2, field: 'rollout', kind: 'narrowed', message: 'range narrowed: maximum <= 100 -> <= 50' },
        ]),
      );
    });

    it('should refuse an inclusive bound made exclusive', () => {
      expectNarrowing(z.strictObject({ id: z.string(), value: z.number().min(0) }), z.strictObject({ id: z.string(), value: z.number().gt(0) }), 'value', /^range narrowed: minimum >= 0 -> > 0/);
    });

    it('should refuse a multipleOf added', () => {
      expectNarrowing(z.strictObject({ id: z.string(), value: z.number().int() }), z.strictObject({ id: z.string(), value: z.number().int().multipleOf(5) }), 'value', /^multipleOf narrowed/);
    });

    it('should refuse a pattern changed, even to one that looks wider', () => {
      expectNarrowing(z.strictObject({ id: z.string(), code: z.string().regex(/^[A-Z]{3}$/) }), z.strictObject({ id: z.string(), code: z.string().regex(/^[A-Z]{2,3}$/) }), 'code', /^pattern changed/);
    });

    it('should refuse a pattern added', () => {
      expectNarrowing(z.strictObject({ id: z.string(), code: z.string() }), z.strictObject({ id: z.string(), code: z.string().regex(/^[A-Z]+$/) }), 'code', /^pattern added/);
    });

    it('should refuse a length narrowed', () => {
      const pageViewed = EVENT_CATALOG['page.viewed'] as EventTypeSpec;
      const shorter = z.strictObject({ userId: z.string().regex(/^[A-Za-z0-9._@-]{1,128}$/), path: z.string().min(1).max(1024).startsWith('/') });
      const found = breaking(check(EVENT_CATALOG, withSpec(EVENT_CATALOG, 'page.viewed', { ...pageViewed, schemas: { 1: shorter } })));
      expect(found).toEqual([{ type: 'page.viewed', version: 1, field: 'path', kind: 'narrowed', message: 'length narrowed: maxLength 2048 -> 1024' }]);
    });

    it('should refuse a format added', () => {
      expectNarrowing(z.strictObject({ id: z.string(), contact: z.string() }), z.strictObject({ id: z.string(), contact: z.email() }), 'contact', /^format added: "email"/);
    });

    it('should refuse additionalProperties closed', () => {
      expectNarrowing(z.looseObject({ id: z.string() }), z.strictObject({ id: z.string() }), '*', /^additionalProperties closed/);
    });

    it('should refuse array item limits narrowed, and a narrowing inside the items', () => {
      const orderPlaced = EVENT_CATALOG['order.placed'] as EventTypeSpec;
      const fewer = z.strictObject({
        orderId: z.string().regex(/^[A-Za-z0-9._@-]{1,128}$/),
        userId: z.string().regex(/^[A-Za-z0-9._@-]{1,128}$/),
        amount: z.number().int().min(1).max(1_000_000_000_00),
        currency: z.string().regex(/^[A-Z]{3}$/),
        paymentToken: z.string().regex(/^[A-Za-z0-9._@-]{1,128}$/),
        items: z
          .array(z.strictObject({ sku: z.string().regex(/^[A-Za-z0-9._@-]{1,128}$/), qty: z.number().int().min(1).max(10) }))
          .min(1)
          .max(20),
      });
      const found = breaking(check(EVENT_CATALOG, withSpec(EVENT_CATALOG, 'order.placed', { ...orderPlaced, schemas: { 1: fewer } })));
      expect(found).toEqual([
        { type: 'order.placed', version: 1, field: 'items', kind: 'narrowed', message: 'item count narrowed: maxItems 100 -> 20' },
        { type: 'order.placed', version: 1, field: 'items[].qty', kind: 'narrowed', message: 'range narrowed: maximum <= 1000 -> <= 10' },
      ]);
    });
  });

  describe('breaking changes between versions', () => {
    const flagSetV3 = flagSetV2.extend({ audience: z.enum(['all', 'staff']) });

    it('should refuse a new version without an upcaster from the one before it', () => {
      const found = breaking(check(EVENT_CATALOG, withSpec(EVENT_CATALOG, 'flag.set', flagSet({ schemas: { 1: flagSetV1, 2: flagSetV2, 3: flagSetV3 }, currentVersion: 3 }))));
      expect(found).toEqual([{ type: 'flag.set', version: 3, field: '', kind: 'missing-upcaster', message: expect.stringContaining('no upcaster from v2 to v3 (upcasters[2])') }]);
    });

    it('should refuse a released version left without its upcaster', () => {
      const found = breaking(check(EVENT_CATALOG, withSpec(EVENT_CATALOG, 'flag.set', flagSet({ upcasters: {} }))));
      expect(found).toEqual([expect.objectContaining({ type: 'flag.set', version: 2, kind: 'missing-upcaster', message: expect.stringContaining('v1 records could not be read as v2') })]);
    });

    it('should refuse a currentVersion that is not the newest schema', () => {
      const found = breaking(check(EVENT_CATALOG, withSpec(EVENT_CATALOG, 'flag.set', flagSet({ currentVersion: 1 }))));
      expect(found).toContainEqual(expect.objectContaining({ type: 'flag.set', kind: 'current-version', message: 'currentVersion is 1 but the newest schema is v2' }));
    });

    it('should refuse an upcaster whose output the current version refuses, naming the field', () => {
      const forgetful = flagSet({ upcasters: { 1: (data) => data } });
      const found = breaking(check(EVENT_CATALOG, withSpec(EVENT_CATALOG, 'flag.set', forgetful)));
      expect(found).toEqual([{ type: 'flag.set', version: 1, field: 'rollout', kind: 'upcast-refused', message: expect.stringMatching(/^v1 record .* is refused by v2/) }]);
    });

    it('should refuse an upcaster that throws on a valid older record', () => {
      const throwing = flagSet({
        upcasters: {
          1: (data) => {
            if (data.rollout === undefined) throw new Error('no rollout');
            return data;
          },
        },
      });
      expect(breaking(check(EVENT_CATALOG, withSpec(EVENT_CATALOG, 'flag.set', throwing)))).toEqual([
        expect.objectContaining({ type: 'flag.set', version: 1, kind: 'upcast-refused', message: expect.stringContaining('threw: no rollout') }),
      ]);
    });

    it('should refuse a new version whose upcast records the new schema refuses', () => {
      const v3 = flagSet({
        schemas: { 1: flagSetV1, 2: flagSetV2, 3: flagSetV3 },
        upcasters: { 1: (EVENT_CATALOG['flag.set'] as EventTypeSpec).upcasters[1] ?? ((d) => d), 2: (d) => d },
        currentVersion: 3,
      });
      const found = breaking(check(EVENT_CATALOG, withSpec(EVENT_CATALOG, 'flag.set', v3)));
      expect(found).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ type: 'flag.set', version: 1, field: 'audience', kind: 'upcast-refused' }),
          expect.objectContaining({ type: 'flag.set', version: 2, field: 'audience', kind: 'upcast-refused' }),
        ]),
      );
    });

    it('should refuse a released version removed without a retirement record', () => {
      const found = breaking(check(EVENT_CATALOG, withSpec(EVENT_CATALOG, 'flag.set', flagSet({ schemas: { 2: flagSetV2 }, upcasters: {} }))));
      expect(found).toEqual([{ type: 'flag.set', version: 1, field: '', kind: 'removed', message: expect.stringContaining('topics flags and dead-letters may still hold it') }]);
    });

    it('should refuse a whole type removed', () => {
      const { 'session.touched': _gone, ...rest } = EVENT_CATALOG;
      expect(breaking(check(EVENT_CATALOG, rest))).toEqual([expect.objectContaining({ type: 'session.touched', version: 1, kind: 'removed', message: expect.stringContaining('any topic') })]);
    });

    const retireV1 = (lastWrittenOn: string): VersionRetirement[] => [{ type: 'flag.set', version: 1, lastWrittenOn, reason: 'producers send v2' }];
    const withoutV1 = withSpec(EVENT_CATALOG, 'flag.set', flagSet({ schemas: { 2: flagSetV2 }, upcasters: {} }));

    it('should refuse a retirement while a topic keeps records for ever', () => {
      const found = breaking(check(EVENT_CATALOG, withoutV1, { retirements: retireV1('2026-01-01') }));
      expect(found).toEqual([expect.objectContaining({ type: 'flag.set', version: 1, kind: 'retired-too-early', message: expect.stringContaining('keep records for ever') })]);
    });

    it("should refuse a retirement younger than the topics' retention, saying from when it may go", () => {
      const found = breaking(check(EVENT_CATALOG, withoutV1, { retirements: retireV1('2027-02-25'), topicRetentionMs: WEEK }));
      expect(found).toEqual([expect.objectContaining({ type: 'flag.set', version: 1, kind: 'retired-too-early', message: expect.stringContaining('may be removed from 2027-03-05') })]);
    });

    it('should count the dead-letter topic, which holds every type, in the retention', () => {
      const found = breaking(check(EVENT_CATALOG, withoutV1, { retirements: retireV1('2026-01-01'), topicRetentionMs: { ...WEEK, 'dead-letters': -1 } }));
      expect(found).toEqual([expect.objectContaining({ kind: 'retired-too-early' })]);
    });

    it('should refuse retiring a workflow command, which parking lots keep without expiry', () => {
      const authorize = EVENT_CATALOG['payment.authorize'] as EventTypeSpec;
      const v2Only = withSpec(EVENT_CATALOG, 'payment.authorize', { ...authorize, schemas: { 2: authorize.schemas[1] ?? flagSetV2 }, currentVersion: 2 });
      const retirements = [{ type: 'payment.authorize', version: 1, lastWrittenOn: '2026-01-01', reason: 'v2' }];
      expect(breaking(check(EVENT_CATALOG, v2Only, { retirements, topicRetentionMs: WEEK }))).toEqual([
        expect.objectContaining({ type: 'payment.authorize', version: 1, kind: 'retired-too-early', message: expect.stringContaining('parking lots') }),
      ]);
    });

    it('should refuse a retired version number used again', () => {
      const found = breaking(check(EVENT_CATALOG, EVENT_CATALOG, { retirements: retireV1('2026-01-01'), topicRetentionMs: WEEK }));
      expect(found).toEqual([expect.objectContaining({ type: 'flag.set', version: 1, kind: 'retired-reused' })]);
    });
  });

  describe('compatible changes', () => {
    it('should pass an optional field added, and say it awaits release', () => {
      const findings = expectCompatible(z.strictObject({ id: z.string() }), z.strictObject({ id: z.string(), note: z.string().max(10).optional() }));
      expect(findings).toEqual([expect.objectContaining({ type: 'test.measured', version: 1, kind: 'widened', breaking: false })]);
    });

    it('should pass a required field made optional', () => {
      expectCompatible(z.strictObject({ id: z.string(), note: z.string() }), z.strictObject({ id: z.string(), note: z.string().optional() }));
    });

    it('should pass a range, a length and an item limit widened', () => {
      expectCompatible(
        z.strictObject({ id: z.string().max(10), value: z.number().int().min(0).max(10), tags: z.array(z.string()).max(3) }),
        z.strictObject({ id: z.string().max(20), value: z.number().int().min(-5).max(100), tags: z.array(z.string()).max(30) }),
      );
    });

    it('should pass a type widened (integer to number, null allowed)', () => {
      expectCompatible(z.strictObject({ id: z.string(), value: z.number().int() }), z.strictObject({ id: z.string(), value: z.number().nullable() }));
    });

    it('should pass an enum value added', () => {
      expectCompatible(z.strictObject({ id: z.string(), tier: z.enum(['gold', 'silver']) }), z.strictObject({ id: z.string(), tier: z.enum(['gold', 'silver', 'bronze']) }));
    });

    it('should pass a pattern removed', () => {
      expectCompatible(z.strictObject({ id: z.string(), code: z.string().regex(/^[A-Z]{3}$/) }), z.strictObject({ id: z.string(), code: z.string() }));
    });

    it('should pass additionalProperties opened', () => {
      expectCompatible(z.strictObject({ id: z.string() }), z.looseObject({ id: z.string() }));
    });

    it('should pass a new version with an upcaster whose records the new version reads', () => {
      const flagSetV3 = flagSetV2.extend({ audience: z.enum(['all', 'staff']) });
      const upcastV1 = (EVENT_CATALOG['flag.set'] as EventTypeSpec).upcasters[1] ?? ((d) => d);
      const v3 = flagSet({ schemas: { 1: flagSetV1, 2: flagSetV2, 3: flagSetV3 }, upcasters: { 1: upcastV1, 2: (data) => ({ ...data, audience: 'all' }) }, currentVersion: 3 });
      const findings = check(EVENT_CATALOG, withSpec(EVENT_CATALOG, 'flag.set', v3));
      expect(findings).toEqual([{ type: 'flag.set', version: 3, field: '', kind: 'new-version', breaking: false, message: expect.stringContaining('not released yet') }]);
    });

    it('should pass a new event type', () => {
      const findings = check(EVENT_CATALOG, withTestType(z.strictObject({ id: z.string() })));
      expect(findings).toEqual([expect.objectContaining({ type: 'test.measured', version: 1, kind: 'new-version', breaking: false })]);
    });

    it("should pass a retirement older than the topics' retention", () => {
      const withoutV1 = withSpec(EVENT_CATALOG, 'flag.set', flagSet({ schemas: { 2: flagSetV2 }, upcasters: {} }));
      const findings = check(EVENT_CATALOG, withoutV1, { retirements: [{ type: 'flag.set', version: 1, lastWrittenOn: '2027-02-20', reason: 'producers send v2' }], topicRetentionMs: WEEK });
      expect(findings).toEqual([expect.objectContaining({ type: 'flag.set', version: 1, kind: 'retired', breaking: false })]);
    });
  });
});
