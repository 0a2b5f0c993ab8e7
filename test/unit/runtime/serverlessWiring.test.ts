import { functionKey } from '../../../shared/routes/derivedNames';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readServerlessWiring, resolveLocalValue } from '../../../emulator/runtime/serverlessFunctions';
import { renderServerlessYaml } from '../../../deploy/renderServerlessConfig';
import { FUNCTIONS } from '../../../shared/routes/manifest';
import { MIN_PARTITIONS, TOPICS } from '../../../shared/routes/topics';

const root = join(__dirname, '..', '..', '..');

describe('serverless.yml and the routing manifest', () => {
  it('should be exactly what the manifest renders (run `npm run wiring` after changing the manifest)', () => {
    expect(readFileSync(join(root, 'serverless.yml'), 'utf8')).toBe(renderServerlessYaml());
  });

  it('should give the local runtime one function per manifest entry, each with its one route', () => {
    const wiring = readServerlessWiring(root);
    expect(wiring.functions.map((f) => f.key)).toEqual(FUNCTIONS.map((f) => functionKey(f.name)));
    // One route each; the audit sink's one route is "every topic", so it has a mapping per topic.
    const routes = (key: string) => (key === 'declareWorkflowTopology' ? 0 : key === 'archiveEvents' ? Object.keys(TOPICS).length : 1);
    for (const fn of wiring.functions) expect(fn.http.length + fn.msk.length + fn.rabbitmq.length).toBe(routes(fn.key));
    expect(wiring.functions.find((f) => f.key === 'authorizePayment')?.rabbitmq[0]).toMatchObject({ queue: 'payment.authorize', batchSize: 50 });
    expect(wiring.functions.find((f) => f.key === 'projectSessions')?.msk[0]).toMatchObject({ topic: 'sessions', batchSize: 500, consumerGroupId: 'triplane-project-sessions' });
  });

  it('should give every topic at least 12 partitions and a sample event to every function', () => {
    for (const topic of Object.values(TOPICS)) expect(topic.partitions).toBeGreaterThanOrEqual(MIN_PARTITIONS);
    for (const fn of FUNCTIONS) expect(() => readFileSync(join(root, 'events', `${fn.name}.json`))).not.toThrow();
  });

  it('should resolve env variables with defaults and leave deploy-only params out', () => {
    expect(resolveLocalValue("${env:X_TEST, 'd'}", {})).toBe('d');
    expect(resolveLocalValue("${env:X_TEST, 'd'}", { X_TEST: 'v' })).toBe('v');
    expect(resolveLocalValue('${param:redisUrl}', {})).toBeUndefined();
    expect(resolveLocalValue('10', {})).toBe('10');
  });
});
