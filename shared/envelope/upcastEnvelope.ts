import type { Envelope } from './envelope';
import { specOf } from './eventCatalog';
import { InvalidEventError } from './InvalidEventError';

/**
 * Brings an envelope of an older version up to the current one, step by step, so a consumer only
 * ever handles the current shape. Events stay in Kafka for as long as retention says: a v1 written a
 * year ago must still project today.
 */
export function upcastEnvelope(envelope: Envelope<Record<string, unknown>>): Envelope<Record<string, unknown>> {
  const spec = specOf(envelope.type);
  if (spec === undefined) throw new InvalidEventError('type', `unknown event type ${envelope.type}`);
  if (envelope.version > spec.currentVersion || spec.schemas[envelope.version] === undefined) {
    throw new InvalidEventError('version', `unsupported version ${envelope.version} of ${envelope.type} (current is ${spec.currentVersion})`);
  }
  let data = envelope.data;
  for (let version = envelope.version; version < spec.currentVersion; version++) {
    const upcast = spec.upcasters[version];
    if (upcast === undefined) throw new InvalidEventError('version', `no upcaster from version ${version} of ${envelope.type}`);
    data = upcast(data);
  }
  return data === envelope.data ? envelope : { ...envelope, version: spec.currentVersion, data };
}
