import { checkHandlerGuards } from '../../../../operations/doctor/checkHandlerGuards';
import type { HandlerGuards } from '../../../../operations/doctor/requiredGuards';
import { BATCH_GUARDS } from '../../../../shared/middleware/batch/batchHandler';
import { FUNCTIONS } from '../../../../shared/routes/functionCatalog';

const allGuarded = new Map<string, HandlerGuards>(FUNCTIONS.map((fn) => [fn.name, { guards: [...BATCH_GUARDS] }]));

describe('checkHandlerGuards', () => {
  it('should pass guarded handlers and show the exemption reason of the audit sink', () => {
    // prepare: the audit sink's handler carries no tags at all
    const handlers = new Map(allGuarded).set('archive-events', { guards: undefined });

    // act
    const result = checkHandlerGuards(FUNCTIONS, handlers);

    // assess
    expect(result).toMatchObject({ status: 'pass', detail: expect.stringContaining('exempt: archive-events (publishes nothing') });
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
