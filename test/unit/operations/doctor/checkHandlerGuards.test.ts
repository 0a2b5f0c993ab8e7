import { checkHandlerGuards } from '../../../../operations/doctor/checkHandlerGuards';
import type { HandlerGuards } from '../../../../operations/doctor/requiredGuards';
import { BATCH_GUARDS, OFFSET_CHECK_GUARD } from '../../../../shared/middleware/batch/batchHandler';
import { FUNCTIONS, filtersRecords, type FunctionRoute } from '../../../../shared/routes/functionCatalog';

/** As the handlers are built: MSK handlers check offsets unless their mapping filters. */
const checksOffsets = (fn: FunctionRoute) => fn.trigger.kind === 'msk' && !filtersRecords(fn);
const allGuarded = new Map<string, HandlerGuards>(FUNCTIONS.map((fn) => [fn.name, { guards: checksOffsets(fn) ? [...BATCH_GUARDS, OFFSET_CHECK_GUARD] : [...BATCH_GUARDS] }]));

describe('checkHandlerGuards', () => {
  it('should pass guarded handlers and show the exemption reason of the audit sink', () => {
    // prepare: the audit sink's handler carries no tags at all
    const handlers = new Map(allGuarded).set('archive-events', { guards: undefined });

    // act
    const result = checkHandlerGuards(FUNCTIONS, handlers);

    // assess
    expect(result).toMatchObject({ status: 'pass', detail: expect.stringContaining('exempt: archive-events (publishes nothing') });
  });

  it('should fail a filtered MSK handler that checks offsets, and an unfiltered one that does not', () => {
    const withCheck = new Map(allGuarded).set('start-order-workflow', { guards: [...BATCH_GUARDS, OFFSET_CHECK_GUARD] });
    expect(checkHandlerGuards(FUNCTIONS, withCheck)).toMatchObject({
      status: 'fail',
      detail: expect.stringContaining("start-order-workflow's mapping filters records, but its handler checks offsets"),
      fix: expect.stringContaining('`filtered: true` exactly when its mapping has filterPatterns'),
    });
    const withoutCheck = new Map(allGuarded).set('project-orders', { guards: [...BATCH_GUARDS] });
    expect(checkHandlerGuards(FUNCTIONS, withoutCheck)).toMatchObject({ status: 'fail', detail: expect.stringContaining('project-orders lacks the offset check for skipped records') });
  });

  it('should fail a handler without guards', () => {
    // prepare
    const handlers = new Map(allGuarded).set('project-flags', { guards: undefined });

    // act
    const result = checkHandlerGuards(FUNCTIONS, handlers);

    // assess
    expect(result).toMatchObject({ status: 'fail', detail: expect.stringContaining('project-flags lacks idempotency + hop-guard') });
  });

  it('should fail a handler with the hop guard but no idempotency', () => {
    // prepare
    const handlers = new Map(allGuarded).set('reserve-inventory', { guards: ['hop-guard'] });

    // assess
    expect(checkHandlerGuards(FUNCTIONS, handlers)).toMatchObject({ status: 'fail', detail: expect.stringContaining('reserve-inventory lacks idempotency') });
  });

  it('should fail a module that does not load', () => {
    // prepare
    const handlers = new Map(allGuarded).set('start-order-workflow', { guards: undefined, loadError: 'handler module failed to load: boom' });

    // assess
    expect(checkHandlerGuards(FUNCTIONS, handlers)).toMatchObject({ status: 'fail', detail: expect.stringContaining('boom') });
  });

  it('should not hold HTTP functions to the batch guards', () => {
    // prepare
    const handlers = new Map([...allGuarded].filter(([name]) => name !== 'get-session'));

    // assess
    expect(checkHandlerGuards(FUNCTIONS, handlers).status).toBe('pass');
  });
});
