import type { SessionRef, SessionStarted } from '../../shared/envelope/eventCatalog';
import type { Projection } from '../../shared/middleware/batch/projectRecords';
import { command, type RedisOp } from '../../shared/state/RedisOp';
import type { RedisKeys } from '../../shared/state/redisKeys';

export const DEFAULT_SESSION_TTL_SECONDS = 1800;

const epochSeconds = (iso: string) => Math.floor(Date.parse(iso) / 1000);

/**
 * Sessions as hashes that expire `ttlSeconds` after their last start or touch. The expiry is absolute
 * (EXPIREAT event time + TTL), not relative to when the event is applied: a replay of last week's
 * events then rebuilds today's live sessions, instead of bringing week-old sessions back to life.
 */
export function projectSessions(keys: RedisKeys, defaultTtlSeconds: number = DEFAULT_SESSION_TTL_SECONDS): Projection {
  return (event): RedisOp[] => {
    const at = epochSeconds(event.time);
    switch (event.type) {
      case 'session.started': {
        const data = event.data as SessionStarted;
        const key = keys.session(data.sessionId);
        const ttl = data.ttlSeconds ?? defaultTtlSeconds;
        return [command('HSET', key, 'sessionId', data.sessionId, 'userId', data.userId, 'startedAt', event.time, 'lastSeenAt', event.time, 'ttlSeconds', ttl), command('EXPIREAT', key, at + ttl)];
      }
      case 'session.touched': {
        const data = event.data as SessionRef;
        return [{ kind: 'touch', key: keys.session(data.sessionId), field: 'lastSeenAt', value: event.time, at, ttlField: 'ttlSeconds' }];
      }
      case 'session.ended':
        return [command('DEL', keys.session((event.data as SessionRef).sessionId))];
      default:
        return [];
    }
  };
}
