import { createHash } from 'node:crypto';
import { decodeTime, ulid } from 'ulid';
import { newEventId, SAFE_ID_PATTERN } from '../../../../shared/envelope/eventId';
import { FOLLOW_UP_ID_SUFFIX, followUpId, isReservedEventId } from '../../../../shared/envelope/followUpId';

const ULID_PARENT = '01ARZ3NDEKTSV4RRFFQ69G5FAV';
const FOLLOW_UP_FORM = /^[0-9A-HJKMNP-TV-Z]{26}\.wf$/;

describe('followUpId', () => {
  it('should give the same id for the same parent and type', () => {
    // act
    const first = followUpId(ULID_PARENT, 'payment.authorized');
    const second = followUpId(ULID_PARENT, 'payment.authorized');

    // assess
    expect(second).toBe(first);
  });

  it('should keep the 10-character time prefix of a ULID parent', () => {
    // act
    const id = followUpId(ULID_PARENT, 'inventory.reserve');

    // assess
    expect(id).toHaveLength(26 + FOLLOW_UP_ID_SUFFIX.length);
    expect(id.slice(0, 10)).toBe('01ARZ3NDEK');
    expect(id.slice(10)).not.toBe(ULID_PARENT.slice(10));
  });

  it('should make a ULID with the time of its parent, plus the reserved suffix', () => {
    // prepare
    const parent = newEventId();

    // act
    const id = followUpId(parent, 'payment.authorize');

    // assess
    expect(id).toMatch(FOLLOW_UP_FORM);
    expect(decodeTime(id.slice(0, 26))).toBe(decodeTime(parent));
    expect(isReservedEventId(id)).toBe(true);
    expect(isReservedEventId(parent)).toBe(false);
  });

  it('should keep the prefix along a chain of follow-ups', () => {
    // act
    const child = followUpId(ULID_PARENT, 'payment.authorize');
    const grandChild = followUpId(child, 'inventory.reserve');

    // assess
    expect(grandChild.slice(0, 10)).toBe(ULID_PARENT.slice(0, 10));
    expect(grandChild).not.toBe(child);
  });

  it('should keep follow-ups of older parents sorted before those of newer ones', () => {
    // prepare
    const older = ulid(1_700_000_000_000);
    const newer = ulid(1_700_000_000_001);

    // act
    const ids = [followUpId(newer, 'order.completed'), followUpId(older, 'order.completed')];

    // assess
    expect([...ids].sort()).toEqual([followUpId(older, 'order.completed'), followUpId(newer, 'order.completed')]);
  });

  it('should use a zero time prefix for a parent that is not a ULID', () => {
    // act
    const id = followUpId('evt-42', 'payment.authorize');

    // assess
    expect(id.slice(0, 10)).toBe('0000000000');
    expect(id).toMatch(FOLLOW_UP_FORM);
  });

  it.each([ULID_PARENT, 'evt-42', 'a', 'x'.repeat(128), 'user@example.com', 'a.b_c-d'])('should match SAFE_ID_PATTERN for parent %s', (parent) => {
    // act
    const id = followUpId(parent, 'order.cancelled');

    // assess
    expect(id).toMatch(SAFE_ID_PATTERN);
  });

  it('should differ by type for the same parent', () => {
    // prepare
    const types = ['payment.authorized', 'payment.declined', 'inventory.reserve', 'order.cancelled', 'order.completed', 'auth', 'refund'];

    // act
    const ids = types.map((type) => followUpId(ULID_PARENT, type));

    // assess
    expect(new Set(ids).size).toBe(types.length);
  });

  it('should differ by parent for the same type', () => {
    // prepare
    const parents = Array.from({ length: 50 }, () => newEventId());

    // act
    const ids = parents.map((parent) => followUpId(parent, 'payment.authorize'));

    // assess
    expect(new Set(ids).size).toBe(parents.length);
    for (const [i, id] of ids.entries()) expect(id).not.toBe(parents[i]);
  });

  it('should not let the parent and the type run into each other', () => {
    // act
    const a = followUpId('ab', 'c');
    const b = followUpId('a', 'bc');

    // assess
    expect(a).not.toBe(b);
  });

  it('should derive the same ids as every earlier version: SHA-256 of parent|type, 16 Crockford characters', () => {
    // prepare: the reference the first version computed (a redelivered command after an upgrade must get the same follow-up ids)
    const reference = (parentId: string, type: string): string => {
      const digest = createHash('sha256').update(`${parentId}|${type}`).digest();
      const suffix = Array.from(digest.subarray(0, 16), (byte) => '0123456789ABCDEFGHJKMNPQRSTVWXYZ'.charAt(byte & 31)).join('');
      return `${parentId.slice(0, 10)}${suffix}${FOLLOW_UP_ID_SUFFIX}`;
    };

    // act
    const id = followUpId(ULID_PARENT, 'payment.authorize');

    // assess
    expect(id).toBe(reference(ULID_PARENT, 'payment.authorize'));
  });
});
