import { roleIdOf } from '../shared/routes/derivedNames';
import { mskTriggerOf, type FunctionRoute } from '../shared/routes/functionCatalog';

/**
 * Where an MSK event source mapping puts a batch it gives up on: an S3 bucket of the stack. A batch fails
 * only when a server the function needs is down (a record a handler cannot take is dead-lettered to the
 * dead-letters topic by the handler itself), and Lambda retries it until its records leave the topic's
 * retention; then, instead of dropping them, it writes the whole invocation (records and metadata) here
 * (https://docs.aws.amazon.com/lambda/latest/dg/with-msk-on-failure.html). S3, not SQS or SNS: the
 * mapping reaches it through the S3 gateway endpoint the stack already makes (the page asks for an
 * endpoint of the destination's service in the cluster's VPC), and a batch of 1,000 records fits.
 * The framework has no setting for it: eventSourceMappingExtensions adds it to the mappings it compiles.
 */
export const FAILED_BATCHES_BUCKET = 'FailedBatchesBucket';
export const FAILED_BATCHES_POLICY = 'FailedBatchesWritePolicy';

const mskConsumersOf = (functions: readonly FunctionRoute[]) => functions.filter((fn) => mskTriggerOf(fn) !== undefined);

/** What a mapping of an MSK consumer gets: the bucket as its destination, created once its role can write there. */
export const mskFailureDestinationOf = (fn: FunctionRoute): { DependsOn: string[]; Properties: Record<string, unknown> } => ({
  // Lambda checks the role can write to the destination when it creates the mapping.
  DependsOn: [roleIdOf(fn.name), FAILED_BATCHES_POLICY],
  Properties: { DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [FAILED_BATCHES_BUCKET, 'Arn'] } } } },
});

export function mskFailureDestinationResources(functions: readonly FunctionRoute[]): Record<string, unknown> {
  const consumers = mskConsumersOf(functions);
  if (consumers.length === 0) return {};
  const bucketArn = { 'Fn::GetAtt': [FAILED_BATCHES_BUCKET, 'Arn'] };
  const resources: Record<string, unknown> = {
    [FAILED_BATCHES_BUCKET]: {
      Type: 'AWS::S3::Bucket',
      // Failed batches are data nobody else holds once the topic dropped them: deleting the stack keeps them.
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: {
        BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
        PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
        OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
        VersioningConfiguration: { Status: 'Enabled' },
        LifecycleConfiguration: { Rules: [{ Id: 'expire-replaced-versions', Status: 'Enabled', NoncurrentVersionExpiration: { NoncurrentDays: 30 } }] },
      },
    },
    [`${FAILED_BATCHES_BUCKET}Policy`]: {
      Type: 'AWS::S3::BucketPolicy',
      Properties: {
        Bucket: { Ref: FAILED_BATCHES_BUCKET },
        PolicyDocument: {
          Version: '2012-10-17',
          Statement: [
            {
              Sid: 'TlsOnly',
              Effect: 'Deny',
              Principal: '*',
              Action: 's3:*',
              Resource: [bucketArn, { 'Fn::Sub': `\${${FAILED_BATCHES_BUCKET}.Arn}/*` }],
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            },
          ],
        },
      },
    },
    // The mapping writes with the function's role: s3:PutObject and s3:ListBucket, on this bucket only. A
    // policy of its own, attached to the consumers' roles, so the roles' rendering stays about the functions' code.
    [FAILED_BATCHES_POLICY]: {
      Type: 'AWS::IAM::Policy',
      Properties: {
        PolicyName: 'msk-failed-batches-write',
        Roles: consumers.map((fn) => ({ Ref: roleIdOf(fn.name) })),
        PolicyDocument: {
          Version: '2012-10-17',
          Statement: [
            { Effect: 'Allow', Action: ['s3:PutObject'], Resource: [{ 'Fn::Sub': `\${${FAILED_BATCHES_BUCKET}.Arn}/*` }] },
            { Effect: 'Allow', Action: ['s3:ListBucket'], Resource: [bucketArn] },
          ],
        },
      },
    },
  };
  return resources;
}

export const mskFailureDestinationOutputs = (functions: readonly FunctionRoute[]): Record<string, unknown> =>
  mskConsumersOf(functions).length === 0
    ? {}
    : {
        FailedBatchesBucketName: {
          Description: 'Batches the MSK mappings gave up on, whole (records and metadata): replay them from here (aws s3 ls s3://<this>/)',
          Value: { Ref: FAILED_BATCHES_BUCKET },
        },
      };
