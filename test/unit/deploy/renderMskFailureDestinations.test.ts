import { derivedResources } from '../../../deploy/derivedResources';
import { FAILED_BATCHES_BUCKET, FAILED_BATCHES_POLICY, mskFailureDestinationResources, mskMappingIdOf } from '../../../deploy/renderMskFailureDestinations';
import { roleIdOf } from '../../../shared/routes/derivedNames';
import { FUNCTIONS, mskTriggerOf, topicsOf } from '../../../shared/routes/functionCatalog';

const clusterArn = 'arn:aws:kafka:us-east-1:123456789012:cluster/triplane/0b4d-1';
type Resource = { Type: string; DependsOn?: string[]; Properties: Record<string, unknown> };

describe("the MSK mappings' on-failure destination (deploy/renderMskFailureDestinations)", () => {
  const resources = mskFailureDestinationResources(FUNCTIONS, clusterArn) as Record<string, Resource>;
  const consumers = FUNCTIONS.filter((fn) => mskTriggerOf(fn) !== undefined);

  it('should name each mapping as the framework does, from the function, the cluster and the topic', () => {
    const archive = FUNCTIONS.find((fn) => fn.name === 'archive-events');
    expect(archive && mskMappingIdOf(archive, clusterArn, 'dead-letters')).toBe('ArchiveEventsEventSourceMappingMSKTriplaneDeadletters');
  });

  it('should give every MSK mapping the bucket as its destination, created after the role can write to it', () => {
    const mappings = Object.entries(resources).filter(([, r]) => r.Type === 'AWS::Lambda::EventSourceMapping');
    expect(mappings).toHaveLength(consumers.reduce((n, fn) => n + topicsOf(fn).length, 0));
    for (const [, mapping] of mappings) {
      expect(mapping.Properties).toEqual({ DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [FAILED_BATCHES_BUCKET, 'Arn'] } } } });
      expect(mapping.DependsOn).toContain(FAILED_BATCHES_POLICY);
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

  it('should be rendered only when the cluster is known (serverlessResources.cjs passes it)', () => {
    expect(derivedResources(FUNCTIONS).Resources).not.toHaveProperty(FAILED_BATCHES_BUCKET);
    expect(derivedResources(FUNCTIONS, { mskClusterArn: clusterArn }).Resources).toHaveProperty(FAILED_BATCHES_BUCKET);
  });
});
