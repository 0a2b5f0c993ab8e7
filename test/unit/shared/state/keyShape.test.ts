import { keyShapeOf } from '../../../../shared/state/keyShape';

describe('keyShapeOf', () => {
  it('should keep the namespace, generation and family of a key, and hide the ids after it', () => {
    expect(keyShapeOf('tp:g2-sessions:session:secret-session-id')).toBe('tp:g2-sessions:session:*');
    expect(keyShapeOf('tp:g1-activity:activity-day:user-1:2026-01-15')).toBe('tp:g1-activity:activity-day:*');
    expect(keyShapeOf('tp:idem:start-order-workflow:01JABC')).toBe('tp:idem:*');
    expect(keyShapeOf('tp:g3-flags:flags')).toBe('tp:g3-flags:flags');
  });

  it('should hide all but the first part of a key of no known family', () => {
    expect(keyShapeOf('other:thing:id')).toBe('other:*');
    expect(keyShapeOf('')).toBe(':*');
  });
});
