import { createEnvelope, deriveEnvelope } from '../../../../shared/envelope/envelope';
import { InvalidEventError } from '../../../../shared/envelope/InvalidEventError';
import { parseEnvelope } from '../../../../shared/envelope/parseEnvelope';

const flagV1 = createEnvelope({ type: 'flag.set', version: 1, key: 'f', data: { name: 'f', enabled: true }, source: 'test' });

describe('parseEnvelope', () => {
  it('should upcast flag.set v1 to v2 with an explicit rollout', () => {
    const parsed = parseEnvelope(JSON.stringify(flagV1));
    expect(parsed.version).toBe(2);
    expect(parsed.data).toEqual({ name: 'f', enabled: true, rollout: 100 });
    const off = parseEnvelope(JSON.stringify({ ...flagV1, data: { name: 'f', enabled: false } }));
    expect(off.data.rollout).toBe(0);
  });

  it('should leave a current version untouched', () => {
    const v2 = { ...flagV1, version: 2, data: { name: 'f', enabled: true, rollout: 25 } };
    expect(parseEnvelope(JSON.stringify(v2))).toEqual(v2);
  });

  it.each([
    ['{not json', 'value'],
    [JSON.stringify({ ...flagV1, hops: -1 }), 'hops'],
    [JSON.stringify({ ...flagV1, id: undefined }), 'id'],
    [JSON.stringify({ ...flagV1, type: 'nope' }), 'type'],
    [JSON.stringify({ ...flagV1, version: 3 }), 'version'],
    [JSON.stringify({ ...flagV1, data: { name: 'f' } }), 'data.enabled'],
  ])('should reject %s naming %s', (json, field) => {
    let error: unknown;
    try {
      parseEnvelope(json);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidEventError);
    expect((error as InvalidEventError).fields.map((f) => f.field)).toContain(field);
  });
});

describe('deriveEnvelope', () => {
  it('should add one hop and keep the correlation id, caused by the parent', () => {
    const child = deriveEnvelope({ ...flagV1, hops: 3 }, { type: 'flag.set', version: 2, key: 'f', data: {}, source: 'x' });
    expect(child).toMatchObject({ hops: 4, correlationId: flagV1.correlationId, causationId: flagV1.id });
    expect(child.id).not.toBe(flagV1.id);
  });
});

describe('parseEnvelope time', () => {
  it.each(['', 'yesterday', '2026-13-45'])('should refuse the time %j, which would become an expiry of NaN', (time) => {
    expect(() => parseEnvelope(JSON.stringify({ ...flagV1, time }))).toThrow(InvalidEventError);
  });
});
