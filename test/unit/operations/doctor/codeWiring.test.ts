import { checkHandlerGuards } from '../../../../operations/doctor/checkHandlerGuards';
import { checkProjectionWrites } from '../../../../operations/doctor/checkProjectionWrites';
import { checkRouteCycles } from '../../../../operations/doctor/checkRouteCycles';
import { loadFunctionModules, type FunctionModule } from '../../../../operations/doctor/functionModules';
import { sampleProjectionWrites, SAMPLE_NAMESPACE } from '../../../../operations/doctor/projectionSamples';
import type { HandlerGuards } from '../../../../operations/doctor/requiredGuards';
import { commandBindingsOf } from '../../../../operations/doctor/routeGraph';
import { PROJECT_ROOT } from '../../../../emulator/services/localPaths';
import type { Projection } from '../../../../shared/middleware/batch/projectRecords';
import { FUNCTIONS, type FunctionRoute } from '../../../../shared/routes/functionCatalog';
import { WORKFLOW_EXCHANGE, workflowQueues } from '../../../../shared/routes/workflow';
import { command } from '../../../../shared/state/RedisOp';
import { KEY_FAMILIES, type RedisKeys } from '../../../../shared/state/redisKeys';

/** The checks that need no service, on the real handler modules, projections and sample events. */
let modules: Map<string, FunctionModule>;
let guards: Map<string, HandlerGuards>;

beforeAll(async () => {
  modules = await loadFunctionModules(
    FUNCTIONS.filter((fn) => fn.trigger.kind === 'msk' || fn.trigger.kind === 'rabbitmq'),
    PROJECT_ROOT,
  );
  guards = new Map([...modules].map(([name, m]) => [name, m.handler]));
});

const projectionFunctions = FUNCTIONS.filter((fn) => fn.projection !== undefined && fn.trigger.kind === 'msk');
const bindings = commandBindingsOf(workflowQueues(), WORKFLOW_EXCHANGE);

describe("the code's own wiring", () => {
  it('should find the batch guards on every event-source handler module', () => {
    // assess
    expect(checkHandlerGuards(FUNCTIONS, guards)).toMatchObject({ status: 'pass' });
    expect(modules.get('project-sessions')?.handler.guards).toEqual(expect.arrayContaining(['idempotency', 'hop-guard']));
  });

  it('should pass the route cycles on the real handlers', () => {
    // assess
    expect(checkRouteCycles(FUNCTIONS, bindings, guards).status).toBe('pass');
  });

  it('should run every projection on its sample events and find every ttl-family write expiring', () => {
    // act
    const samples = projectionFunctions.map((fn) => sampleProjectionWrites(fn, modules.get(fn.name)?.projection, PROJECT_ROOT));
    const result = checkProjectionWrites({ namespace: SAMPLE_NAMESPACE, keyFamilies: KEY_FAMILIES, samples });

    // assess
    expect(samples.every((s) => s.records.length > 0)).toBe(true);
    expect(result).toMatchObject({ status: 'pass' });
  });

  it('should fail a projection whose build writes a session without expiry on the same sample events', () => {
    // prepare: project-sessions as it would be with its EXPIREAT forgotten
    const fn = projectionFunctions.find((f) => f.name === 'project-sessions') as FunctionRoute;
    const forgetful =
      (keys: RedisKeys): Projection =>
      (event) => [command('HSET', keys.session(String(event.data.sessionId)), 'userId', String(event.data.userId))];
    const broken = { consumer: 'project-sessions', projection: 'sessions', build: forgetful };

    // act
    const result = checkProjectionWrites({ namespace: SAMPLE_NAMESPACE, keyFamilies: KEY_FAMILIES, samples: [sampleProjectionWrites(fn, broken, PROJECT_ROOT)] });

    // assess
    expect(result).toMatchObject({ status: 'fail', detail: expect.stringContaining('doctor:session:') });
  });

  it('should fail a projection function whose handler exports no projection', () => {
    // prepare
    const fn = projectionFunctions.find((f) => f.name === 'project-flags') as FunctionRoute;

    // act
    const result = checkProjectionWrites({ namespace: SAMPLE_NAMESPACE, keyFamilies: KEY_FAMILIES, samples: [sampleProjectionWrites(fn, undefined, PROJECT_ROOT)] });

    // assess
    expect(result).toMatchObject({ status: 'fail', detail: expect.stringContaining('exports no `projection`') });
  });
});
