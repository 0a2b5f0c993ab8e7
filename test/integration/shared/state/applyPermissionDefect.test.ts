import { Redis } from 'ioredis';
import { handler as projectActivity } from '../../../../functions/project-activity/handler';
import { createEnvelope } from '../../../../shared/envelope/envelope';
import { downstream } from '../../../../shared/resilience/downstream';
import { FUNCTIONS } from '../../../../shared/routes/functionCatalog';
import { redisAclRules } from '../../../../shared/security/redisAcl';
import { projectionKeys } from '../../../../shared/state/projectionKeys';
import { redisNamespace, type RedisKeys } from '../../../../shared/state/redisKeys';
import type { KafkaTriggerRecord } from '../../../../shared/triggers/kafka/KafkaTriggerEvent';
import { kafkaEventOf, kafkaRecordOf } from '../../../../testkit/kafkaTriggerEvents';
import { lambdaContextOf } from '../../../../testkit/lambdaContextOf';
import { asRedisUser } from '../../../../testkit/asRedisUser';
import { readTopic } from '../../../../testkit/readTopic';

/**
 * A permission error inside the apply script (issue 12, point 3) on the real Redis: project-activity
 * runs as a user with its real rules but one permission short (INCR, which its day bucket needs). The
 * batch must fail loudly, dead-letter nothing of the refused records, leave them unapplied and
 * unmarked, and once the rule is fixed the retry applies each exactly once: page.viewed also runs
 * HINCRBY and HSET before its INCR, and without the script's check those would have run on the failed
 * attempt and again on the retry.
 */
jest.setTimeout(60_000);

const run = `${process.pid}-${Date.now()}`;
const namespace = redisNamespace();
const fn = FUNCTIONS.find((f) => f.name === 'project-activity');
const user = `${namespace}.scratch-activity-${run}`;
const password = `pw-${run}`;
const identity = { username: user, password };
let admin: Redis;
let keys: RedisKeys;
/** Records of a topic name of this run's own (the handler reads it off the records): no earlier run's offsets apply. */
let offset = 0;
const at = (record: KafkaTriggerRecord): KafkaTriggerRecord => ({ ...record, topic: `activity-${run}`, offset: offset++ });

beforeAll(async () => {
  if (fn === undefined) throw new Error('serverless.yml has no project-activity');
  admin = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  await admin.call('ACL', 'SETUSER', user, ...redisAclRules(fn, namespace, FUNCTIONS), '-incr', `>${password}`);
  keys = await projectionKeys(admin, namespace, 'activity');
});

afterAll(async () => {
  await admin.call('ACL', 'DELUSER', user);
  await admin.quit();
});

const invokeAs = (records: KafkaTriggerRecord[]) => asRedisUser(identity, () => projectActivity(kafkaEventOf(records), lambdaContextOf('project-activity')));

describe('a write the function user may not make, inside the apply script (real Redis and Kafka)', () => {
  it('should fail the batch as a permission defect, apply and mark none of it, and apply it exactly once after the rule is fixed', async () => {
    const reader = `reader-${run}`;
    const other = `other-${run}`;
    const view = (userId: string, path: string) => createEnvelope({ type: 'page.viewed', version: 1, key: userId, data: { userId, path }, source: 'test' });
    const views = [view(reader, '/a'), view(reader, '/b'), view(other, '/c')];
    // A bad record with the reader's key: its dead letters and any of the reader's share one partition, in order.
    const poison = `{"poison":"${run}"}`;
    const records = [at({ ...kafkaRecordOf('activity', poison), key: Buffer.from(reader).toString('base64') }), ...views.map((v) => at(kafkaRecordOf('activity', v)))];
    const marks = views.map((v) => keys.idempotency('project-activity', v.id));
    const before = downstream('redis').status();

    await expect(invokeAs(records)).rejects.toThrow(/^NOPERM: project-activity's Redis user may not INCR .*activity-day:\*/);
    expect(await admin.hget(keys.activity(reader), 'pageViews')).toBeNull();
    expect(await admin.exists(keys.activity(other))).toBe(0);
    expect(await admin.mget(...marks)).toEqual([null, null, null]);
    const denied = downstream('redis').status();
    expect(denied.denied).toBe(before.denied + 1);
    expect(denied.failures).toBe(before.failures);
    expect(denied.state).toBe('closed');

    // The same batch again, as the event source mapping retries it: still refused, still nothing applied.
    await expect(invokeAs(records)).rejects.toThrow(/NOPERM/);
    expect(await admin.hget(keys.activity(reader), 'pageViews')).toBeNull();

    await admin.call('ACL', 'SETUSER', user, '+incr');
    const fixed = await invokeAs(records);
    expect(fixed).toMatchObject({ received: 4, processed: 3, duplicates: 0, deadLettered: 1 });
    expect(await admin.hget(keys.activity(reader), 'pageViews')).toBe('2');
    expect(await admin.hget(keys.activity(reader), 'lastPath')).toBe('/b');
    expect(await admin.hget(keys.activity(other), 'pageViews')).toBe('1');
    expect((await admin.mget(...marks)).every((mark) => mark !== null)).toBe(true);

    const again = await invokeAs(records);
    expect(again).toMatchObject({ received: 4, processed: 0, duplicates: 3, deadLettered: 1 });
    expect(await admin.hget(keys.activity(reader), 'pageViews')).toBe('2');

    // The poison record was dead-lettered on each of the four deliveries (the last two succeeded, the
    // first two failed after sending it): between them, in its partition, no dead letter of the reader's
    // refused views, which a NOPERM dead-lettered as a bad record would have put there.
    const letters = await readTopic(
      'dead-letters',
      (record) => record.key === reader,
      (kept) => kept.filter((record) => record.value === poison).length >= 4,
    );
    expect(letters.filter((record) => record.value === poison)).toHaveLength(4);
    expect(letters.filter((record) => record.value !== poison)).toEqual([]);
  });
});
