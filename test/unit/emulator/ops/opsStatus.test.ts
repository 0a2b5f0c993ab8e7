import { opsStatus, type SystemsStatus } from '../../../../emulator/ops/collectOpsStatus';
import type { FunctionFigures } from '../../../../emulator/ops/processFigures';
import { countDelivered } from '../../../../shared/observability/queueTraffic';
import { WORKFLOW_STEPS } from '../../../../shared/routes/workflow';

const figures = (name: string, published: Record<string, number>): FunctionFigures => ({
  function: name,
  functions: [],
  breakers: [],
  retries: undefined,
  published,
  memory: { heapUsed: 1, heapTotal: 2, external: 0, arrayBuffers: 0 },
});

describe('opsStatus', () => {
  const step = WORKFLOW_STEPS[0];
  if (step === undefined) throw new Error('no workflow step');

  it("should add each queue's publishes (summed over the workers) and deliveries (counted here) to the depths the sampler read", () => {
    countDelivered(step.queue, 3);
    const systems: SystemsStatus = {
      lag: [],
      queues: [{ queue: step.queue, depth: 4, consumers: 1, parkingLot: 2 }],
      redis: { error: 'down' },
    };
    const status = opsStatus(systems, [figures('a', { [step.queue]: 5 }), figures('b', { [step.queue]: 2 })]);
    expect(status.queues).toEqual([{ queue: step.queue, depth: 4, consumers: 1, parkingLot: 2, published: 7, delivered: 3 }]);
    expect(status.redis).toEqual({ error: 'down' });
  });

  it("should pass a system's error through in place of its figures, and keep the others", () => {
    const status = opsStatus({ lag: { error: 'kafka down' }, queues: { error: 'rabbitmq down' }, redis: { error: 'redis down' } }, []);
    expect(status.lag).toEqual({ error: 'kafka down' });
    expect(status.queues).toEqual({ error: 'rabbitmq down' });
    expect(status.memory.workers).toEqual([]);
  });
});
