import fc from 'fast-check';
import { certainIncomingShape, incomingEventShape } from '../../../../shared/envelope/incomingEventShape';
import { validateIncomingEvent } from '../../../../shared/envelope/validateIncomingEvent';
import { clientEventArb, mutate, mutationArb, plainJsonArb, safeIdArb, unsafeIdArb } from '../../../../testkit/arbitraries';

/** Values a field of an event may hold, good and bad: what tells zod's answer apart at the edges. */
const fieldValueArb: fc.Arbitrary<unknown> = fc.oneof(
  safeIdArb,
  unsafeIdArb,
  plainJsonArb,
  fc.string({ maxLength: 120 }),
  fc.constantFrom<unknown>(0, 1, 2, -1, 1.5, 2 ** 53, 2 ** 53 - 1, Number.NaN, Number.POSITIVE_INFINITY, '1', '', 'x'.repeat(100), 'x'.repeat(101), null, undefined, [], {}),
);
const nameArb = fc.constantFrom('type', 'version', 'id', 'key', 'correlationId', 'data', 'events', '__proto__', 'constructor', 'toString', 'extra');

/** Events as clients send them, as JSON.parse gives them, then changed in every way a client could. */
const eventArb: fc.Arbitrary<unknown> = fc.oneof(
  clientEventArb.map((event) => JSON.parse(JSON.stringify(event)) as unknown),
  fc.tuple(clientEventArb, fc.array(mutationArb, { maxLength: 3 })).map(([event, mutations]) => mutate(event, mutations)),
  fc.tuple(clientEventArb, nameArb, fieldValueArb).map(([event, name, value]) => ({ ...event, [name]: value })),
  // Own __proto__ and constructor keys, at the top and in the data, as only JSON.parse makes them.
  fc.tuple(clientEventArb, fc.constantFrom('__proto__', 'constructor', 'prototype'), fc.boolean(), plainJsonArb).map(([event, name, inData, value]) => {
    // A key put first in an object's JSON text: `{"k":v}` or `{"k":v,...the rest}`.
    const withKey = (json: string): string => `{${JSON.stringify(name)}:${JSON.stringify(value)}${json === '{}' ? '}' : `,${json.slice(1)}`}`;
    const { data, ...rest } = event;
    return JSON.parse(inData ? withKey(JSON.stringify({ ...rest, data: '@data' })).replace('"@data"', () => withKey(JSON.stringify(data))) : withKey(JSON.stringify(event))) as unknown;
  }),
  fc.jsonValue({ maxDepth: 2 }),
  fc.constantFrom<unknown>(null, undefined, [], 'event', 1, Object.create(null), new Map(), { type: 'page.viewed', data: [] }, { type: 'page.viewed', data: new Date(0) }),
);

describe('certainIncomingShape', () => {
  it('should accept only events zod accepts, with the same fields', () => {
    fc.assert(
      fc.property(eventArb, (event) => {
        const certain = certainIncomingShape(event);
        if (certain === undefined) return;
        const checked = incomingEventShape.safeParse(event);
        expect(checked.success).toBe(true);
        expect(certain).toStrictEqual(checked.data);
      }),
      { numRuns: 3_000 },
    );
  });

  it('should accept every event a client may send as it comes from JSON, so zod parses only the doubtful ones', () => {
    fc.assert(
      fc.property(clientEventArb, (event) => {
        expect(certainIncomingShape(JSON.parse(JSON.stringify(event)))).toBeDefined();
      }),
      { numRuns: 500 },
    );
  });

  it('should leave to zod what is not a plain JSON object: symbol or hidden keys, other prototypes, data with constructor or __proto__', () => {
    const event = { type: 'page.viewed', data: { userId: 'u', path: '/' } };
    expect(certainIncomingShape(event)).toBe(event);
    expect(certainIncomingShape({ ...event, [Symbol('s')]: 1 })).toBeUndefined();
    expect(certainIncomingShape({ ...event, data: { ...event.data, [Symbol('s')]: 1 } })).toBeUndefined();
    expect(certainIncomingShape(Object.defineProperty({ ...event }, 'hidden', { value: 1, enumerable: false }))).toBeUndefined();
    expect(certainIncomingShape(Object.assign(Object.create(null) as object, event))).toBeUndefined();
    expect(certainIncomingShape({ ...event, data: JSON.parse('{"userId":"u","path":"/","__proto__":{}}') as unknown })).toBeUndefined();
    expect(certainIncomingShape({ ...event, data: { ...event.data, constructor: {} } })).toBeUndefined();
  });
});

/** validateIncomingEvent as it was before the certain shape: zod checks every event. */
const zodOnlyValidate = ((): typeof validateIncomingEvent => {
  let loaded: typeof validateIncomingEvent | undefined;
  jest.isolateModules(() => {
    jest.doMock('../../../../shared/envelope/incomingEventShape', () => ({
      ...jest.requireActual<typeof import('../../../../shared/envelope/incomingEventShape')>('../../../../shared/envelope/incomingEventShape'),
      certainIncomingShape: () => undefined,
    }));
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    loaded = (require('../../../../shared/envelope/validateIncomingEvent') as typeof import('../../../../shared/envelope/validateIncomingEvent')).validateIncomingEvent;
  });
  if (loaded === undefined) throw new Error('validateIncomingEvent did not load');
  return loaded;
})();

/** An answer with what differs between two runs (a new id, the time) set aside. */
const comparable = (result: ReturnType<typeof validateIncomingEvent>, event: unknown) => {
  if (!result.ok) return result;
  const given = (event ?? {}) as { id?: unknown; correlationId?: unknown };
  const { id, time, correlationId, ...rest } = result.envelope;
  return { ...rest, id: given.id === undefined ? 'made' : id, correlationId: given.correlationId === undefined && given.id === undefined ? 'made' : correlationId, time: typeof time };
};

describe('validateIncomingEvent with the certain shape', () => {
  it('should answer every event as zod alone did: the same errors, or the same envelope', () => {
    let accepted = 0;
    fc.assert(
      fc.property(eventArb, (event) => {
        const result = validateIncomingEvent(event, 'events[0]', 'test');
        if (result.ok) accepted++;
        expect(comparable(result, event)).toStrictEqual(comparable(zodOnlyValidate(event, 'events[0]', 'test'), event));
      }),
      { numRuns: 3_000 },
    );
    // Not only refusals were compared.
    expect(accepted).toBeGreaterThan(300);
  });
});
