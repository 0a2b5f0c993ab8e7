import { PROJECT_ROOT } from '../../../emulator/services/localPaths';
import { CAPABILITY_NEEDS, type Capability } from '../../../deploy/iamCapabilities';
import { API_KEYS_SECRET } from '../../../deploy/renderApiKeySecret';
import { functionRoles, type Statement } from '../../../deploy/renderFunctionRoles';
import { hasMqUser } from '../../../deploy/renderMqUsers';
import { logGroupIdOf, mqSecretIdOf, redisSecretIdOf, roleIdOf } from '../../../shared/routes/derivedNames';
import { readServerlessFile, type FunctionRoute } from '../../../shared/routes/functionCatalog';
import { usesRedis } from '../../../shared/security/redisAcl';
import { deployedFunctionCatalog } from '../../../testkit/deployedFunctionCatalog';

/**
 * Every role rendered from the real serverless.yml and function.ts files, held to the capability table
 * in both directions: each (action, resource) a role grants is one a table row of a capability the
 * function has asks for (nothing extra), and each such row is granted on each of the function's own
 * resources (nothing missing). Which capabilities a function has is restated here from its trigger and
 * facts, as the specification the renderer must meet.
 */
const functions = deployedFunctionCatalog();
const roles = functionRoles(functions) as Record<string, { Properties: { Policies: Array<{ PolicyDocument: { Statement: Statement[] } }>; ManagedPolicyArns?: unknown } }>;
const statementsOf = (fn: FunctionRoute): Statement[] => roles[roleIdOf(fn.name)]?.Properties.Policies.flatMap((p) => p.PolicyDocument.Statement) ?? [];

/** A granted resource named by kind and name, whatever ARN shape the renderer builds for it. */
function resourceName(resource: unknown): string {
  const text = JSON.stringify(resource);
  if (resource === '*') return 'any';
  if (resource === '${param:mskClusterArn}') return 'cluster';
  if (resource === '${param:mqBrokerArn}') return 'broker';
  if (resource === '${param:mqSecretArn}') return 'secret:admin';
  const arn = /:(topic|group)\/\$\{ClusterPart\}\/([\w.-]+)"/.exec(text);
  if (arn !== null) return `${arn[1] ?? ''}:${arn[2] ?? ''}`;
  if (/^\{"Ref":"\w+"\}$/.test(text)) return `secret:${(resource as { Ref: string }).Ref}`;
  if (/^\{"Fn::GetAtt":\["\w+LogGroup","Arn"\]\}$/.test(text)) return `log-group:${(resource as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0] ?? ''}`;
  if (text === JSON.stringify({ 'Fn::Sub': 'arn:${AWS::Partition}:s3:::${param:archiveBucket}/*' })) return 'archive-objects';
  return `unrecognised:${text}`;
}

/** The specification: what each function does, from its trigger and its function.ts, with the names of its own resources. */
function expectedCapabilities(fn: FunctionRoute): Array<{ capability: Capability; names: Record<string, string[]> }> {
  const expected: Array<{ capability: Capability; names: Record<string, string[]> }> = [
    { capability: 'write-logs', names: { 'log-group': [`log-group:${logGroupIdOf(fn.name)}`] } },
    { capability: 'run-in-vpc', names: {} },
  ];
  if (fn.trigger.kind === 'msk') {
    const subscriptions = fn.trigger.subscriptions;
    expected.push({
      capability: 'consume-through-msk-mapping',
      names: { cluster: ['cluster'], topic: subscriptions.map((s) => `topic:${s.topic}`), group: subscriptions.map((s) => `group:${s.consumerGroupId}`) },
    });
  }
  if (fn.produces.length > 0) {
    expected.push({ capability: 'find-msk-brokers', names: { cluster: ['cluster'] } });
    expected.push({ capability: 'produce-idempotently', names: { cluster: ['cluster'], topic: fn.produces.map((t) => `topic:${t}`) } });
  }
  if (fn.trigger.kind === 'rabbitmq') expected.push({ capability: 'consume-through-rabbitmq-mapping', names: { broker: ['broker'], secret: [`secret:${mqSecretIdOf(fn.name)}`] } });
  const secrets =
    fn.deployHook === 'workflow-topology'
      ? ['secret:admin', ...functions.filter(hasMqUser).map((f) => `secret:${mqSecretIdOf(f.name)}`)]
      : [
          ...(hasMqUser(fn) ? [`secret:${mqSecretIdOf(fn.name)}`] : []),
          ...(usesRedis(fn) ? [`secret:${redisSecretIdOf(fn.name)}`] : []),
          ...(fn.trigger.kind === 'http' ? [`secret:${API_KEYS_SECRET}`] : []),
        ];
  if (secrets.length > 0) expected.push({ capability: 'read-secrets', names: { secret: secrets } });
  if (fn.writesArchive === true) expected.push({ capability: 'write-archive', names: { 'archive-objects': ['archive-objects'] } });
  return expected;
}

const grantedPairs = (statements: Statement[]): Set<string> => new Set(statements.flatMap((s) => s.Action.flatMap((action) => s.Resource.map((r) => `${action} ${resourceName(r)}`))));

