import type { FlagSet } from '../../shared/envelope/eventCatalog';
import type { Projection } from '../../shared/middleware/batch/projectRecords';
import { command } from '../../shared/state/RedisOp';
import type { RedisKeys } from '../../shared/state/redisKeys';

/**
 * All flags in one hash (name -> JSON): a handful of small values read together on every page load.
 * No TTL: a flag must not vanish because nobody changed it lately; the hash is rebuilt by replaying
 * the flags topic (keep that topic compacted or with infinite retention).
 */
export function projectFlags(keys: RedisKeys): Projection {
  return (event) => {
    if (event.type !== 'flag.set') return [];
    const data = event.data as FlagSet;
    return [command('HSET', keys.flags(), data.name, JSON.stringify({ enabled: data.enabled, rollout: data.rollout, updatedAt: event.time }))];
  };
}
