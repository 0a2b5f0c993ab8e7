import { execFileSync } from 'node:child_process';
import { connect } from 'amqplib';
import { Redis } from 'ioredis';
import { checkConsumerLag, checkQueueDepths } from '../../../../operations/doctor/checkBacklogs';
import { checkRedisKeyFamilies } from '../../../../operations/doctor/checkRedisKeyFamilies';
import { checkRedisMemoryPolicy } from '../../../../operations/doctor/checkRedisMemoryPolicy';
import { checkKafkaPartitions } from '../../../../operations/doctor/checkTopicPartitions';
import { checkWorkflowQueues } from '../../../../operations/doctor/checkWorkflowQueues';
import { checkTopicRetention } from '../../../../operations/doctor/checkTopicRetention';
import { clusterTopicPartitions, functionLags, topicRetentions, withKafkaAdmin } from '../../../../operations/doctor/kafkaProbe';
import { listBrokerQueues } from '../../../../operations/doctor/rabbitMqProbe';
import { readMemoryConfig, sampleNamespaceKeys, withRedis } from '../../../../operations/doctor/redisProbe';
import { FUNCTIONS } from '../../../../shared/routes/functionCatalog';
import { MIN_PARTITIONS, TOPICS } from '../../../../shared/routes/topics';
import { parkingLotOf, WORKFLOW_STEPS, workflowQueues } from '../../../../shared/routes/workflow';
import { KEY_FAMILIES } from '../../../../shared/state/redisKeys';
import { declareWorkflowTopology } from '../../../../shared/workflow/declareWorkflowTopology';
import { runDoctorCommand } from '../../../../testkit/runDoctorCommand';

/**
 * The doctor's I/O against the real servers. One file, so its tests run one after the other: the
 * whole-doctor run must not see the moment the Redis policy is switched to noeviction.
 */
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const parkingLots = WORKFLOW_STEPS.map((s) => parkingLotOf(s.queue));
const declaredFamilies = [...new Set(FUNCTIONS.flatMap((fn) => fn.redis.writes))];
const unique = `${process.pid}-${Date.now().toString(36)}`;

describe('doctor against the real Redis', () => {
  it('should fail while the policy is noeviction, and pass once it is allkeys-lru again', async () => {
    const redis = new Redis(redisUrl);
    const [, before] = (await redis.config('GET', 'maxmemory-policy')) as [string, string];
    try {
      // prepare
      await redis.config('SET', 'maxmemory-policy', 'noeviction');

      // act
      const broken = checkRedisMemoryPolicy(await withRedis(redisUrl, readMemoryConfig));

      // assess
      expect(broken).toMatchObject({ status: 'fail', detail: expect.stringContaining('noeviction') });
    } finally {
      await redis.config('SET', 'maxmemory-policy', before);
    }
    expect(checkRedisMemoryPolicy(await withRedis(redisUrl, readMemoryConfig)).status).toBe('pass');
    await redis.quit();
  });

  it('should fail a ttl-family key without TTL and warn about a foreign key, in a namespace of its own', async () => {
    const namespace = `tpdoctor-${unique}`;
    const redis = new Redis(redisUrl);
    const scan = async () => {
      const sample = await withRedis(redisUrl, (client) => sampleNamespaceKeys(client, namespace, 2_000));
      return checkRedisKeyFamilies({ namespace, ...sample, declaredFamilies, keyFamilies: KEY_FAMILIES });
    };
    try {
      // prepare
      await redis.set(`${namespace}:g0:session:healthy`, '1', 'EX', 60);
      await redis.set(`${namespace}:g0:flags`, '{}');
      const healthy = await scan();
      await redis.hset(`${namespace}:g0:session:leaked`, 'userId', 'u-1');

      // act
      const leaked = await scan();
      await redis.del(`${namespace}:g0:session:leaked`);
      await redis.set(`${namespace}:cache:homepage`, 'x', 'EX', 60);
      const foreign = await scan();

      // assess
      expect(healthy.status).toBe('pass');
      expect(leaked).toMatchObject({ status: 'fail', detail: expect.stringContaining(`${namespace}:g0:session:leaked`) });
      expect(foreign).toMatchObject({ status: 'warn', detail: expect.stringContaining(`${namespace}:cache:homepage`) });
    } finally {
      await redis.del(`${namespace}:g0:session:healthy`, `${namespace}:g0:flags`, `${namespace}:g0:session:leaked`, `${namespace}:cache:homepage`);
      await redis.quit();
    }
  });
});