const expectedPairs = (fn: FunctionRoute): Set<string> =>
  new Set(
    expectedCapabilities(fn).flatMap(({ capability, names }) =>
      CAPABILITY_NEEDS[capability].flatMap((need) => (need.on === 'any' ? [`${need.action} any`] : (names[need.on] ?? [`missing-${need.on}`]).map((name) => `${need.action} ${name}`))),
    ),
  );

/** What a role grants beyond the table, and what the table asks for that it lacks. */
function discrepancies(fn: FunctionRoute, statements: Statement[]): { extra: string[]; missing: string[] } {
  const granted = grantedPairs(statements);
  const expected = expectedPairs(fn);
  return { extra: [...granted].filter((p) => !expected.has(p)).sort(), missing: [...expected].filter((p) => !granted.has(p)).sort() };
}

describe('the functions roles, held to the capability table', () => {
  it('should give every function exactly what its capabilities need: nothing extra, nothing missing', () => {
    expect(functions.length).toBeGreaterThan(10);
    for (const fn of functions) expect({ fn: fn.name, ...discrepancies(fn, statementsOf(fn)) }).toEqual({ fn: fn.name, extra: [], missing: [] });
  });

  it('should catch an action granted beyond the table and one the table asks for that is missing', () => {
    const fn = functions.find((f) => f.name === 'project-sessions');
    if (fn === undefined) throw new Error('project-sessions is not in serverless.yml');
    const real = statementsOf(fn);
    const widened = [...real, { Effect: 'Allow' as const, Action: ['kafka-cluster:DescribeCluster'], Resource: ['${param:mskClusterArn}'] }];
    expect(discrepancies(fn, widened)).toEqual({ extra: ['kafka-cluster:DescribeCluster cluster'], missing: [] });
    const narrowed = real.map((s) => ({ ...s, Action: s.Action.filter((a) => a !== 'kafka-cluster:DescribeClusterDynamicConfiguration') }));
    expect(discrepancies(fn, narrowed)).toEqual({ extra: [], missing: ['kafka-cluster:DescribeClusterDynamicConfiguration cluster'] });
    const otherTopic = real.map((s) => ({ ...s, Resource: s.Resource.map((r) => JSON.parse(JSON.stringify(r).replace('/sessions"', '/orders"')) as unknown) }));
    expect(discrepancies(fn, otherTopic).extra).toEqual(expect.arrayContaining(['kafka-cluster:ReadData topic:orders']));
  });

  it('should name a documentation page beside every action of the table, and use every row', () => {
    const used = new Set(functions.flatMap((fn) => expectedCapabilities(fn).map((c) => c.capability)));
    for (const [capability, needs] of Object.entries(CAPABILITY_NEEDS)) {
      expect(used.has(capability as Capability)).toBe(true);
      for (const need of needs) {
        expect(need.action).toMatch(/^[a-z0-9-]+:[A-Z][A-Za-z0-9]+$/);
        expect(need.doc).toMatch(/^https:\/\/docs\.aws\.amazon\.com\/[\w/.-]+\.html$/);
      }
    }
  });

  it('should close the gaps AWS documents: idempotent writes, the mapping reading the cluster configuration, the broker, the VPC lookups', () => {
    const actionsOf = (fn: FunctionRoute) => new Set(statementsOf(fn).flatMap((s) => s.Action));
    for (const fn of functions) {
      const actions = actionsOf(fn);
      expect(actions.has('kafka-cluster:WriteDataIdempotently')).toBe(fn.produces.length > 0);
      expect(actions.has('kafka-cluster:DescribeClusterDynamicConfiguration')).toBe(fn.trigger.kind === 'msk');
      expect(actions.has('mq:DescribeBroker')).toBe(fn.trigger.kind === 'rabbitmq');
      // Only an event source mapping looks the VPC up; the function's own network interfaces do not need to.
      expect(actions.has('ec2:DescribeVpcs')).toBe(fn.trigger.kind === 'msk' || fn.trigger.kind === 'rabbitmq');
      expect(actions.has('ec2:DescribeSecurityGroups')).toBe(fn.trigger.kind === 'msk' || fn.trigger.kind === 'rabbitmq');
      // Embedded metrics travel in the logs, and no client asks MSK to describe its cluster.
      expect([...actions].filter((a) => a.startsWith('cloudwatch:') || a === 'kafka-cluster:DescribeCluster' || a === 'kafka:DescribeCluster')).toEqual([]);
    }
  });

  it('should grant every resource (*) only to the EC2 actions that take no resource, and attach no managed policy', () => {
    for (const fn of functions) {
      expect(roles[roleIdOf(fn.name)]?.Properties.ManagedPolicyArns).toBeUndefined();
      for (const s of statementsOf(fn)) if (s.Resource.includes('*')) expect(s.Action.every((a) => a.startsWith('ec2:'))).toBe(true);
    }
  });

  it('should rest on every function being in the VPC, as run-in-vpc assumes', () => {
    const service = readServerlessFile(PROJECT_ROOT) as { provider: { vpc?: { subnetIds?: unknown[] } }; functions: Record<string, { vpc?: unknown }> };
    expect(service.provider.vpc?.subnetIds?.length).toBeGreaterThan(0);
    expect(Object.values(service.functions).filter((fn) => fn.vpc !== undefined)).toEqual([]);
  });
});
