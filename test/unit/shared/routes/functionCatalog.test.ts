import { PROJECT_ROOT } from '../../../../emulator/services/localPaths';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { derivedResources } from '../../../../deploy/derivedResources';
import { resolveLocalValue } from '../../../../emulator/runtime/serverlessFunctions';
import { FUNCTIONS, functionCatalog, type FunctionRoute } from '../../../../shared/routes/functionCatalog';
import type { FunctionFacts } from '../../../../shared/routes/functionFacts';
import { MIN_PARTITIONS, TOPICS } from '../../../../shared/routes/topics';

const root = PROJECT_ROOT;

const stepFacts: FunctionFacts = { name: 'authorize-payment', produces: ['orders'], publishes: [], redis: { reads: [], writes: [] }, step: 'payment.authorize' };
const projectionFacts: FunctionFacts = { name: 'project-sessions', produces: ['dead-letters'], publishes: [], redis: { reads: [], writes: ['session'] }, projection: 'sessions' };
const starterFacts: FunctionFacts = { name: 'start-order-workflow', produces: [], publishes: [], redis: { reads: [], writes: [] }, eventTypes: ['order.placed'] };
const factsOf = (name: string): FunctionFacts => {
  const found = [stepFacts, projectionFacts, starterFacts].find((f) => f.name === name);
  if (found === undefined) throw new Error(`no facts for ${name}`);
  return found;
};
const msk = (topic: string, extra: Record<string, unknown> = {}) => ({ msk: { arn: 'arn', topic, batchSize: 7, startingPosition: 'LATEST', consumerGroupId: `g-${topic}`, ...extra } });
const sessions = (fn: Record<string, unknown>) => functionCatalog({ projectSessions: { handler: 'functions/project-sessions/handler.handler', ...fn } }, factsOf);
const starter = (fn: Record<string, unknown>) => functionCatalog({ startOrderWorkflow: { handler: 'functions/start-order-workflow/handler.handler', ...fn } }, factsOf);
const placedOnly = [{ value: { type: ['order.placed'] } }];
const step = (fn: Record<string, unknown>) => functionCatalog({ authorizePayment: { handler: 'functions/authorize-payment/handler.handler', ...fn } }, factsOf);

