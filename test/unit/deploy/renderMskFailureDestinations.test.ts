import { deployedFunctionCatalog } from '../../../testkit/deployedFunctionCatalog';
import { derivedResources } from '../../../deploy/derivedResources';
import { FAILED_BATCHES_BUCKET, FAILED_BATCHES_POLICY, mskFailureDestinationResources } from '../../../deploy/renderMskFailureDestinations';
import { mskMappingIdOf } from '../../../deploy/eventSourceMappingExtensions';
import { roleIdOf } from '../../../shared/routes/derivedNames';
import { mskTriggerOf, topicsOf } from '../../../shared/routes/functionCatalog';

const clusterArn = 'arn:aws:kafka:us-east-1:123456789012:cluster/triplane/0b4d-1';
type Resource = { Type: string; DependsOn?: string[]; Properties: Record<string, unknown> };

describe("the MSK mappings' on-failure destination (deploy/renderMskFailureDestinations)", () => {
  const functions = deployedFunctionCatalog();
  const resources = mskFailureDestinationResources(functions) as Record<string, Resource>;
  const extensions = derivedResources(functions).extensions;
  const consumers = functions.filter((fn) => mskTriggerOf(fn) !== undefined);

  it('should name each mapping as the framework does, from the function, the cluster and the topic', () => {
    const archive = functions.find((fn) => fn.name === 'archive-events');
    expect(archive && mskMappingIdOf(archive, clusterArn, 'dead-letters')).toBe('ArchiveEventsEventSourceMappingMSKTriplaneDeadletters');
  });

  it('should give every MSK mapping the bucket as its destination, created after the role can write to it', () => {
    const mappings = consumers.flatMap((fn) => (mskTriggerOf(fn)?.subscriptions ?? []).map((s) => extensions[mskMappingIdOf(fn, s.clusterArn, s.topic)]));
    expect(mappings).toHaveLength(consumers.reduce((n, fn) => n + topicsOf(fn).length, 0));
    for (const mapping of mappings) {
      expect(mapping?.Properties).toMatchObject({ DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [FAILED_BATCHES_BUCKET, 'Arn'] } } } });
      expect(mapping?.DependsOn).toContain(FAILED_BATCHES_POLICY);
    }
  });

  it("should let only the MSK consumers' roles write to the bucket, and only put and list there", () => {
    const policy = resources[FAILED_BATCHES_POLICY];
    expect(policy?.Properties.Roles).toEqual(consumers.map((fn) => ({ Ref: roleIdOf(fn.name) })));
    const statements = (policy?.Properties.PolicyDocument as { Statement: Array<{ Action: string[] }> }).Statement;
    expect(statements.flatMap((s) => s.Action).sort()).toEqual(['s3:ListBucket', 's3:PutObject']);
  });

  it('should keep the bucket private, encrypted, TLS-only and retained when the stack goes', () => {
    const bucket = resources[FAILED_BATCHES_BUCKET] as Resource & { DeletionPolicy?: string };
    expect(bucket.DeletionPolicy).toBe('Retain');
    expect(bucket.Properties.PublicAccessBlockConfiguration).toEqual({ BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true });
    expect(JSON.stringify(resources[`${FAILED_BATCHES_BUCKET}Policy`])).toContain('"aws:SecureTransport":"false"');
  });

  it('should be rendered only when some function consumes from MSK', () => {
    expect(derivedResources(functions).Resources).toHaveProperty(FAILED_BATCHES_BUCKET);
    expect(mskFailureDestinationResources(functions.filter((fn) => mskTriggerOf(fn) === undefined))).toEqual({});
  });
});
