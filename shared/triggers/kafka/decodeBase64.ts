import { InvalidRecordError } from './InvalidRecordError';

// Buffer.from(s, 'base64') skips characters it does not know instead of failing, which would turn a
// corrupted record into silently different bytes; so the alphabet and padding are checked first.
const STRICT_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export function decodeBase64(field: string, text: string | null | undefined): Buffer | null {
  if (text === null || text === undefined) return null;
  if (typeof text !== 'string' || !STRICT_BASE64.test(text)) throw new InvalidRecordError(field, 'not valid base64');
  return Buffer.from(text, 'base64');
}
