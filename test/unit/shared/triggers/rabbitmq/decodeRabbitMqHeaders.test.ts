import { attemptOf, decodeRabbitMqHeaders, decodeRabbitMqHeaderValue } from '../../../../../shared/triggers/rabbitmq/decodeRabbitMqHeaders';
import type { RabbitMqHeaderValue } from '../../../../../shared/triggers/rabbitmq/RabbitMqTriggerEvent';

const ascii = (text: string): number[] => Array.from(text, (c) => c.charCodeAt(0));

describe('decodeRabbitMqHeaderValue', () => {
  it('should turn {bytes} into text', () => {
    // act
    const value = decodeRabbitMqHeaderValue({ bytes: [118, 97, 108, 117, 101, 49] });

    // assess
    expect(value).toBe('value1');
  });

  it('should read signed bytes as Java sends them for non-ASCII text', () => {
    // act
    const values = [decodeRabbitMqHeaderValue({ bytes: [-61, -87] }), decodeRabbitMqHeaderValue({ bytes: [99, 97, 102, -61, -87] }), decodeRabbitMqHeaderValue({ bytes: [-16, -97, -104, -128] })];

    // assess
    expect(values).toEqual(['é', 'café', '😀']);
  });

  it('should read unsigned bytes the same as signed ones', () => {
    // act
    const unsigned = decodeRabbitMqHeaderValue({ bytes: [195, 169] });

    // assess
    expect(unsigned).toBe('é');
  });

  it('should turn empty bytes into an empty string', () => {
    // act
    const value = decodeRabbitMqHeaderValue({ bytes: [] });

    // assess
    expect(value).toBe('');
  });

  it.each<[RabbitMqHeaderValue, unknown]>([
    [10, 10],
    [-3.5, -3.5],
    [0, 0],
    [true, true],
    [false, false],
    [null, null],
    ['plain', 'plain'],
  ])('should keep %j as it is', (input, expected) => {
    // act
    const value = decodeRabbitMqHeaderValue(input);

    // assess
    expect(value).toEqual(expected);
  });

  it('should turn a missing value into null', () => {
    // act
    const value = decodeRabbitMqHeaderValue(undefined);

    // assess
    expect(value).toBeNull();
  });

  it('should decode inside nested arrays and tables', () => {
    // prepare
    const input: RabbitMqHeaderValue = {
      list: [{ bytes: ascii('a') }, 1, [{ bytes: [-61, -87] }, false]],
      table: { inner: { bytes: ascii('x') }, n: 2, deeper: { flag: true, none: null } },
    };

    // act
    const value = decodeRabbitMqHeaderValue(input);

    // assess
    expect(value).toEqual({ list: ['a', 1, ['é', false]], table: { inner: 'x', n: 2, deeper: { flag: true, none: null } } });
  });

  it('should read a table that has a bytes field among others as a table', () => {
    // act
    const value = decodeRabbitMqHeaderValue({ bytes: [104, 105], other: 1 });

    // assess
    expect(value).toEqual({ bytes: [104, 105], other: 1 });
  });

  it('should read a table whose only bytes field is not a list as a table', () => {
    // act
    const value = decodeRabbitMqHeaderValue({ bytes: 5 });

    // assess
    expect(value).toEqual({ bytes: 5 });
  });
});

describe('decodeRabbitMqHeaders', () => {
  it('should decode every header of the AWS sample', () => {
    // prepare
    const headers: Record<string, RabbitMqHeaderValue> = {
      header1: { bytes: [118, 97, 108, 117, 101, 49] },
      header2: { bytes: [118, 97, 108, 117, 101, 50] },
      numberInHeader: 10,
    };

    // act
    const decoded = decodeRabbitMqHeaders(headers);

    // assess
    expect(decoded).toEqual({ header1: 'value1', header2: 'value2', numberInHeader: 10 });
  });

  it.each([null, undefined])('should give no headers for %s', (headers) => {
    // act
    const decoded = decodeRabbitMqHeaders(headers);

    // assess
    expect(decoded).toEqual({});
  });

  it('should not change the headers it was given', () => {
    // prepare
    const headers: Record<string, RabbitMqHeaderValue> = { name: { bytes: [-61, -87] }, nested: [{ bytes: [97] }] };
    const before = structuredClone(headers);

    // act
    decodeRabbitMqHeaders(headers);

    // assess
    expect(headers).toEqual(before);
  });
});

describe('attemptOf', () => {
  it('should be 1 without an attempt header', () => {
    // act
    const attempt = attemptOf({});

    // assess
    expect(attempt).toBe(1);
  });

  it.each([
    [1, 1],
    [3, 3],
    ['2', 2],
    ['4', 4],
  ])('should read attempt %j as %d', (header, expected) => {
    // act
    const attempt = attemptOf({ attempt: header });

    // assess
    expect(attempt).toBe(expected);
  });

  it('should read an attempt that came as {bytes}', () => {
    // act
    const attempt = attemptOf(decodeRabbitMqHeaders({ attempt: { bytes: ascii('3') } }));

    // assess
    expect(attempt).toBe(3);
  });

  it.each([0, -1, 2.5, Number.NaN, 'abc', '', 'two', null, { n: 2 }])('should fall back to 1 for a bad attempt %j', (header) => {
    // act
    const attempt = attemptOf({ attempt: header });

    // assess
    expect(attempt).toBe(1);
  });
});
