import type { ProjectionName } from '../state/projectionKeys';
import type { TopicName } from './topics';

/** What a function may do to Redis: reads only, or writes under these key families (for least privilege and the doctor). */
export interface RedisAccess {
  reads: readonly string[];
  writes: readonly string[];
}

/**
 * What a function's code may touch and what it produces, declared once next to its handler
 * (functions/<name>/function.ts). Its trigger, timeout and memory live in serverless.yml; the deploy
 * rendering (roles, users, alarms), the local runtime, the doctor and the tests join the two.
 */
export interface FunctionFacts {
  /** Its folder under functions/, its idempotency consumer id and its users' names. */
  name: string;
  produces: readonly TopicName[];
  /** Workflow commands (routing keys on the workflow exchange) it publishes to RabbitMQ. */
  publishes: readonly string[];
  redis: RedisAccess;
  /**
   * The envelope types an MSK function acts on, when not every type of its topics: its mapping's
   * filterPatterns (serverless.yml, checked against this list by the catalog) keep only these, so
   * the others never invoke it, and its handler still ignores any other type that reaches it.
   */
  eventTypes?: readonly string[];
  /** The projection it writes (MSK projections) or reads (HTTP read routes). */
  projection?: ProjectionName;
  /** The workflow command it carries out: the step's queue (shared/routes/workflow). */
  step?: string;
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
}

/** Typed identity, so a function.ts states its facts and nothing else. */
export const defineFunction = <T extends FunctionFacts>(facts: T): T => facts;
