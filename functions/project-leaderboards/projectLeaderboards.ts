import type { ScoreRecorded } from '../../shared/envelope/eventCatalog';
import type { Projection } from '../../shared/middleware/batch/projectRecords';
import { command } from '../../shared/state/RedisOp';
import type { RedisKeys } from '../../shared/state/redisKeys';

/**
 * A sorted set per board, points added with ZINCRBY. An increment is not idempotent by itself, which
 * is why it is applied in the same atomic script as the event's idempotency mark. No TTL: a board is
 * rebuilt exactly by replaying the scores topic.
 */
export function projectLeaderboards(keys: RedisKeys): Projection {
  return (event) => {
    if (event.type !== 'score.recorded') return [];
    const data = event.data as ScoreRecorded;
    return [command('ZINCRBY', keys.leaderboard(data.board), data.points, data.userId)];
  };
}
