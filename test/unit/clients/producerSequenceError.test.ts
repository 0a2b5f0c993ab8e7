import { KafkaJSNumberOfRetriesExceeded, KafkaJSProtocolError } from 'kafkajs';
import { isProducerSequenceError } from '../../../shared/clients/kafkaProducer';

// As kafkajs builds it from a broker's error code: the protocol error's type and code are copied over.
const protocolError = (type: string) => new KafkaJSProtocolError(Object.assign(new Error('refused'), { type, code: 45 }));

describe('isProducerSequenceError', () => {
  it('recognises the broker answers that invalidate the producer id, bare or wrapped by kafkajs retries', () => {
    expect(isProducerSequenceError(protocolError('OUT_OF_ORDER_SEQUENCE_NUMBER'))).toBe(true);
    expect(isProducerSequenceError(new KafkaJSNumberOfRetriesExceeded(protocolError('UNKNOWN_PRODUCER_ID'), { retryCount: 5, retryTime: 100 }))).toBe(true);
    expect(isProducerSequenceError(Object.assign(new Error('aggregate'), { errors: [new Error('x'), protocolError('INVALID_PRODUCER_EPOCH')] }))).toBe(true);
  });

  it('leaves every other failure to the breaker and retries, with the same producer', () => {
    expect(isProducerSequenceError(protocolError('MESSAGE_TOO_LARGE'))).toBe(false);
    expect(isProducerSequenceError(new Error('Operation timed out after 1000ms'))).toBe(false);
    expect(isProducerSequenceError(undefined)).toBe(false);
    expect(isProducerSequenceError('OUT_OF_ORDER_SEQUENCE_NUMBER')).toBe(false);
  });
});
