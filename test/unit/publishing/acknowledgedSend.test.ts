import { Partitioners, type Message, type RecordMetadata } from 'kafkajs';
import { rememberingPartitioner } from '../../../shared/clients/partitionChoices';
import { unacknowledged } from '../../../shared/publishing/acknowledgedSend';

const partitionMetadata = Array.from({ length: 12 }, (_, partitionId) => ({ partitionId, leader: 1, replicas: [1], isr: [1], partitionErrorCode: 0 }));
const ack = (topicName: string, partition: number): RecordMetadata => ({ topicName, partition, errorCode: 0 });

describe('unacknowledged', () => {
  const partitioner = rememberingPartitioner();
  const messages: Message[] = Array.from({ length: 40 }, (_, i) => ({ key: `user-${i}`, value: `v${i}` }));
  const partitions = messages.map((message) => partitioner({ topic: 'scores', partitionMetadata, message }));

  it('should choose the partitions kafkajs murmur2 chooses', () => {
    const murmur2 = Partitioners.DefaultPartitioner();
    expect(partitions).toEqual(messages.map((message) => murmur2({ topic: 'scores', partitionMetadata, message })));
  });

  it('should keep exactly the messages whose partition Kafka did not acknowledge', () => {
    const answered = [...new Set(partitions)].filter((p) => p % 3 !== 0).map((p) => ack('scores', p));
    const left = unacknowledged([{ topic: 'scores', messages }], answered);
    expect(left).toHaveLength(1);
    expect(left[0]?.messages).toEqual(messages.filter((_, i) => (partitions[i] ?? 0) % 3 === 0));
  });

  it('should tell topics apart and drop a topic once all its partitions are acknowledged', () => {
    const all = [...new Set(partitions)].map((p) => ack('scores', p));
    expect(unacknowledged([{ topic: 'scores', messages }], all)).toEqual([]);
    // The same partitions acknowledged for another topic do not count.
    expect(unacknowledged([{ topic: 'scores', messages }], all.map((a) => ({ ...a, topicName: 'activity' })))[0]?.messages).toHaveLength(40);
  });

  it('should treat a message the partitioner never saw as unacknowledged', () => {
    const stranger: Message = { key: 'never-partitioned', value: 'x' };
    expect(unacknowledged([{ topic: 'scores', messages: [stranger] }], [ack('scores', 0)])).toEqual([{ topic: 'scores', messages: [stranger] }]);
  });
});
