import { checkKafkaPartitions, checkManifestPartitions } from '../../../../operations/doctor/checkTopicPartitions';
import { MIN_PARTITIONS, TOPICS } from '../../../../shared/routes/topics';

const manifestTopics = Object.entries(TOPICS).map(([name, spec]) => ({ name, partitions: spec.partitions }));

describe('checkManifestPartitions', () => {
  it('should pass the manifest as it is', () => {
    // assess
    expect(checkManifestPartitions(manifestTopics, MIN_PARTITIONS).status).toBe('pass');
  });

  it('should fail a 3-partition topic', () => {
    // act
    const result = checkManifestPartitions([...manifestTopics, { name: 'clicks', partitions: 3 }], MIN_PARTITIONS);

    // assess
    expect(result).toMatchObject({ status: 'fail', detail: expect.stringContaining('clicks has 3') });
  });
});

describe('checkKafkaPartitions', () => {
  const names = manifestTopics.map((t) => t.name);

  it('should pass a cluster holding every manifest topic with 12 partitions, internal topics aside', () => {
    // act
    const result = checkKafkaPartitions([...manifestTopics, { name: '__consumer_offsets', partitions: 1 }], names, MIN_PARTITIONS);

    // assess
    expect(result.status).toBe('pass');
  });

  it('should fail a 3-partition topic in the cluster, even one the manifest does not know', () => {
    // act
    const result = checkKafkaPartitions([...manifestTopics, { name: 'auto-created', partitions: 3 }], names, MIN_PARTITIONS);

    // assess
    expect(result).toMatchObject({ status: 'fail', detail: expect.stringContaining('auto-created has 3') });
  });

  it('should fail a manifest topic missing from the cluster', () => {
    // act
    const result = checkKafkaPartitions(
      manifestTopics.filter((t) => t.name !== 'orders'),
      names,
      MIN_PARTITIONS,
    );

    // assess
    expect(result).toMatchObject({ status: 'fail', detail: expect.stringContaining('missing from the cluster: orders') });
  });
});