describe('doctor against the real Kafka', () => {
  it('should see every manifest topic with 12 partitions', async () => {
    // act
    const topics = await withKafkaAdmin(clusterTopicPartitions);

    // assess
    expect(checkKafkaPartitions(topics, Object.keys(TOPICS), MIN_PARTITIONS).status).toBe('pass');
    expect(topics.find((t) => t.name === 'orders')?.partitions).toBe(12);
  });

  it("should read each topic's retention as the broker applies it, and fail one that drops records the manifest keeps", async () => {
    // prepare: a topic of its own with a one-hour retention, beside the manifest's (kept for ever locally); 12 partitions, so the
    // whole-doctor run below passes even if Kafka has not finished deleting it
    const name = `doctor-retention-${unique}`;
    await withKafkaAdmin((admin) => admin.createTopics([{ name, partitions: MIN_PARTITIONS, replicationFactor: 1, configs: { 'retention.ms': '3600000' } }]));
    try {
      // act
      const retentions = await withKafkaAdmin((admin) => topicRetentions(admin, [...Object.keys(TOPICS), name]));

      // assess
      const declared = Object.fromEntries(Object.entries(TOPICS).map(([topic, spec]) => [topic, spec.retentionMs]));
      expect(checkTopicRetention(retentions, declared).status).toBe('pass');
      expect(retentions.find((t) => t.name === name)).toEqual({ name, retentionMs: 3_600_000, retentionBytes: -1 });
      expect(checkTopicRetention(retentions, { ...declared, [name]: -1 })).toMatchObject({ status: 'fail', detail: `${name} keeps records 1 h, the manifest says for ever` });
    } finally {
      await withKafkaAdmin((admin) => admin.deleteTopics([name]));
    }
  });

  it('should count the whole topic as lag for a group that never committed', async () => {
    // prepare: what the topics hold, read directly
    const held = await withKafkaAdmin((admin) => admin.topicOffsets('flags'));
    const total = held.reduce((n, p) => n + Number(p.high) - Number(p.low), 0);
    const projectFlags = FUNCTIONS.filter((fn) => fn.name === 'project-flags');

    // act
    const { lags, unmeasured } = await withKafkaAdmin((a) => functionLags(a, projectFlags, `-doctor-never-${unique}`));

    // assess
    expect(unmeasured).toEqual([]);
    expect(lags).toEqual([{ fn: 'project-flags', group: `triplane-project-flags-doctor-never-${unique}`, topic: 'flags', lag: total, deletedUnread: 0 }]);
    expect(checkConsumerLag(lags, unmeasured, Math.max(1, total)).status).toBe(total > 0 ? 'warn' : 'pass');
  });
});

describe('doctor against the real RabbitMQ', () => {
  /**
   * A scratch virtual host instead of triplane-test: breaking a queue there would break the other
   * tests' workflow. The topology is declared in it as the services declare it, then broken on purpose.
   */
  it('should pass the declared topology, then fail a non-durable main queue without DLX and warn about a parked message', async () => {
    const vhost = `triplane-doctor-${unique}`;
    const ctl = (...args: string[]) => execFileSync('rabbitmqctl', ['-q', ...args], { stdio: 'ignore' });
    ctl('add_vhost', vhost);
    try {
      ctl('set_permissions', '-p', vhost, 'guest', '.*', '.*', '.*');
      const connection = await connect(`amqp://guest:guest@127.0.0.1:5672/${encodeURIComponent(vhost)}`);
      try {
        const channel = await connection.createChannel();
        await declareWorkflowTopology(channel);
        const healthy = await listBrokerQueues(vhost);

        // prepare
        await channel.deleteQueue('payment.authorize');
        await channel.assertQueue('payment.authorize', { durable: false });
        await channel.close();
        const confirms = await connection.createConfirmChannel();
        confirms.sendToQueue(parkingLotOf('payment.refund'), Buffer.from('{}'), { persistent: true });
        await confirms.waitForConfirms();

        // act: the broker publishes queue depths every few seconds, so wait for the parked message to show
        let broken = await listBrokerQueues(vhost);
        for (let tries = 0; tries < 40 && !broken.some((q) => q.name === parkingLotOf('payment.refund') && (q.messages ?? 0) > 0); tries += 1) {
          await new Promise((resolve) => setTimeout(resolve, 250));
          broken = await listBrokerQueues(vhost);
        }

        // assess
        const check = (observed: typeof healthy) => checkWorkflowQueues({ vhost, expected: workflowQueues(), observed, parkingLots });
        expect(check(healthy).status).toBe('pass');
        expect(check(broken)).toMatchObject({ status: 'fail', detail: expect.stringMatching(/payment\.authorize not durable.*payment\.authorize has no x-dead-letter-exchange/) });
        expect(checkQueueDepths(healthy, parkingLots).status).toBe('pass');
        expect(checkQueueDepths(broken, parkingLots)).toMatchObject({ status: 'warn', detail: expect.stringContaining('payment.refund.parking-lot holds 1') });
      } finally {
        await connection.close();
      }
    } finally {
      ctl('delete_vhost', vhost);
    }
  }, 40_000);
});

describe('the doctor command', () => {
  it('should exit 0 against the running test services (all pass or warn)', async () => {
    // act
    const run = await runDoctorCommand();

    // assess
    expect(run.stdout).toMatch(/^\d+ pass, \d+ warn, 0 fail$/m);
    expect(run.stdout).not.toMatch(/^FAIL/m);
    expect(run.stdout.trim().split('\n')).toHaveLength(15);
    expect(run.stdout).toMatch(/^PASS +redis lua libraries/m);
    expect(run.code).toBe(0);
  }, 60_000);
});
