import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Kafka, Partitioners, logLevel, type Admin, type Consumer, type Producer } from 'kafkajs';
import { KafkaMockControl, readKafkaMockState, type KafkaMockState } from '../../local/kafka-mock/kafkaMockControl';

// Runs its own triplane-kafka-mock instance (not the shared local one), so the
// faults injected here cannot disturb anything else running on the machine.

const MOCK_DIR = path.resolve(__dirname, '../../local/kafka-mock');
const BINARY = path.join(MOCK_DIR, 'build', 'triplane-kafka-mock');
const RUN_ID = Date.now().toString(36);

// Produce = ApiKey 0. INVALID_RECORD (87) is not retriable for kafkajs, so a
// failure surfaces immediately instead of after backoff.
const PRODUCE_API_KEY = 0;
const INVALID_RECORD = 87;

interface RunningDaemon {
  child: ChildProcess;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  output: () => string;
}

interface ConsumedRecord {
  partition: number;
  offset: number;
  key: string;
  value: string;
}

function startDaemon(args: string[]): RunningDaemon {
  const child = spawn(BINARY, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('exit', (code, signal) => resolve({ code, signal }));
  });
  return { child, exited, output: () => output };
}

async function waitForState(daemon: RunningDaemon, stateFile: string, timeoutMs = 10_000): Promise<KafkaMockState> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (daemon.child.exitCode !== null) {
      throw new Error(`triplane-kafka-mock exited with ${daemon.child.exitCode}: ${daemon.output()}`);
    }
    if (existsSync(stateFile)) return readKafkaMockState(stateFile);
    if (Date.now() > deadline) throw new Error(`no state file after ${timeoutMs} ms: ${daemon.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

async function waitForExit(daemon: RunningDaemon, timeoutMs = 10_000) {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`daemon did not exit within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    return await Promise.race([daemon.exited, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Pipelines several commands over one connection and returns one response line per command. */
function rawSession(control: string, commands: string[]): Promise<string[]> {
  const colon = control.lastIndexOf(':');
  return new Promise((resolve, reject) => {
    const socket = net.createConnection({ host: control.slice(0, colon), port: Number(control.slice(colon + 1)) });
    let buffer = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`raw session timed out, got: ${JSON.stringify(buffer)}`));
    }, 5000);
    socket.setEncoding('utf8');
    socket.on('connect', () => socket.write(commands.map((c) => `${c}\n`).join('')));
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      const lines = buffer.split('\n');
      if (lines.length > commands.length) {
        clearTimeout(timer);
        socket.end();
        resolve(lines.slice(0, commands.length));
      }
    });
    socket.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}

function tcpProbe(host: string, port: number): Promise<'open' | string> {
  return new Promise((resolve) => {
    const socket = net.createConnection({ host, port });
    socket.on('connect', () => {
      socket.destroy();
      resolve('open');
    });
    socket.on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
  });
}

