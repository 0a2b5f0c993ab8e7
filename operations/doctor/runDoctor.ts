import { FUNCTIONS, type FunctionRoute } from '../../shared/routes/functionCatalog';
import { DEAD_LETTER_TOPIC, MIN_PARTITIONS, TOPICS } from '../../shared/routes/topics';
import { parkingLotOf, WORKFLOW_EXCHANGE, WORKFLOW_STEPS, workflowQueues } from '../../shared/routes/workflow';
import { KEY_FAMILIES, redisNamespace } from '../../shared/state/redisKeys';
import { PROJECT_ROOT, rabbitMqVhost } from '../../emulator/services/localPaths';
import { checkConsumerLag, checkQueueDepths, CONSUMER_LAG_CHECK, QUEUE_DEPTH_CHECK } from './checkBacklogs';
import { checkSkippedRecords, SKIPPED_RECORDS_CHECK } from './checkSkippedRecords';
import { checkHandlerGuards } from './checkHandlerGuards';
import { checkEventVersions, consumerEventVersions } from './checkEventVersions';
import { EVENT_CATALOG } from '../../shared/envelope/eventCatalog';
import { readCommittedSchemas } from '../schemas/committedSchemas';
import { checkProjectionWrites } from './checkProjectionWrites';
import { checkRedisKeyFamilies, REDIS_KEYS_CHECK } from './checkRedisKeyFamilies';
import { checkRedisMemoryPolicy, REDIS_MEMORY_CHECK } from './checkRedisMemoryPolicy';
import { unreachable, warn, type CheckResult } from './checkResult';
import { checkRouteCycles } from './checkRouteCycles';
import { checkKafkaPartitions, checkManifestPartitions, KAFKA_PARTITIONS_CHECK } from './checkTopicPartitions';
import { checkWorkflowQueues, WORKFLOW_QUEUES_CHECK } from './checkWorkflowQueues';
import { loadFunctionModules } from './functionModules';
import { clusterTopicPartitions, functionLags, topicRetentions, withKafkaAdmin } from './kafkaProbe';
import { checkTopicRetention, TOPIC_RETENTION_CHECK } from './checkTopicRetention';
import { sampleProjectionWrites, SAMPLE_NAMESPACE } from './projectionSamples';
import { listBrokerQueues } from './rabbitMqProbe';
import { luaGlobalTypes, readMemoryConfig, sampleNamespaceKeys, withRedis } from './redisProbe';
import { checkRedisLuaLibraries, LUA_LIBRARIES_USED, REDIS_LUA_CHECK } from './checkRedisLuaLibraries';
import type { HandlerGuards } from './requiredGuards';
import { commandBindingsOf } from './routeGraph';
import { withDeadline } from './withDeadline';
import { localConfig } from '../../emulator/config/localConfig';

export interface DoctorOptions {
  /** Suffix of the consumer groups to measure lag on (the local runtime's groupIdSuffix, TRIPLANE_GROUP_SUFFIX for `npm start`). */
  groupSuffix: string;
  redisUrl: string;
  /** Redis key namespace to scan (TRIPLANE_REDIS_NAMESPACE). */
  namespace: string;
  /** RabbitMQ virtual host of the workflow topology. */
  vhost: string;
  /** Where functions/ and events/ (samples, released schemas) are. */
  root: string;
  /** How many keys check 4 samples. */
  keySampleLimit: number;
  /** How long one service may take to answer all of its checks. */
  serviceTimeoutMs: number;
}

export const defaultDoctorOptions = (): DoctorOptions => ({
  groupSuffix: localConfig().TRIPLANE_GROUP_SUFFIX,
  redisUrl: localConfig().REDIS_URL,
  namespace: redisNamespace(),
  vhost: rabbitMqVhost(),
  root: PROJECT_ROOT,
  keySampleLimit: 2_000,
  serviceTimeoutMs: 30_000,
});

const eventSourced = (fn: FunctionRoute) => fn.trigger.kind === 'msk' || fn.trigger.kind === 'rabbitmq';

type ChecksOf<Names extends readonly string[]> = { [K in keyof Names]: CheckResult };

/** A service's checks, or each as unreachable when the service (or its probe) fails or hangs. */
async function probe<const Names extends readonly string[]>(names: Names, service: string, timeoutMs: number, work: () => Promise<ChecksOf<Names>>): Promise<ChecksOf<Names>> {
  try {
    return await withDeadline(work(), timeoutMs, service);
  } catch (error) {
    return names.map((name) => unreachable(name, service, error)) as ChecksOf<Names>;
  }
}

