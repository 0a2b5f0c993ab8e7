import { TOPICS, type TopicName } from './topics';
import type { ProjectionName } from '../state/projectionKeys';
import { WORKFLOW_STEPS, stepOf } from './workflow';

export interface HttpRoute {
  method: 'GET' | 'POST';
  path: string;
}

export interface KafkaSubscription {
  /** One event source mapping per topic (MSK mappings take one topic each). */
  topics: TopicName[];
  batchSize: number;
  /** Seconds Lambda may wait to fill a batch; 0 keeps freshness (ingest to Redis) lowest. */
  maximumBatchingWindow: number;
  startingPosition: 'TRIM_HORIZON' | 'LATEST';
}

export interface RabbitMqSubscription {
  queue: string;
  batchSize: number;
  maximumBatchingWindow: number;
}

/** What a function may do to Redis: reads only, or writes under these key families (for least privilege and the doctor). */
export interface RedisAccess {
  reads: string[];
  writes: string[];
}

export interface FunctionRoute {
  /** Folder under functions/, idempotency consumer id, and (camelCased) the serverless function key. */
  name: string;
  description: string;
  http?: HttpRoute;
  kafka?: KafkaSubscription;
  rabbitmq?: RabbitMqSubscription;
  /** The projection it writes (MSK projections) or reads (HTTP read routes). */
  projection?: ProjectionName;
  /**
   * Why an event-source function may go without the batch guards (idempotency, hop guard): only the
   * audit sink, which publishes nothing and is idempotent by its object names. The doctor holds every
   * other one to the guards.
   */
  guardExemption?: string;
  /** Writes the audit archive (S3 deployed, a folder locally): its bucket, and the right to put objects in it. */
  writesArchive?: true;
  /** Runs at deploy time as a CloudFormation custom resource instead of on an event. */
  deployHook?: 'workflow-topology';
  produces: TopicName[];
  /** Workflow commands (routing keys on the workflow exchange) it publishes to RabbitMQ. */
  publishes: string[];
  redis: RedisAccess;
  timeoutSeconds: number;
  memoryMb: number;
}

const projection = (name: string, projects: ProjectionName, topic: TopicName, description: string, writes: string[]): FunctionRoute => ({
  name,
  description,
  kafka: { topics: [topic], batchSize: 500, maximumBatchingWindow: 0, startingPosition: 'TRIM_HORIZON' },
  projection: projects,
  produces: ['dead-letters'],
  publishes: [],
  redis: { reads: ['idem'], writes: [...writes, 'idem'] },
  timeoutSeconds: 60,
  memoryMb: 512,
});

function workflowStep(name: string, description: string, publishes: string[]): FunctionRoute {
  const queue = WORKFLOW_STEPS.find((s) => s.functionName === name)?.queue;
  if (queue === undefined) throw new Error(`no workflow queue for ${name}`);
  return {
    name,
    description,
    rabbitmq: { queue, batchSize: stepOf(queue).batchSize, maximumBatchingWindow: 0 },
    produces: ['orders'],
    publishes,
    // The saga record: a step claims its step and advances the saga in it (shared/workflow/saga).
    redis: { reads: ['idem', 'saga'], writes: ['idem', 'saga'] },
    timeoutSeconds: 30,
    memoryMb: 512,
  };
}

const reader = (name: string, reads: ProjectionName, method: HttpRoute['method'], path: string, description: string, keys: string[]): FunctionRoute => ({
  name,
  description,
  http: { method, path },
  projection: reads,
  produces: [],
  publishes: [],
  // Read routes count requests per API key (rate limiting): the one thing they may write.
  redis: { reads: keys, writes: ['ratelimit'] },
  timeoutSeconds: 6,
  memoryMb: 256,
});

/**
 * The routing manifest: every function, the one route it owns, what it produces and what it may touch.
 * serverless.yml is generated from it (`npm run wiring`), the local runtime runs what serverless.yml
 * says, and the checks compare the two, so a route exists in exactly one place.
 */
