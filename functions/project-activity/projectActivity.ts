import type { PageViewed } from '../../shared/envelope/eventCatalog';
import type { Projection } from '../../shared/middleware/batch/projectRecords';
import { command } from '../../shared/state/RedisOp';
import type { RedisKeys } from '../../shared/state/redisKeys';

/** Daily buckets are kept this many days after their day ends. */
export const ACTIVITY_DAYS_KEPT = 30;

const DAY_SECONDS = 86_400;

/**
 * Per user: a hash with the total page views and the last path (rebuildable by replay, no TTL), and a
 * counter per UTC day that expires ACTIVITY_DAYS_KEPT days after that day ends. Expiry is absolute, so
 * a replay gives each bucket the same expiry it had the first time.
 */
export function projectActivity(keys: RedisKeys): Projection {
  return (event) => {
    if (event.type !== 'page.viewed') return [];
    const data = event.data as PageViewed;
    const day = event.time.slice(0, 10);
    const dayEnds = Math.floor(Date.parse(`${day}T00:00:00Z`) / 1000) + DAY_SECONDS;
    const bucket = keys.activityDay(data.userId, day);
    return [
      command('HINCRBY', keys.activity(data.userId), 'pageViews', 1),
      command('HSET', keys.activity(data.userId), 'lastPath', data.path, 'lastSeenAt', event.time),
      command('INCR', bucket),
      command('EXPIREAT', bucket, dayEnds + ACTIVITY_DAYS_KEPT * DAY_SECONDS),
    ];
  };
}
