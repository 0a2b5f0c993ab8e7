import { PROJECT_ROOT } from '../../../../emulator/services/localPaths';
import { redisUserOf } from '../../../../shared/routes/derivedNames';
import { execFileSync } from 'node:child_process';

import { connect } from 'amqplib';
import { Redis } from 'ioredis';
import { localPassword } from '../../../../emulator/services/applyAccessControl';
import { generationNamespace, type ProjectionName } from '../../../../shared/state/projectionKeys';
import { redisKeys } from '../../../../shared/state/redisKeys';

/**
 * Least privilege, checked on the real servers: the per-function Redis ACL users and RabbitMQ users
 * that `npm test`'s setup created from the manifest (namespace tptest, vhost triplane-test).
 */
const asRedisUser = (fn: string) =>
  new Redis({ host: '127.0.0.1', port: 6379, username: redisUserOf({ name: fn }, 'tptest'), password: localPassword(redisUserOf({ name: fn }, 'tptest')), maxRetriesPerRequest: 0 });
const asRabbitUser = (fn: string) => connect(`amqp://triplane-${fn}:${localPassword(`triplane-${fn}`)}@127.0.0.1:5672/triplane-test`);

describe('Redis ACL users per function', () => {
  const clients: Redis[] = [];
  const client = (fn: string) => {
    const c = asRedisUser(fn);
    clients.push(c);
    return c;
  };
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.quit()));
  });

  // Keys as the projections name them: generation 0 of each projection in the tests' namespace.
  const keysOf = (projection: ProjectionName) => redisKeys(generationNamespace('tptest', projection, 0));

  it('should let a read route read its projection and deny it every write to it', async () => {
    const reader = client('get-session');
    await expect(reader.hgetall(keysOf('sessions').session('acl-test'))).resolves.toEqual({});
    await expect(reader.get('tptest:generation:sessions')).resolves.toBeNull();
    await expect(reader.hset(keysOf('sessions').session('acl-test'), 'userId', 'x')).rejects.toThrow(/NOPERM/);
    await expect(reader.set('tptest:generation:sessions', '9')).rejects.toThrow(/NOPERM/);
    await expect(reader.hgetall(keysOf('orders').order('acl-test'))).rejects.toThrow(/NOPERM/);
  });

  it('should let a projection write only its own key family and its idempotency marks', async () => {
    const writer = client('project-sessions');
    await expect(writer.hset(keysOf('sessions').session('acl-test-w'), 'userId', 'x')).resolves.toBe(1);
    await expect(writer.set(keysOf('sessions').idempotency('project-sessions', 'acl'), '1', 'EX', 5)).resolves.toBe('OK');
    await expect(writer.zincrby(keysOf('leaderboards').leaderboard('acl'), 1, 'u')).rejects.toThrow(/NOPERM/);
    await expect(writer.set('tptest:generation:sessions', '9')).rejects.toThrow(/NOPERM/);
    await expect(writer.del(keysOf('sessions').session('acl-test-w'))).resolves.toBe(1);
  });

  it('should cover a family that is a single key (the flags hash) as well as keyed ones', async () => {
    const flags = keysOf('flags').flags();
    await expect(client('project-flags').hset(flags, 'acl-test', '{}')).resolves.toBeGreaterThanOrEqual(0);
    await expect(client('get-flag').hget(flags, 'acl-test')).resolves.toBe('{}');
    await expect(client('list-flags').hgetall(flags)).resolves.toMatchObject({ 'acl-test': '{}' });
    await expect(client('get-flag').hset(flags, 'acl-test', 'x')).rejects.toThrow(/NOPERM/);
    await expect(client('project-sessions').hget(flags, 'acl-test')).rejects.toThrow(/NOPERM/);
    await expect(client('project-flags').hdel(flags, 'acl-test')).resolves.toBe(1);
  });

  it('should deny dangerous commands to every function user', async () => {
    const writer = client('project-leaderboards');
    await expect(writer.flushall()).rejects.toThrow(/NOPERM/);
    await expect(writer.keys('*')).rejects.toThrow(/NOPERM/);
    await expect(writer.config('SET', 'maxmemory-policy', 'noeviction')).rejects.toThrow(/NOPERM/);
  });

  it('should run a projection handler under its own ACL user', () => {
    // In its own process, as on Lambda: the function's only Redis connection is its ACL user's.
    const user = redisUserOf({ name: 'project-flags' }, 'tptest');
    const out = execFileSync('npm', ['run', '--silent', 'invoke', '--', 'projectFlags', 'events/project-flags.json'], {
      cwd: PROJECT_ROOT,
      encoding: 'utf8',
      env: { ...process.env, REDIS_URL: `redis://${user}:${localPassword(user)}@127.0.0.1:6379`, POWERTOOLS_LOG_LEVEL: 'ERROR' },
    });
    expect(JSON.parse(out)).toMatchObject({ received: 2, deadLettered: 0 });
  });
});

describe('RabbitMQ users per function', () => {
  it('should let a step consume only its own queue', async () => {
    const connection = await asRabbitUser('authorize-payment');
    connection.on('error', () => undefined);
    try {
      const own = await connection.createChannel();
      await expect(own.consume('payment.authorize', () => undefined)).resolves.toMatchObject({ consumerTag: expect.any(String) });
      await own.close();
      const other = await connection.createChannel();
      other.on('error', () => undefined);
      await expect(other.consume('shipment.schedule', () => undefined)).rejects.toThrow(/ACCESS_REFUSED/);
    } finally {
      await connection.close().catch(() => undefined);
    }
  });

  it('should deny a step declaring queues and publishing to an exchange it does not own', async () => {
    const connection = await asRabbitUser('schedule-shipment');
    connection.on('error', () => undefined);
    try {
      const declare = await connection.createChannel();
      declare.on('error', () => undefined);
      await expect(declare.assertQueue('acl-test-queue', { durable: false })).rejects.toThrow(/ACCESS_REFUSED/);
      const publish = await connection.createConfirmChannel();
      publish.on('error', () => undefined);
      await expect(
        new Promise((resolve, reject) => {
          publish.publish('amq.topic', 'x', Buffer.from('x'), {}, (error: Error | null) => (error ? reject(error) : resolve(undefined)));
          publish.once('close', () => reject(new Error('channel closed: ACCESS_REFUSED')));
        }),
      ).rejects.toThrow(/ACCESS_REFUSED|closed/);
    } finally {
      await connection.close().catch(() => undefined);
    }
  });

  it('should let the workflow starter publish commands but read nothing', async () => {
    const connection = await asRabbitUser('start-order-workflow');
    connection.on('error', () => undefined);
    try {
      const channel = await connection.createChannel();
      channel.on('error', () => undefined);
      await expect(channel.consume('payment.authorize', () => undefined)).rejects.toThrow(/ACCESS_REFUSED/);
    } finally {
      await connection.close().catch(() => undefined);
    }
  });
});
