import { Redis } from 'ioredis';
import { handler as projectActivity } from '../../../../../functions/project-activity/handler';
import { handler as projectFlags } from '../../../../../functions/project-flags/handler';
import { handler as projectLeaderboards } from '../../../../../functions/project-leaderboards/handler';
import { handler as projectSessions } from '../../../../../functions/project-sessions/handler';
import { closeKafkaProducer } from '../../../../../shared/clients/kafkaProducer';
import { closeRedisClient } from '../../../../../shared/clients/redisClient';
import { createEnvelope, type Envelope } from '../../../../../shared/envelope/envelope';
import { PROJECTIONS, projectionKeys, type ProjectionName } from '../../../../../shared/state/projectionKeys';
import type { RedisKeys } from '../../../../../shared/state/redisKeys';
import { redisNamespace } from '../../../../../shared/state/redisKeys';
import { kafkaEventOf, kafkaRecordOf } from '../../../../../testkit/kafkaTriggerEvents';
import { lambdaContextOf } from '../../../../../testkit/lambdaContextOf';
import { readTopic } from '../../../../../testkit/readTopic';

/** Each projection's keys in its current generation. */
const keys = {} as Record<ProjectionName, RedisKeys>;
const run = `${process.pid}-${Date.now()}`;
const id = (name: string) => `${name}-${run}`;
let redis: Redis;

const event = (type: string, data: Record<string, unknown>, extra: Partial<Envelope> = {}) => ({
  ...createEnvelope({ type, version: 1, key: String(Object.values(data)[0]), data, source: 'test' }),
  ...extra,
});

beforeAll(async () => {
  redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  for (const projection of PROJECTIONS) keys[projection] = await projectionKeys(redis, redisNamespace(), projection);
});

afterAll(async () => {
  await Promise.all([redis.quit(), closeRedisClient(), closeKafkaProducer()]);
});

describe('project-leaderboards (real Redis and Kafka)', () => {
  it('should add scores once, even when the same batch is delivered again', async () => {
    const board = id('board');
    const records = [
      kafkaRecordOf('scores', event('score.recorded', { userId: 'ann', board, points: 10 })),
      kafkaRecordOf('scores', event('score.recorded', { userId: 'bob', board, points: 4 })),
      kafkaRecordOf('scores', event('score.recorded', { userId: 'ann', board, points: 5 })),
    ];
    const first = await projectLeaderboards(kafkaEventOf(records), lambdaContextOf('project-leaderboards'));
    expect(first).toMatchObject({ received: 3, processed: 3, duplicates: 0, deadLettered: 0 });
    const again = await projectLeaderboards(kafkaEventOf(records), lambdaContextOf('project-leaderboards'));
    expect(again).toMatchObject({ received: 3, processed: 0, duplicates: 3 });
    expect(await redis.zrevrange(keys.leaderboards.leaderboard(board), 0, -1, 'WITHSCORES')).toEqual(['ann', '15', 'bob', '4']);
  });

  it('should apply a record the log holds twice once, and refuse its id reused later, though a fresh batch reads no marks first', async () => {
    const board = id('twice-board');
    // A topic of this run's own, so no other test has moved the partition's next offset.
    const topic = id('scores');
    const ann = event('score.recorded', { userId: 'ann', board, points: 10 });
    const first = await projectLeaderboards(kafkaEventOf([kafkaRecordOf(topic, ann), kafkaRecordOf(topic, ann)]), lambdaContextOf('project-leaderboards'));
    expect(first).toMatchObject({ received: 2, processed: 1, duplicates: 1, deadLettered: 0 });
    const again = await projectLeaderboards(kafkaEventOf([kafkaRecordOf(topic, ann)]), lambdaContextOf('project-leaderboards'));
    expect(again).toMatchObject({ received: 1, processed: 0, duplicates: 1, deadLettered: 0 });
    const reused = await projectLeaderboards(kafkaEventOf([kafkaRecordOf(topic, { ...ann, data: { userId: 'ann', board, points: 1_000 } })]), lambdaContextOf('project-leaderboards'));
    expect(reused).toMatchObject({ received: 1, processed: 0, duplicates: 0, deadLettered: 1, idReused: 1 });
    expect(await redis.zscore(keys.leaderboards.leaderboard(board), 'ann')).toBe('10');
    const [refused] = await readTopic(
      'dead-letters',
      (r) => r.headers.id === ann.id,
      (kept) => kept.length >= 1,
    );
    expect(refused?.headers).toMatchObject({ 'dlt-stage': 'id-reused' });
    expect(refused?.headers['dlt-reason']).toContain('id reused with different content: score.recorded');
    expect(refused?.headers['dlt-reason']).toContain('already applied');
  });

  it('should dead-letter a poison record with its reason while the rest of the batch lands', async () => {
    const board = id('poison-board');
    const poison = `{"not":"an envelope ${run}"}`;
    const notBase64 = `%%% not base64 ${run}`;
    const records = [
      kafkaRecordOf('scores', event('score.recorded', { userId: 'ann', board, points: 1 })),
      kafkaRecordOf('scores', poison),
      { ...kafkaRecordOf('scores', null), value: notBase64 },
      kafkaRecordOf('scores', event('score.recorded', { userId: 'cid', board, points: 2 })),
    ];
    const summary = await projectLeaderboards(kafkaEventOf(records), lambdaContextOf('project-leaderboards'));
    expect(summary).toMatchObject({ received: 4, processed: 2, deadLettered: 2 });
    expect(await redis.zcard(keys.leaderboards.leaderboard(board))).toBe(2);

    const letters = await readTopic(
      'dead-letters',
      (r) => r.value === poison || r.value === notBase64,
      (kept) => kept.length >= 2,
    );
    expect(letters).toHaveLength(2);
    const poisoned = letters.find((r) => r.value === poison);
    expect(poisoned?.headers).toMatchObject({ 'dlt-consumer': 'project-leaderboards', 'dlt-stage': 'decode', 'dlt-source': `scores-0@${String(records[1]?.offset)}` });
    expect(poisoned?.headers['dlt-reason']).toMatch(/id|type/);
    expect(letters.find((r) => r.value === notBase64)?.headers['dlt-reason']).toBe('value: not valid base64');
  });

  it('should refuse a record past the hop limit, dead-letter it and not apply it', async () => {
    const board = id('loop-board');
    const looping = event('score.recorded', { userId: 'ann', board, points: 100 }, { hops: 11 });
    const summary = await projectLeaderboards(
      kafkaEventOf([kafkaRecordOf('scores', looping), kafkaRecordOf('scores', event('score.recorded', { userId: 'bob', board, points: 1 }, { hops: 10 }))]),
      lambdaContextOf('project-leaderboards'),
    );
    expect(summary).toMatchObject({ processed: 1, deadLettered: 1, hopRefused: 1 });
    expect(await redis.zscore(keys.leaderboards.leaderboard(board), 'ann')).toBeNull();
    const [letter] = await readTopic(
      'dead-letters',
      (r) => r.headers.id === looping.id,
      (kept) => kept.length >= 1,
    );
    expect(letter?.headers).toMatchObject({ 'dlt-stage': 'hop-limit', hops: '11' });
    expect(letter?.headers['dlt-reason']).toContain('hop limit exceeded');
  });
});

