import { Redis } from 'ioredis';
import { handler as projectLeaderboards } from '../../../../../functions/project-leaderboards/handler';
import { localUsersOf } from '../../../../../emulator/runtime/localFunctionUsers';
import { asRedisUser } from '../../../../../testkit/asRedisUser';
import { createEnvelope } from '../../../../../shared/envelope/envelope';
import { nextOffsetKey } from '../../../../../shared/middleware/idempotency/RedisIdempotencyStore';
import { logger } from '../../../../../shared/observability/logger';
import { projectionKeys } from '../../../../../shared/state/projectionKeys';
import { redisNamespace } from '../../../../../shared/state/redisKeys';
import type { KafkaTriggerRecord } from '../../../../../shared/triggers/kafka/KafkaTriggerEvent';
import { kafkaEventOf, kafkaRecordOf } from '../../../../../testkit/kafkaTriggerEvents';
import { lambdaContextOf } from '../../../../../testkit/lambdaContextOf';
import { facts as leaderboardFacts } from '../../../../../functions/project-leaderboards/function';

/**
 * The deployed half of "a consumer never skips records silently" (issue 13, point 5): Lambda's MSK
 * mapping moves past records Kafka no longer holds without telling the function, so the handler
 * itself compares each batch's first offset per partition with the one it expected (kept beside its
 * idempotency marks, as its own Redis user) and reports the difference. Real Redis and Kafka.
 */
jest.setTimeout(30_000);

const run = `${process.pid}-${Date.now()}`;
const board = `skips-${run}`;
const identity = localUsersOf(leaderboardFacts).redis;
/** A topic name of this run's own (the handler reads it off the records), so no earlier run's expectation applies. */
const TOPIC = `scores-${run}`;
const PARTITION = 9;
const base = 1_000;
let admin: Redis;

const score = (userId: string, points: number) => createEnvelope({ type: 'score.recorded', version: 1, key: userId, data: { board, userId, points }, source: 'test' });
const at = (offset: number, value: Parameters<typeof kafkaRecordOf>[1]): KafkaTriggerRecord => ({ ...kafkaRecordOf(TOPIC, value, PARTITION), offset: base + offset });
const invoke = (records: KafkaTriggerRecord[]) => {
  if (identity === undefined) throw new Error('project-leaderboards has no local identity');
  return asRedisUser(identity, () => projectLeaderboards(kafkaEventOf(records), lambdaContextOf('project-leaderboards')));
};

beforeAll(() => {
  admin = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
});

afterAll(async () => {
  await admin.quit();
});

describe('skipped records, seen by the handler (real Redis and Kafka)', () => {
  it('should report a batch that starts past the expected offset, once, with the range, and no gap for redeliveries or bad records', async () => {
    const errors = jest.spyOn(logger, 'error');
    try {
      const first = [at(0, score('ann', 1)), at(1, score('bob', 2))];
      expect(await invoke(first)).toMatchObject({ processed: 2, skipped: 0 });
      const keys = await projectionKeys(admin, redisNamespace(), 'leaderboards');
      const offsetKey = nextOffsetKey(keys.idempotency('project-leaderboards', ''), `${TOPIC}:${PARTITION}`);
      expect(await admin.get(offsetKey)).toBe(String(base + 2));
      expect(await admin.ttl(offsetKey)).toBeGreaterThan(0);

      // Offsets 2, 3 and 4 never delivered: what a retention cut or an out-of-range reset leaves.
      expect(await invoke([at(5, score('cid', 3)), at(6, score('ann', 4))])).toMatchObject({ processed: 2, skipped: 3 });
      const reports = errors.mock.calls.filter(([message]) => typeof message === 'string' && message.startsWith('records skipped'));
      expect(reports).toHaveLength(1);
      expect(reports[0]?.[1]).toMatchObject({
        consumer: 'project-leaderboards',
        topic: TOPIC,
        partition: PARTITION,
        expectedOffset: String(base + 2),
        firstOffset: String(base + 5),
        skippedRecords: '3',
      });

      // A redelivery of an older batch is no gap, and does not move the expectation back.
      expect(await invoke(first)).toMatchObject({ processed: 0, duplicates: 2, skipped: 0 });
      expect(await admin.get(offsetKey)).toBe(String(base + 7));
      // A record that does not decode still takes its offset: the batch after it starts where expected.
      expect(await invoke([at(7, `not an envelope ${run}`)])).toMatchObject({ deadLettered: 1, skipped: 0 });
      expect(await invoke([at(8, score('bob', 5))])).toMatchObject({ processed: 1, skipped: 0 });
      expect(errors.mock.calls.filter(([message]) => typeof message === 'string' && message.startsWith('records skipped'))).toHaveLength(1);
      expect(await admin.zscore(keys.leaderboard(board), 'ann')).toBe('5');
    } finally {
      errors.mockRestore();
    }
  });
});