export const FUNCTIONS: readonly FunctionRoute[] = [
  {
    name: 'ingest-events',
    description: 'POST /events: validates events and publishes them to Kafka with acks=all',
    http: { method: 'POST', path: '/events' },
    produces: (Object.keys(TOPICS) as TopicName[]).filter((topic) => topic !== 'dead-letters'),
    publishes: [],
    redis: { reads: [], writes: ['ratelimit'] },
    timeoutSeconds: 10,
    memoryMb: 512,
  },
  projection('project-sessions', 'sessions', 'sessions', 'Projects session events into expiring Redis hashes', ['session']),
  projection('project-flags', 'flags', 'flags', 'Projects feature flag changes into Redis', ['flags']),
  projection('project-leaderboards', 'leaderboards', 'scores', 'Projects scores into Redis sorted sets', ['leaderboard']),
  projection('project-activity', 'activity', 'activity', 'Projects page views into per-user counters', ['activity', 'activity-day']),
  reader('get-session', 'sessions', 'GET', '/sessions/{sessionId}', 'Reads a live session from Redis', ['session']),
  reader('list-flags', 'flags', 'GET', '/flags', 'Lists feature flags from Redis', ['flags']),
  reader('get-flag', 'flags', 'GET', '/flags/{name}', 'Reads one feature flag from Redis', ['flags']),
  reader('get-leaderboard', 'leaderboards', 'GET', '/leaderboards/{board}', 'Reads the top of a leaderboard from Redis', ['leaderboard']),
  reader('get-user-activity', 'activity', 'GET', '/users/{userId}/activity', 'Reads a user\'s page views from Redis', ['activity', 'activity-day']),
  {
    ...projection('project-orders', 'orders', 'orders', 'Projects order lifecycle events into per-order step hashes', ['order']),
    // Beside the view it records what each event says about its saga, so the orders topic rebuilds the
    // saga records too (functions/project-orders/recordSagas).
    redis: { reads: ['idem', 'saga'], writes: ['order', 'idem', 'saga'] },
  },
  reader('get-order', 'orders', 'GET', '/orders/{orderId}', 'Reads an order\'s status and steps from Redis', ['order']),
  {
    name: 'start-order-workflow',
    description: 'Starts the order saga on RabbitMQ for each order.placed',
    kafka: { topics: ['orders'], batchSize: 100, maximumBatchingWindow: 0, startingPosition: 'TRIM_HORIZON' },
    produces: ['dead-letters'],
    publishes: ['payment.authorize'],
    // It writes each order's saga record before publishing its first command, and reads the order view
    // to tell an order whose record was lost (evicted, expired) from a new one.
    redis: { reads: ['idem', 'order', 'saga'], writes: ['idem', 'saga'] },
    timeoutSeconds: 60,
    memoryMb: 512,
  },
  workflowStep('authorize-payment', 'Authorizes the payment of an order', ['inventory.reserve']),
  workflowStep('reserve-inventory', 'Reserves the items of a paid order', ['shipment.schedule', 'payment.refund']),
  workflowStep('schedule-shipment', 'Schedules the shipment of a reserved order', []),
  workflowStep('refund-payment', 'Refunds the payment of an order that cannot be fulfilled (compensation)', []),
  {
    name: 'archive-events',
    description: 'Audit sink: archives every record of every topic, untouched, to S3 (a local folder locally)',
    kafka: { topics: Object.keys(TOPICS) as TopicName[], batchSize: 1_000, maximumBatchingWindow: 1, startingPosition: 'TRIM_HORIZON' },
    guardExemption: 'publishes nothing and decodes nothing; a retried batch rewrites the same archive objects',
    writesArchive: true,
    produces: [],
    publishes: [],
    redis: { reads: [], writes: [] },
    timeoutSeconds: 60,
    memoryMb: 512,
  },
  {
    name: 'declare-workflow-topology',
    description: 'Deploy-time custom resource: declares the workflow exchanges and queues on Amazon MQ',
    deployHook: 'workflow-topology',
    produces: [],
    publishes: [],
    redis: { reads: [], writes: [] },
    timeoutSeconds: 120,
    memoryMb: 256,
  },
];


export const handlerPath = (name: string): string => `functions/${name}/handler.handler`;