describe('project-sessions (real Redis)', () => {
  it('should start, touch and end sessions, ignoring a touch of an unknown session', async () => {
    const live = id('sess-live');
    const ended = id('sess-ended');
    const ghost = id('sess-ghost');
    await projectSessions(
      kafkaEventOf([
        kafkaRecordOf('sessions', event('session.started', { sessionId: live, userId: 'u1', ttlSeconds: 120 })),
        kafkaRecordOf('sessions', event('session.started', { sessionId: ended, userId: 'u2' })),
        kafkaRecordOf('sessions', event('session.touched', { sessionId: live })),
        kafkaRecordOf('sessions', event('session.ended', { sessionId: ended })),
        kafkaRecordOf('sessions', event('session.touched', { sessionId: ghost })),
      ]),
      lambdaContextOf('project-sessions'),
    );
    expect(await redis.hget(keys.sessions.session(live), 'userId')).toBe('u1');
    const ttl = await redis.ttl(keys.sessions.session(live));
    expect(ttl).toBeGreaterThan(100);
    expect(ttl).toBeLessThanOrEqual(120);
    expect(await redis.exists(keys.sessions.session(ended), keys.sessions.session(ghost))).toBe(0);
  });
});

describe('project-flags (real Redis)', () => {
  it('should store flags, upcasting version 1, and apply a redelivery once', async () => {
    const name = id('flag');
    const records = [kafkaRecordOf('flags', event('flag.set', { name, enabled: true }))];
    await projectFlags(kafkaEventOf(records), lambdaContextOf('project-flags'));
    expect(JSON.parse((await redis.hget(keys.flags.flags(), name)) ?? '{}')).toMatchObject({ enabled: true, rollout: 100 });
    expect(await projectFlags(kafkaEventOf(records), lambdaContextOf('project-flags'))).toMatchObject({ duplicates: 1, processed: 0 });
  });
});

describe('project-activity (real Redis)', () => {
  it('should count page views per user and per day, with a TTL on the day bucket', async () => {
    const user = id('user');
    const views = ['/a', '/b', '/c'].map((path) => kafkaRecordOf('activity', event('page.viewed', { userId: user, path })));
    await projectActivity(kafkaEventOf(views), lambdaContextOf('project-activity'));
    await projectActivity(kafkaEventOf(views), lambdaContextOf('project-activity'));
    expect(await redis.hgetall(keys.activity.activity(user))).toMatchObject({ pageViews: '3', lastPath: '/c' });
    const day = keys.activity.activityDay(user, new Date().toISOString().slice(0, 10));
    expect(await redis.get(day)).toBe('3');
    expect(await redis.ttl(day)).toBeGreaterThan(29 * 86_400);
  });
});
