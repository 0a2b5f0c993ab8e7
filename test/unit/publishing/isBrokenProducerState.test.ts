import { KafkaJSNumberOfRetriesExceeded, KafkaJSProtocolError } from 'kafkajs';
import { isBrokenProducerState } from '../../../shared/publishing/sendToKafka';

const protocolError = (type: string) => Object.assign(new KafkaJSProtocolError('broker said no'), { type });

describe('isBrokenProducerState', () => {
  it.each(['OUT_OF_ORDER_SEQUENCE_NUMBER', 'UNKNOWN_PRODUCER_ID', 'INVALID_PRODUCER_EPOCH'])('is true for %s, directly or wrapped by kafkajs retries', (type) => {
    expect(isBrokenProducerState(protocolError(type))).toBe(true);
    expect(isBrokenProducerState(new KafkaJSNumberOfRetriesExceeded(protocolError(type), { retryCount: 5, retryTime: 100 }))).toBe(true);
  });

  it('is false for retriable or unrelated errors and for things that are not errors', () => {
    expect(isBrokenProducerState(protocolError('NOT_LEADER_OR_FOLLOWER'))).toBe(false);
    expect(isBrokenProducerState(new Error('socket hang up'))).toBe(false);
    expect(isBrokenProducerState(undefined)).toBe(false);
    expect(isBrokenProducerState('OUT_OF_ORDER_SEQUENCE_NUMBER')).toBe(false);
    expect(isBrokenProducerState({ type: 42 })).toBe(false);
  });

  it('stops on a cause cycle', () => {
    const a: { cause?: unknown } = {};
    const b = { cause: a };
    a.cause = b;
    expect(isBrokenProducerState(a)).toBe(false);
  });
});