/**
 * Every check, in report order. The code's own wiring (manifest partitions, projection writes, route
 * cycles, handler guards) is checked from the code alone, so it answers with every service down; the
 * three services are probed concurrently, each turning into fails with the start-it fix when it does
 * not answer.
 */
export async function runDoctor(options: DoctorOptions = defaultDoctorOptions()): Promise<CheckResult[]> {
  const modules = await loadFunctionModules(FUNCTIONS.filter(eventSourced), options.root);
  const guards = new Map<string, HandlerGuards>([...modules].map(([name, m]) => [name, m.handler]));
  const projections = FUNCTIONS.filter((fn) => fn.projection !== undefined && fn.trigger.kind === 'msk');
  const parkingLots = WORKFLOW_STEPS.map((s) => parkingLotOf(s.queue));
  const declaredFamilies = [...new Set(FUNCTIONS.flatMap((fn) => fn.redis.writes))];
  const bindings = commandBindingsOf(workflowQueues(), WORKFLOW_EXCHANGE);

  const [[memoryPolicy, luaLibraries, keyFamilies], [kafkaPartitions, topicRetention, consumerLag, skippedRecords], [queueDeclarations, queueDepths]] = await Promise.all([
    probe([REDIS_MEMORY_CHECK, REDIS_LUA_CHECK, REDIS_KEYS_CHECK], `Redis at ${options.redisUrl}`, options.serviceTimeoutMs, () =>
      withRedis(options.redisUrl, async (client) => {
        const memory = await readMemoryConfig(client).then(checkRedisMemoryPolicy, (error: unknown) =>
          // ElastiCache refuses CONFIG: that is not a broken setup, only one the doctor cannot see.
          warn(REDIS_MEMORY_CHECK, `CONFIG GET refused: ${(error as Error).message}`, 'on ElastiCache, check the parameter group sets maxmemory-policy allkeys-lru'),
        );
        const luaLibraries = checkRedisLuaLibraries(await luaGlobalTypes(client, Object.keys(LUA_LIBRARIES_USED)));
        const sample = await sampleNamespaceKeys(client, options.namespace, options.keySampleLimit);
        return [memory, luaLibraries, checkRedisKeyFamilies({ namespace: options.namespace, keys: sample.keys, truncated: sample.truncated, declaredFamilies, keyFamilies: KEY_FAMILIES })];
      }),
    ),
    probe([KAFKA_PARTITIONS_CHECK, TOPIC_RETENTION_CHECK, CONSUMER_LAG_CHECK, SKIPPED_RECORDS_CHECK], 'Kafka', options.serviceTimeoutMs, () =>
      withKafkaAdmin(async (admin) => {
        const partitions = checkKafkaPartitions(await clusterTopicPartitions(admin), Object.keys(TOPICS), MIN_PARTITIONS);
        const retention = checkTopicRetention(await topicRetentions(admin, Object.keys(TOPICS)), Object.fromEntries(Object.entries(TOPICS).map(([name, topic]) => [name, topic.retentionMs])));
        const { lags, unmeasured } = await functionLags(
          admin,
          FUNCTIONS.filter((fn) => fn.trigger.kind === 'msk'),
          options.groupSuffix,
        );
        return [partitions, retention, checkConsumerLag(lags, unmeasured), checkSkippedRecords(lags)];
      }),
    ),
    probe([WORKFLOW_QUEUES_CHECK, QUEUE_DEPTH_CHECK], `RabbitMQ (vhost ${options.vhost})`, options.serviceTimeoutMs, async () => {
      const queues = await listBrokerQueues(options.vhost);
      return [checkWorkflowQueues({ vhost: options.vhost, expected: workflowQueues(), observed: queues, parkingLots }), checkQueueDepths(queues, parkingLots)];
    }),
  ]);

  return [
    memoryPolicy,
    luaLibraries,
    checkManifestPartitions(
      Object.entries(TOPICS).map(([name, spec]) => ({ name, partitions: spec.partitions })),
      MIN_PARTITIONS,
    ),
    kafkaPartitions,
    topicRetention,
    checkProjectionWrites({
      namespace: SAMPLE_NAMESPACE,
      keyFamilies: KEY_FAMILIES,
      samples: projections.map((fn) => sampleProjectionWrites(fn, modules.get(fn.name)?.projection, options.root)),
    }),
    keyFamilies,
    queueDeclarations,
    queueDepths,
    consumerLag,
    skippedRecords,
    checkRouteCycles(FUNCTIONS, bindings, guards),
    checkHandlerGuards(FUNCTIONS, guards),
    checkEventVersions(consumerEventVersions(FUNCTIONS, EVENT_CATALOG, readCommittedSchemas(options.root), DEAD_LETTER_TOPIC)),
  ];
}