describe('triplane-kafka-mock (librdkafka mock cluster daemon)', () => {
  let tmpDir: string;
  let stateFile: string;
  let daemon: RunningDaemon | undefined;
  let state: KafkaMockState;
  let control: KafkaMockControl;
  let kafka: Kafka;
  let admin: Admin;
  let producer: Producer;
  /** No retries, so an injected or connection error reaches the test instead of being retried away. */
  let fragileProducer: Producer;
  const openConsumers = new Set<Consumer>();
  const extraProducers = new Set<Producer>();
  let groupSeq = 0;

  beforeAll(async () => {
    execFileSync('make', ['-C', MOCK_DIR], { stdio: 'pipe' });

    tmpDir = mkdtempSync(path.join(os.tmpdir(), 'triplane-kafka-mock-test-'));
    stateFile = path.join(tmpDir, 'kafka-mock.json');
    daemon = startDaemon(['--brokers', '3', '--state-file', stateFile, '--topic', 't-a:12', '--topic', 't-b:3']);
    state = await waitForState(daemon, stateFile);
    control = new KafkaMockControl(state.control);

    kafka = new Kafka({ clientId: `kafka-mock-test-${RUN_ID}`, brokers: state.bootstrap.split(','), logLevel: logLevel.NOTHING });
    admin = kafka.admin();
    producer = kafka.producer({ allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner });
    fragileProducer = kafka.producer({
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
      retry: { retries: 0 },
    });
    await Promise.all([admin.connect(), producer.connect(), fragileProducer.connect()]);
  }, 30_000);

  afterAll(async () => {
    await Promise.allSettled([...openConsumers].map((c) => c.disconnect()));
    await Promise.allSettled(
      [admin, producer, fragileProducer, ...extraProducers].filter(Boolean).map((c) => c.disconnect()),
    );
    try {
      if (daemon) {
        daemon.child.kill('SIGTERM');
        const { code, signal } = await waitForExit(daemon);
        expect({ code, signal }).toEqual({ code: 0, signal: null });
        expect(existsSync(stateFile)).toBe(false);
        expect(existsSync(`${stateFile}.tmp`)).toBe(false);
      }
    } finally {
      if (daemon && daemon.child.exitCode === null) daemon.child.kill('SIGKILL');
      if (tmpDir) rmSync(tmpDir, { recursive: true, force: true });
    }
  }, 20_000);

  /**
   * Consumes `topic` from the beginning in a fresh consumer group until `done`
   * holds. Group joins on the mock take ~3 s (its initial rebalance delay).
   */
  async function consumeUntil(
    topic: string,
    done: (records: ConsumedRecord[]) => boolean,
    options: { commit?: boolean; timeoutMs?: number } = {},
  ): Promise<{ records: ConsumedRecord[]; groupId: string }> {
    const groupId = `kafka-mock-test-${RUN_ID}-${++groupSeq}`;
    // Short fetch waits keep disconnect fast; the default 5 s long poll would dominate the test.
    const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 200, heartbeatInterval: 500 });
    openConsumers.add(consumer);
    const records: ConsumedRecord[] = [];
    let timer: NodeJS.Timeout | undefined;
    try {
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      const finished = new Promise<void>((resolve, reject) => {
        timer = setTimeout(
          () => reject(new Error(`consumer ${groupId} saw only ${JSON.stringify(records)}`)),
          options.timeoutMs ?? 10_000,
        );
        void consumer
          .run({
            autoCommit: false,
            eachMessage: async ({ partition, message }) => {
              records.push({
                partition,
                offset: Number(message.offset),
                key: message.key?.toString() ?? '',
                value: message.value?.toString() ?? '',
              });
              if (done(records)) resolve();
            },
          })
          .catch(reject);
      });
      await finished;

      if (options.commit) {
        const next = new Map<number, number>();
        for (const r of records) next.set(r.partition, Math.max(next.get(r.partition) ?? 0, r.offset + 1));
        await consumer.commitOffsets(
          [...next].map(([partition, offset]) => ({ topic, partition, offset: String(offset) })),
        );
      }
      return { records, groupId };
    } finally {
      clearTimeout(timer);
      await consumer.disconnect();
      openConsumers.delete(consumer);
    }
  }

  async function partitionLeader(topic: string, partition: number): Promise<number> {
    const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
    const found = topics[0]?.partitions.find((p) => p.partitionId === partition);
    if (!found) throw new Error(`no metadata for ${topic}[${partition}]`);
    return found.leader;
  }

  async function highWatermark(topic: string, partition: number): Promise<number> {
    const offsets = await admin.fetchTopicOffsets(topic);
    const found = offsets.find((o) => o.partition === partition);
    if (!found) throw new Error(`no offsets for ${topic}[${partition}]`);
    return Number(found.high);
  }

  it('reports the bootstrap servers and the created topics with their partition counts', async () => {
    expect(daemon?.output()).toContain(`triplane-kafka-mock ready bootstrap=${state.bootstrap} control=${state.control}`);
    expect(state.pid).toBe(daemon?.child.pid);
    expect(state.brokers).toBe(3);
    expect(state.bootstrap.split(',')).toHaveLength(3);
    for (const server of state.bootstrap.split(',')) expect(server).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(state.control).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(state.topics).toEqual({ 't-a': 12, 't-b': 3 });

    await control.ping();
    await expect(control.send('bootstrap')).resolves.toBe(state.bootstrap);
    await expect(control.topics()).resolves.toEqual({ 't-a': 12, 't-b': 3 });

    const { topics } = await admin.fetchTopicMetadata({ topics: ['t-a', 't-b'] });
    const byName = new Map(topics.map((t) => [t.name, t.partitions]));
    expect(byName.get('t-a')).toHaveLength(12);
    expect(byName.get('t-b')).toHaveLength(3);
    for (const p of byName.get('t-a') ?? []) {
      expect(p.replicas).toHaveLength(3);
      expect([1, 2, 3]).toContain(p.leader);
    }
    const cluster = await admin.describeCluster();
    expect(cluster.brokers.map((b) => b.nodeId).sort()).toEqual([1, 2, 3]);
  });

  it('creates topics at runtime and keeps the state file in sync', async () => {
    await control.createTopic(`t-new-${RUN_ID}`, 5);
    await expect(control.createTopic(`t-new-${RUN_ID}`, 5)).rejects.toThrow(/already exists/);
    await expect(control.createTopic('bad/name', 1)).rejects.toThrow(/invalid topic name/);

    expect(await control.topics()).toEqual({ 't-a': 12, 't-b': 3, [`t-new-${RUN_ID}`]: 5 });
    expect((await readKafkaMockState(stateFile)).topics).toEqual({ 't-a': 12, 't-b': 3, [`t-new-${RUN_ID}`]: 5 });
    const { topics } = await admin.fetchTopicMetadata({ topics: [`t-new-${RUN_ID}`] });
    expect(topics[0]?.partitions).toHaveLength(5);
  });

  it('produces and consumes keyed records, with consumer group join and offset commit', async () => {
    const keys = Array.from({ length: 8 }, (_, i) => `key-${i}`);
    const messages = keys.flatMap((key) => [0, 1, 2].map((seq) => ({ key, value: `keyed-${RUN_ID}-${key}-${seq}` })));
    // One send per sequence number so per-key ordering spans several requests.
    for (const seq of [0, 1, 2]) {
      const batch = messages.filter((m) => m.value.endsWith(`-${seq}`));
      const result = await producer.send({ topic: 't-a', acks: -1, messages: batch });
      expect(result.every((r) => r.errorCode === 0)).toBe(true);
    }

    const ours = (records: ConsumedRecord[]) => records.filter((r) => r.value.startsWith(`keyed-${RUN_ID}-`));
    const { records, groupId } = await consumeUntil('t-a', (rs) => ours(rs).length >= messages.length, { commit: true });
    const consumed = ours(records);

    expect(consumed.map((r) => r.value).sort()).toEqual(messages.map((m) => m.value).sort());
    for (const key of keys) {
      const forKey = consumed.filter((r) => r.key === key).sort((a, b) => a.offset - b.offset);
      expect(new Set(forKey.map((r) => r.partition)).size).toBe(1);
      expect(forKey.map((r) => r.value)).toEqual([0, 1, 2].map((seq) => `keyed-${RUN_ID}-${key}-${seq}`));
    }
    // Keys spread over more than one partition of the 12.
    expect(new Set(consumed.map((r) => r.partition)).size).toBeGreaterThan(1);

    const committed = await admin.fetchOffsets({ groupId, topics: ['t-a'] });
    const committedByPartition = new Map(committed[0]?.partitions.map((p) => [p.partition, Number(p.offset)]));
    const high = await admin.fetchTopicOffsets('t-a');
    for (const partition of new Set(consumed.map((r) => r.partition))) {
      const hw = Number(high.find((h) => h.partition === partition)?.high);
      expect(committedByPartition.get(partition)).toBe(hw);
    }
  });

  it('fails produce requests while errors are injected and succeeds after clearing them', async () => {
    const topic = 't-b';
    const partition = 0;
    const before = await highWatermark(topic, partition);
    const send = () =>
      fragileProducer.send({ topic, acks: -1, messages: [{ partition, key: 'err', value: `inject-${RUN_ID}` }] });

    try {
      // Exactly COUNT requests fail, then the stack is empty again.
      await control.pushRequestErrors(PRODUCE_API_KEY, INVALID_RECORD, 1);
      await expect(send()).rejects.toMatchObject({ type: 'INVALID_RECORD' });
      await expect(send()).resolves.toEqual([expect.objectContaining({ errorCode: 0, partition })]);

      // More errors than requests: everything fails until cleared.
      await control.pushRequestErrors(PRODUCE_API_KEY, INVALID_RECORD, 100);
      for (let i = 0; i < 3; i++) await expect(send()).rejects.toMatchObject({ type: 'INVALID_RECORD' });
      await control.clearRequestErrors(PRODUCE_API_KEY);
      await expect(send()).resolves.toEqual([expect.objectContaining({ errorCode: 0, partition })]);
    } finally {
      await control.clearRequestErrors(PRODUCE_API_KEY);
    }

    // Rejected produces must not have been appended to the log.
    expect(await highWatermark(topic, partition)).toBe(before + 2);
  });

  it('moves a partition leader and still produces and consumes', async () => {
    const topic = 't-b';
    const partition = 1;
    const oldLeader = await partitionLeader(topic, partition);
    const newLeader = (oldLeader % 3) + 1;

    await producer.send({ topic, acks: -1, messages: [{ partition, key: 'lead', value: `leader-${RUN_ID}-before` }] });
    await control.moveLeader(topic, partition, newLeader);
    expect(await partitionLeader(topic, partition)).toBe(newLeader);

    // The producer's cached metadata still points at the old leader: it gets
    // NOT_LEADER_FOR_PARTITION, refreshes metadata and retries.
    const result = await producer.send({
      topic,
      acks: -1,
      messages: [{ partition, key: 'lead', value: `leader-${RUN_ID}-after` }],
    });
    expect(result).toEqual([expect.objectContaining({ errorCode: 0, partition })]);

    const ours = (rs: ConsumedRecord[]) => rs.filter((r) => r.value.startsWith(`leader-${RUN_ID}-`));
    const { records } = await consumeUntil(topic, (rs) => ours(rs).length >= 2);
    const consumed = ours(records);
    expect(consumed.map((r) => r.value)).toEqual([`leader-${RUN_ID}-before`, `leader-${RUN_ID}-after`]);
    expect(consumed.every((r) => r.partition === partition)).toBe(true);
    expect(consumed[1]!.offset).toBe(consumed[0]!.offset + 1);

    await expect(control.moveLeader(topic, 3, 1)).rejects.toThrow(/partition must be 0\.\.2/);
    await expect(control.moveLeader('no-such-topic', 0, 1)).rejects.toThrow(/unknown topic/);
  });

  it('takes a broker down and brings it up again', async () => {
    const topic = 't-b';
    const downPartition = 2;
    const upPartition = 0;
    await control.moveLeader(topic, downPartition, 2);
    await control.moveLeader(topic, upPartition, 1);

    const broker2 = (await admin.describeCluster()).brokers.find((b) => b.nodeId === 2);
    if (!broker2) throw new Error('broker 2 missing from cluster metadata');
    expect(await tcpProbe(broker2.host, broker2.port)).toBe('open');

    // Fresh, so its first metadata fetch already sees the moved leaders (a
    // no-retry producer would fail on the stale leader instead of refreshing).
    const noRetryProducer = kafka.producer({
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
      retry: { retries: 0 },
    });
    extraProducers.add(noRetryProducer);
    await noRetryProducer.connect();
    // Both producers hold a live connection to broker 2 before it goes down.
    await producer.send({ topic, acks: -1, messages: [{ partition: downPartition, value: `down-${RUN_ID}-0` }] });
    await noRetryProducer.send({ topic, acks: -1, messages: [{ partition: downPartition, value: `down-${RUN_ID}-1` }] });
    const before = await highWatermark(topic, downPartition);

    try {
      await control.brokerDown(2);
      expect(await tcpProbe(broker2.host, broker2.port)).toBe('ECONNREFUSED');

      // Leadership does not move, so only partitions led by broker 2 are unavailable.
      await expect(
        noRetryProducer.send({ topic, acks: -1, messages: [{ partition: downPartition, value: `down-${RUN_ID}-x` }] }),
      ).rejects.toThrow(/ECONNREFUSED|Connection/i);
      await expect(
        producer.send({ topic, acks: -1, messages: [{ partition: upPartition, value: `down-${RUN_ID}-2` }] }),
      ).resolves.toEqual([expect.objectContaining({ errorCode: 0 })]);
      expect(await partitionLeader(topic, downPartition)).toBe(2);
    } finally {
      await control.brokerUp(2);
    }

    expect(await tcpProbe(broker2.host, broker2.port)).toBe('open');
    await expect(
      producer.send({ topic, acks: -1, messages: [{ partition: downPartition, value: `down-${RUN_ID}-3` }] }),
    ).resolves.toEqual([expect.objectContaining({ errorCode: 0, partition: downPartition })]);
    expect(await highWatermark(topic, downPartition)).toBe(before + 1);

    await expect(control.brokerDown(4)).rejects.toThrow(/broker id must be 1\.\.3/);
  });

  it('sets and clears broker round-trip time', async () => {
    await control.moveLeader('t-b', 1, 3);
    await producer.send({ topic: 't-b', acks: -1, messages: [{ partition: 1, value: `rtt-${RUN_ID}-warm` }] });
    try {
      await control.setRtt(3, 400);
      let started = Date.now();
      await producer.send({ topic: 't-b', acks: -1, messages: [{ partition: 1, value: `rtt-${RUN_ID}-slow` }] });
      expect(Date.now() - started).toBeGreaterThanOrEqual(350);

      await control.setRtt(3, 0);
      started = Date.now();
      await producer.send({ topic: 't-b', acks: -1, messages: [{ partition: 1, value: `rtt-${RUN_ID}-fast` }] });
      expect(Date.now() - started).toBeLessThan(350);
    } finally {
      await control.setRtt(3, 0);
    }
  });

  it('answers err to unknown commands and bad arguments and keeps serving', async () => {
    await expect(control.send('frobnicate')).rejects.toThrow(/unknown command 'frobnicate'/);
    await expect(control.send('request-errors 0 7')).rejects.toThrow(/usage: request-errors/);
    await expect(control.send('request-errors 0 7 zero')).rejects.toThrow(/COUNT must be/);
    await expect(control.send('rtt 1 -5')).rejects.toThrow(/MS must be/);
    await expect(control.send('topic-create x 0')).rejects.toThrow(/partitions must be/);
    await expect(control.send('ping\nshutdown')).rejects.toThrow(/single line/);
    await control.ping();

    // Several commands per connection and several connections at once.
    const [first, second] = await Promise.all([
      rawSession(state.control, ['ping', 'nope', 'topics', 'bootstrap']),
      rawSession(state.control, ['ping', 'leader t-a 99 1', 'ping']),
    ]);
    expect(first).toEqual([
      'ok pong',
      expect.stringMatching(/^err unknown command 'nope'/),
      expect.stringMatching(/^ok t-a:12,t-b:3/),
      `ok ${state.bootstrap}`,
    ]);
    expect(second).toEqual(['ok pong', 'err partition must be 0..11 for t-a', 'ok pong']);

    await control.ping();
    expect(daemon?.child.exitCode).toBeNull();
  });

  it('rejects bad command lines at start with exit code 1', () => {
    const missing = path.join(tmpDir, 'never-written.json');
    for (const args of [
      ['--state-file', missing, '--topic', 'no-partitions'],
      ['--state-file', missing, '--brokers', '0'],
      ['--state-file', missing, '--topic', 'bad/name:3'],
      ['--topic', 'x:1'],
      ['--state-file', path.join(tmpDir, 'missing-dir', 'state.json')],
    ]) {
      const result = spawnSync(BINARY, args, { encoding: 'utf8', timeout: 10_000 });
      expect({ args, status: result.status }).toEqual({ args, status: 1 });
      expect(result.stderr).toMatch(/triplane-kafka-mock: /);
      expect(existsSync(missing)).toBe(false);
    }
  });

  it('exits cleanly on the shutdown command', async () => {
    const otherState = path.join(tmpDir, 'shutdown.json');
    const other = startDaemon(['--brokers', '1', '--state-file', otherState]);
    try {
      const s = await waitForState(other, otherState);
      expect(s.brokers).toBe(1);
      expect(s.topics).toEqual({});
      const otherControl = new KafkaMockControl(s.control);
      await expect(otherControl.topics()).resolves.toEqual({});
      await otherControl.shutdown();
      expect(await waitForExit(other)).toEqual({ code: 0, signal: null });
      expect(existsSync(otherState)).toBe(false);
      await expect(otherControl.ping()).rejects.toThrow(/unreachable/);
    } finally {
      if (other.child.exitCode === null && other.child.signalCode === null) other.child.kill('SIGKILL');
    }
  });
});
