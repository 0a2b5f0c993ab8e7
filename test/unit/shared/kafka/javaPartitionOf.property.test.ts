import { compatibilityPartitioner, murmur2 as clientMurmur2 } from '@platformatic/kafka';
import fc from 'fast-check';
import { Partitioners, type PartitionMetadata } from 'kafkajs';
import { javaPartitionOf, murmur2 } from '../../../../shared/kafka/javaPartitionOf';

/** Where kafkajs' DefaultPartitioner (Java's murmur2) puts a key among `count` partitions. */
const kafkajsPartitionOf = (key: Buffer, count: number): number => {
  const partitionMetadata: PartitionMetadata[] = Array.from({ length: count }, (_, partitionId) => ({ partitionErrorCode: 0, partitionId, leader: 1, replicas: [1], isr: [1] }));
  return Partitioners.DefaultPartitioner()({ topic: 't', partitionMetadata, message: { key, value: null } });
};

describe('javaPartitionOf', () => {
  it('should hash any bytes as the client it replaces does', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        const key = Buffer.from(bytes);
        expect(murmur2(key)).toBe(clientMurmur2(key));
        expect(javaPartitionOf(key)).toBe(compatibilityPartitioner({ topic: 't' }, key));
      }),
      { numRuns: 2_000 },
    );
  });

  it('should hash ids and text keys, of every length modulo 4, as the client does', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 64 }), (text) => {
        const key = Buffer.from(text, 'utf8');
        expect(murmur2(key)).toBe(clientMurmur2(key));
      }),
      { numRuns: 1_000 },
    );
    for (const known of ['', 'a', 'ab', 'abc', 'abcd', '21', 'u-123', '01KBXK6J9T8Y3M5QZ1W2E4R6T8']) expect(murmur2(Buffer.from(known))).toBe(clientMurmur2(Buffer.from(known)));
  });

  it('should put every key on the partition kafkajs and Java clients choose', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 80 }), fc.integer({ min: 1, max: 64 }), (bytes, count) => {
        const key = Buffer.from(bytes);
        expect(javaPartitionOf(key) % count).toBe(kafkajsPartitionOf(key, count));
      }),
      { numRuns: 500 },
    );
  });

  it('should send a keyless record to partition 0, as the client does', () => {
    expect(javaPartitionOf(undefined)).toBe(compatibilityPartitioner({ topic: 't' }, undefined));
    expect(javaPartitionOf(undefined)).toBe(0);
  });
});
