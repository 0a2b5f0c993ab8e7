import { projectActivity } from '../../../functions/project-activity/projectActivity';
import { projectFlags } from '../../../functions/project-flags/projectFlags';
import { projectLeaderboards } from '../../../functions/project-leaderboards/projectLeaderboards';
import { projectSessions } from '../../../functions/project-sessions/projectSessions';
import { createEnvelope } from '../../../shared/envelope/envelope';
import { redisKeys } from '../../../shared/state/redisKeys';

const keys = redisKeys('ns');
const time = new Date('2026-03-01T12:00:00.000Z');
const at = Math.floor(time.getTime() / 1000);
const event = (type: string, data: Record<string, unknown>, version = 1) => createEnvelope({ type, version, key: 'k', data, source: 't', time });

describe('projectSessions', () => {
  const project = projectSessions(keys, 1800);

  it('should store a session that expires at event time plus its TTL', () => {
    const ops = project(event('session.started', { sessionId: 's', userId: 'u', ttlSeconds: 60 }));
    expect(ops).toEqual([
      { kind: 'command', args: ['HSET', 'ns:session:s', 'sessionId', 's', 'userId', 'u', 'startedAt', time.toISOString(), 'lastSeenAt', time.toISOString(), 'ttlSeconds', '60'] },
      { kind: 'command', args: ['EXPIREAT', 'ns:session:s', String(at + 60)] },
    ]);
    expect(project(event('session.started', { sessionId: 's', userId: 'u' }))[1]?.kind === 'command' && project(event('session.started', { sessionId: 's', userId: 'u' }))[1]).toEqual({
      kind: 'command',
      args: ['EXPIREAT', 'ns:session:s', String(at + 1800)],
    });
  });

  it('should touch only through the exists-guarded touch op, and delete on end', () => {
    expect(project(event('session.touched', { sessionId: 's' }))).toEqual([{ kind: 'touch', key: 'ns:session:s', field: 'lastSeenAt', value: time.toISOString(), at, ttlField: 'ttlSeconds' }]);
    expect(project(event('session.ended', { sessionId: 's' }))).toEqual([{ kind: 'command', args: ['DEL', 'ns:session:s'] }]);
  });
});

describe('projectFlags', () => {
  it('should store each flag as JSON in one hash', () => {
    expect(projectFlags(keys)(event('flag.set', { name: 'f', enabled: true, rollout: 10 }, 2))).toEqual([
      { kind: 'command', args: ['HSET', 'ns:flags', 'f', JSON.stringify({ enabled: true, rollout: 10, updatedAt: time.toISOString() })] },
    ]);
  });
});

describe('projectLeaderboards', () => {
  it('should add points with ZINCRBY and ignore other types', () => {
    const project = projectLeaderboards(keys);
    expect(project(event('score.recorded', { board: 'b', userId: 'u', points: -5 }))).toEqual([{ kind: 'command', args: ['ZINCRBY', 'ns:leaderboard:b', '-5', 'u'] }]);
    expect(project(event('page.viewed', { userId: 'u', path: '/' }))).toEqual([]);
  });
});

describe('projectActivity', () => {
  it('should count views and keep a daily bucket until 30 days after its day', () => {
    const ops = projectActivity(keys)(event('page.viewed', { userId: 'u', path: '/a' }));
    const dayEnd = Date.parse('2026-03-02T00:00:00Z') / 1000;
    expect(ops).toEqual([
      { kind: 'command', args: ['HINCRBY', 'ns:activity:u', 'pageViews', '1'] },
      { kind: 'command', args: ['HSET', 'ns:activity:u', 'lastPath', '/a', 'lastSeenAt', time.toISOString()] },
      { kind: 'command', args: ['INCR', 'ns:activity-day:u:2026-03-01'] },
      { kind: 'command', args: ['EXPIREAT', 'ns:activity-day:u:2026-03-01', String(dayEnd + 30 * 86400)] },
    ]);
  });
});
