import { checkRouteCycles } from '../../../../operations/doctor/checkRouteCycles';
import type { HandlerGuards } from '../../../../operations/doctor/requiredGuards';
import { buildRouteGraph, commandBindingsOf, cyclicComponents } from '../../../../operations/doctor/routeGraph';
import { FUNCTIONS, type FunctionRoute } from '../../../../shared/routes/functionCatalog';
import { WORKFLOW_EXCHANGE, workflowQueues } from '../../../../shared/routes/workflow';
import { BATCH_GUARDS } from '../../../../shared/middleware/batch/batchHandler';

const bindings = commandBindingsOf(workflowQueues(), WORKFLOW_EXCHANGE);
const allGuarded = new Map<string, HandlerGuards>(FUNCTIONS.map((fn) => [fn.name, { guards: [...BATCH_GUARDS] }]));

describe('checkRouteCycles', () => {
  it("should find today's saga loop (orders -> start-order-workflow -> payment.authorize -> authorize-payment -> orders)", () => {
    // act
    const components = cyclicComponents(buildRouteGraph(FUNCTIONS, bindings));

    // assess
    expect(components).toHaveLength(1);
    expect(components[0]).toEqual(expect.arrayContaining(['topic:orders', 'fn:start-order-workflow', 'queue:payment.authorize', 'fn:authorize-payment']));
  });

  it('should pass the loop when every function on it carries the guards', () => {
    // act
    const result = checkRouteCycles(FUNCTIONS, bindings, allGuarded);

    // assess
    expect(result).toMatchObject({ status: 'pass', detail: expect.stringContaining('1 cycle, hop-guarded') });
  });

  it('should fail the same graph when one function on the loop has no hop guard', () => {
    // prepare
    const handlers = new Map(allGuarded).set('authorize-payment', { guards: ['record-isolation', 'dead-letters'] });

    // act
    const result = checkRouteCycles(FUNCTIONS, bindings, handlers);

    // assess
    expect(result).toMatchObject({ status: 'fail', detail: expect.stringContaining('authorize-payment lacks idempotency+hop-guard') });
  });

  it('should ignore an unguarded function off every loop', () => {
    // prepare
    const handlers = new Map(allGuarded).set('project-flags', { guards: undefined });

    // assess
    expect(checkRouteCycles(FUNCTIONS, bindings, handlers).status).toBe('pass');
  });

  it('should fail a new loop through Kafka alone when its function is unguarded', () => {
    // prepare: a function that consumes scores and produces scores again
    const echo: FunctionRoute = {
      name: 'echo-scores',
      key: 'echoScores',
      modulePath: 'functions/echo-scores/handler',
      exportName: 'handler',
      description: '',
      trigger: {
        kind: 'msk',
        subscriptions: [{ topic: 'scores', batchSize: 1, maximumBatchingWindow: 0, startingPosition: 'LATEST', consumerGroupId: 'triplane-echo-scores', clusterArn: 'arn', filterPatterns: [] }],
      },
      produces: ['scores'],
      publishes: [],
      redis: { reads: [], writes: [] },
      timeoutSeconds: 1,
      memoryMb: 128,
    };

    // act
    const result = checkRouteCycles([...FUNCTIONS, echo], bindings, allGuarded);

    // assess
    expect(result).toMatchObject({ status: 'fail', detail: expect.stringContaining('scores -> echo-scores') });
  });
});
