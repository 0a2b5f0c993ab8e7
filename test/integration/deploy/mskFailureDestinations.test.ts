import { readFileSync } from 'node:fs';
import { FAILED_BATCHES_BUCKET } from '../../../deploy/renderMskFailureDestinations';
import { packagedTemplatePath } from '../../../testkit/packagedService';

/**
 * The destination is merged into mappings the framework compiles, by their logical ids: the packaged
 * template shows the ids matched (a miss would leave a mapping without a destination, and a stray
 * half-resource without a function).
 */
type Resource = { Type: string; Properties: Record<string, unknown> };
let mappings: Resource[];

beforeAll(async () => {
  const template = JSON.parse(readFileSync(await packagedTemplatePath(), 'utf8')) as { Resources: Record<string, Resource> };
  mappings = Object.values(template.Resources).filter((r) => r.Type === 'AWS::Lambda::EventSourceMapping');
}, 240_000);

describe('the packaged MSK event source mappings', () => {
  it('should each read its topic for its function and send a failed batch to the failed-batches bucket', () => {
    const msk = mappings.filter((m) => String(m.Properties.EventSourceArn).includes(':kafka:'));
    expect(msk.length).toBeGreaterThan(0);
    for (const mapping of msk) {
      expect(mapping.Properties).toMatchObject({
        FunctionName: expect.anything(),
        Topics: [expect.any(String)],
        DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [FAILED_BATCHES_BUCKET, 'Arn'] } } },
      });
    }
  });

  it('should leave no mapping without a source (a merge under a wrong id)', () => {
    for (const mapping of mappings) expect(mapping.Properties).toHaveProperty('EventSourceArn');
  });
});