describe('the function catalog: serverless.yml joined with each function.ts', () => {
  it('reads each trigger as the one kind it is, with serverless.yml values and Lambda defaults where it is silent', () => {
    const [fn] = sessions({ timeout: 60, events: [msk('sessions')] });
    expect(fn).toMatchObject({
      key: 'projectSessions',
      name: 'project-sessions',
      projection: 'sessions',
      timeoutSeconds: 60,
      memoryMb: 1024,
      modulePath: 'functions/project-sessions/handler',
      exportName: 'handler',
    });
    expect(fn?.trigger).toEqual({
      kind: 'msk',
      subscriptions: [{ topic: 'sessions', batchSize: 7, maximumBatchingWindow: 0, startingPosition: 'LATEST', consumerGroupId: 'g-sessions', clusterArn: 'arn', filterPatterns: [] }],
    });
    const [mq] = step({ events: [{ rabbitmq: { arn: 'a', queue: 'payment.authorize', basicAuthArn: { Ref: 'X' } } }] });
    expect(mq?.trigger).toEqual({ kind: 'rabbitmq', queue: 'payment.authorize', batchSize: 100, maximumBatchingWindow: 0.5, basicAuthArn: { Ref: 'X' } });
    const [http] = sessions({ events: [{ httpApi: { method: 'get', path: '/x' } }] });
    expect(http?.trigger).toEqual({ kind: 'http', method: 'GET', path: '/x' });
  });

  it.each([
    ['two kinds of trigger', () => sessions({ events: [msk('sessions'), { httpApi: { method: 'GET', path: '/x' } }] }), /owns one trigger/],
    ['two routes', () => sessions({ events: [{ httpApi: { method: 'GET', path: '/x' } }, { httpApi: { method: 'GET', path: '/y' } }] }), /owns one route/],
    ['a route on every method', () => sessions({ events: [{ httpApi: { method: '*', path: '/x' } }] }), /httpApi method \* is not one of/],
    ['an unknown topic', () => sessions({ events: [msk('nope')] }), /msk topic nope is not one of/],
    ['an msk event without its consumer group', () => sessions({ events: [msk('sessions', { consumerGroupId: undefined })] }), /needs a consumerGroupId/],
    ['a starting position Lambda does not have', () => sessions({ events: [msk('sessions', { startingPosition: 'AT_TIMESTAMP' })] }), /startingPosition AT_TIMESTAMP/],
    [
      "a step wired to another step's queue",
      () => step({ events: [{ rabbitmq: { queue: 'inventory.reserve' } }] }),
      /reads queue inventory.reserve, but functions\/authorize-payment\/function.ts carries out payment.authorize/,
    ],
    [
      "a step batch larger than its provider's guard takes at once (its calls past 320 would be refused)",
      () => step({ events: [{ rabbitmq: { queue: 'payment.authorize', batchSize: 321 } }] }),
      /batchSize 321 is more than the payment guard takes at once \(320/,
    ],
    ['no event and no deploy hook', () => sessions({ events: [] }), /no events/],
    ['an sqs event', () => sessions({ events: [{ sqs: { arn: 'x' } }] }), /sqs events are not a trigger/],
    ['a handler outside functions/', () => functionCatalog({ projectSessions: { handler: 'src/x.handler' } }, factsOf), /is not functions\/<name>\/handler/],
    [
      "a key that is not the folder's",
      () => functionCatalog({ sessions: { handler: 'functions/project-sessions/handler.handler', events: [msk('sessions')] } }, factsOf),
      /its key must be projectSessions/,
    ],
    ["another function's role", () => sessions({ role: 'GetOrderRole', events: [msk('sessions')] }), /role must be ProjectSessionsRole/],
    ['an event filter on a function that acts on every type', () => sessions({ events: [msk('sessions', { filterPatterns: placedOnly })] }), /function.ts acts on every event type: expected \[\]/],
    ['a function of some event types with no event filter', () => starter({ events: [msk('orders')] }), /has filterPatterns \[\], but .* acts on order.placed/],
    ['an event filter on other types than function.ts lists', () => starter({ events: [msk('orders', { filterPatterns: [{ value: { type: ['order.completed'] } }] })] }), /acts on order.placed/],
  ])('refuses %s, saying what to fix', (_case, build, message) => {
    expect(build).toThrow(message);
  });

  it("should take a step batch up to what its provider's guard takes at once, and the deployed steps within it", () => {
    const [mq] = step({ events: [{ rabbitmq: { queue: 'payment.authorize', batchSize: 320 } }] });
    expect(mq?.trigger).toMatchObject({ kind: 'rabbitmq', batchSize: 320 });
    const steps = FUNCTIONS.filter((fn) => fn.trigger.kind === 'rabbitmq' && fn.step !== 'payment.refund');
    expect(steps.map((fn) => [fn.name, fn.trigger.kind === 'rabbitmq' ? fn.trigger.batchSize : 0])).toEqual([
      ['authorize-payment', 250],
      ['reserve-inventory', 250],
      ['schedule-shipment', 250],
    ]);
  });

  it('reads the event filter of a function that acts on some event types only', () => {
    const [fn] = starter({ events: [msk('orders', { filterPatterns: placedOnly })] });
    expect(fn?.trigger).toMatchObject({ kind: 'msk', subscriptions: [{ topic: 'orders', filterPatterns: placedOnly }] });
    const starterOfProject = FUNCTIONS.find((f) => f.name === 'start-order-workflow');
    expect(starterOfProject?.eventTypes).toEqual(['order.placed']);
    expect(starterOfProject?.trigger).toMatchObject({ subscriptions: [{ topic: 'orders', filterPatterns: placedOnly }] });
  });

  it("refuses, at package time, a step whose event source logs in with a secret other than its own user's", () => {
    const fns: FunctionRoute[] = step({ role: 'AuthorizePaymentRole', events: [{ rabbitmq: { queue: 'payment.authorize', basicAuthArn: { Ref: 'ReserveInventoryMqSecret' } } }] });
    const hook = FUNCTIONS.filter((fn) => fn.deployHook !== undefined);
    expect(() => derivedResources([...fns, ...hook])).toThrow(/basicAuthArn must be \{"Ref":"AuthorizePaymentMqSecret"\}/);
    const own: FunctionRoute[] = step({ events: [{ rabbitmq: { queue: 'payment.authorize', basicAuthArn: { Ref: 'AuthorizePaymentMqSecret' } } }] });
    expect(derivedResources([...own, ...hook]).Resources).toHaveProperty('AuthorizePaymentRole');
    expect(() => derivedResources(own)).toThrow(/no function whose function.ts declares the workflow-topology deploy hook/);
  });

  it('loads this project: one route each, the audit sink on every topic, the deploy hook on none', () => {
    const kinds = Object.fromEntries(FUNCTIONS.map((fn) => [fn.name, fn.trigger.kind]));
    expect(kinds).toMatchObject({ 'ingest-events': 'http', 'project-sessions': 'msk', 'authorize-payment': 'rabbitmq', 'declare-workflow-topology': 'deploy-hook' });
    const archiver = FUNCTIONS.find((fn) => fn.name === 'archive-events');
    expect(archiver?.trigger.kind === 'msk' ? archiver.trigger.subscriptions.map((s) => s.topic).sort() : []).toEqual(Object.keys(TOPICS).sort());
  });

  it('gives every topic at least 12 partitions and every function a sample event', () => {
    for (const topic of Object.values(TOPICS)) expect(topic.partitions).toBeGreaterThanOrEqual(MIN_PARTITIONS);
    for (const fn of FUNCTIONS) expect(() => readFileSync(join(root, 'events', `${fn.name}.json`))).not.toThrow();
  });

  it('resolves env variables with defaults and leaves deploy-only params out', () => {
    expect(resolveLocalValue("${env:X_TEST, 'd'}", {})).toBe('d');
    expect(resolveLocalValue("${env:X_TEST, 'd'}", { X_TEST: 'v' })).toBe('v');
    expect(resolveLocalValue('${param:redisUrl}', {})).toBeUndefined();
    expect(resolveLocalValue('10', {})).toBe('10');
  });
});
