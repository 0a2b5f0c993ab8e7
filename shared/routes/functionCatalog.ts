import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { parse } from 'yaml';
import { functionKey, roleIdOf } from './derivedNames';
import type { FunctionFacts } from './functionFacts';
import { TOPICS, type TopicName } from './topics';
import { envelopeTypePattern } from '../triggers/kafka/kafkaFilterPatterns';
import { downstreamCapacity } from '../resilience/downstreamSettings';
import { stepOf } from './workflow';

/**
 * The functions as the deploy tooling, the local runtime, the doctor and the tests see them: the
 * serverless.yml entry (handler, trigger, limits: their one home) joined with the function's own facts
 * (functions/<name>/function.ts: what it touches and produces). Read from files, so it serves tools
 * and tests only; a Lambda bundle imports its own function.ts and nothing of this.
 */

const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

export interface HttpTrigger {
  kind: 'http';
  method: HttpMethod;
  path: string;
}

export interface MskSubscription {
  topic: TopicName;
  batchSize: number;
  /** Seconds Lambda may wait to fill a batch; 0 keeps freshness (ingest to Redis) lowest. */
  maximumBatchingWindow: number;
  startingPosition: 'TRIM_HORIZON' | 'LATEST';
  /** The same name locally and on MSK, so offsets read the same way. */
  consumerGroupId: string;
  /** The cluster, as serverless.yml gives it (an ARN once resolved): the framework names the mapping after it. */
  clusterArn: unknown;
  /**
   * The mapping's event filter (osls renders it as the mapping's FilterCriteria; the local mapping
   * applies it the same way, shared/triggers/kafka/kafkaFilterPatterns): records matching none of
   * them never invoke the function. Empty: every record does.
   */
  filterPatterns: readonly Raw[];
}

/** One event source mapping per topic (MSK mappings take one topic each). */
export interface MskTrigger {
  kind: 'msk';
  subscriptions: MskSubscription[];
}

export interface RabbitMqTrigger {
  kind: 'rabbitmq';
  queue: string;
  batchSize: number;
  maximumBatchingWindow: number;
  /** The secret its event source logs in with, as serverless.yml gives it (a Ref once deployed). */
  basicAuthArn: unknown;
}

/** No event: CloudFormation invokes it as a custom resource at deploy time. */
export interface DeployHookTrigger {
  kind: 'deploy-hook';
}

export type Trigger = HttpTrigger | MskTrigger | RabbitMqTrigger | DeployHookTrigger;

export interface FunctionRoute extends FunctionFacts {
  /** The serverless.yml function key, e.g. projectSessions. */
  key: string;
  /** `functions/<name>/handler`, relative to the project root, without extension. */
  modulePath: string;
  exportName: string;
  description: string;
  timeoutSeconds: number;
  memoryMb: number;
  trigger: Trigger;
}

/** Lambda's defaults where serverless.yml is silent (Serverless Framework v3: 6 s, 1024 MB; MSK: batch 100; Amazon MQ: batch 100, window 0.5 s). */
const DEFAULTS = { timeout: 6, memory: 1024, mskBatch: 100, mqBatch: 100, mqWindow: 0.5 };

type Raw = Record<string, unknown>;
const record = (value: unknown): Raw => (value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Raw) : {});
const text = (value: unknown, fallback = ''): string => (typeof value === 'string' || typeof value === 'number' ? String(value) : fallback);
const count = (value: unknown, fallback: number): number => (value === undefined ? fallback : Number(value));

/**
 * A function that acts on some envelope types only (function.ts `eventTypes`) has Lambda drop the
 * others before they invoke it: its msk events carry the one pattern on those types, and a filter
 * with no `eventTypes` behind it would hide records from a handler that expects them all.
 */
function filterPatternsOf(topic: string, declared: unknown, facts: FunctionFacts, fail: (why: string) => never): Raw[] {
  const patterns = Array.isArray(declared) ? (declared as unknown[]).map(record) : [];
  const expected = facts.eventTypes === undefined ? [] : [envelopeTypePattern(facts.eventTypes)];
  if (!isDeepStrictEqual(patterns, expected)) {
    fail(
      `the msk event on ${topic} has filterPatterns ${JSON.stringify(patterns)}, but functions/${facts.name}/function.ts acts on ${facts.eventTypes === undefined ? 'every event type' : facts.eventTypes.join(', ')}: expected ${JSON.stringify(expected)}`,
    );
  }
  return patterns;
}

function triggerOf(key: string, events: Raw[], facts: FunctionFacts): Trigger {
  const kinds = new Set(events.map((event) => Object.keys(event)[0]));
  const fail = (why: string): never => {
    throw new Error(`serverless.yml: function ${key}: ${why}`);
  };
  if (kinds.size > 1) fail(`a function owns one trigger, this one has ${[...kinds].join(' and ')} events`);
  const [kind] = kinds;
  if (kind === undefined) return facts.deployHook === undefined ? fail('no events, and functions/' + facts.name + '/function.ts declares no deploy hook') : { kind: 'deploy-hook' };
  if (kind === 'httpApi') {
    if (events.length > 1) fail('a function owns one route, this one has several httpApi events');
    const http = record(events[0]?.httpApi);
    const method = text(http.method).toUpperCase();
    // A route is one method on one path: `*` or ANY would let one function own several routes.
    if (!(HTTP_METHODS as readonly string[]).includes(method)) return fail(`httpApi method ${method || '(none)'} is not one of ${HTTP_METHODS.join(', ')}`);
    return { kind: 'http', method: method as HttpMethod, path: text(http.path, '/') };
  }
  if (kind === 'msk') {
    const subscriptions = events.map((event): MskSubscription => {
      const msk = record(event.msk);
      const topic = text(msk.topic);
      if (!(topic in TOPICS)) fail(`msk topic ${topic} is not one of shared/routes/topics.ts`);
      const consumerGroupId = text(msk.consumerGroupId);
      if (consumerGroupId === '') fail(`the msk event on ${topic} needs a consumerGroupId (the local runtime uses the same group)`);
      const startingPosition = text(msk.startingPosition, 'TRIM_HORIZON');
      if (startingPosition !== 'TRIM_HORIZON' && startingPosition !== 'LATEST') return fail(`startingPosition ${startingPosition} is not TRIM_HORIZON or LATEST`);
      return {
        topic: topic as TopicName,
        batchSize: count(msk.batchSize, DEFAULTS.mskBatch),
        maximumBatchingWindow: count(msk.maximumBatchingWindow, 0),
        startingPosition,
        consumerGroupId,
        clusterArn: msk.arn,
        filterPatterns: filterPatternsOf(topic, msk.filterPatterns, facts, fail),
      };
    });
    return { kind: 'msk', subscriptions };
  }
  if (kind === 'rabbitmq') {
    if (events.length > 1) fail('a workflow step reads one queue');
    const mq = record(events[0]?.rabbitmq);
    const queue = text(mq.queue);
    // The queue is where the step is wired; function.ts says which command its code carries out.
    if (queue !== facts.step) fail(`it reads queue ${queue}, but functions/${facts.name}/function.ts carries out ${facts.step ?? 'no step'}`);
    const batchSize = count(mq.batchSize, DEFAULTS.mqBatch);
    // A step calls its provider for every command of a batch at once; the guard refuses calls past its
    // capacity, and each refused command would go round a delay queue on every delivery.
    const { provider } = stepOf(queue);
    if (batchSize > downstreamCapacity(provider))
      fail(`batchSize ${batchSize} is more than the ${provider} guard takes at once (${downstreamCapacity(provider)}, shared/resilience/downstreamSettings.ts)`);
    return { kind: 'rabbitmq', queue, batchSize, maximumBatchingWindow: count(mq.maximumBatchingWindow, DEFAULTS.mqWindow), basicAuthArn: mq.basicAuthArn };
  }
  return fail(`${kind} events are not a trigger this system runs`);
}

/** Joins a serverless.yml `functions` section (raw or resolved by the framework) with each function's facts. */
export function functionCatalog(functions: Raw, factsOf: (name: string) => FunctionFacts): FunctionRoute[] {
  return Object.entries(functions).map(([key, raw]): FunctionRoute => {
    const fn = record(raw);
    const handler = text(fn.handler);
    const match = /^functions\/([a-z0-9-]+)\/handler\.([A-Za-z_$][\w$]*)$/.exec(handler);
    if (match === null) throw new Error(`serverless.yml: function ${key}: handler ${handler} is not functions/<name>/handler.<export>`);
    const [, name = '', exportName = ''] = match;
    if (functionKey(name) !== key) throw new Error(`serverless.yml: function ${key} runs functions/${name}: its key must be ${functionKey(name)}`);
    const facts = factsOf(name);
    if (facts.name !== name) throw new Error(`functions/${name}/function.ts names itself ${facts.name}`);
    if (fn.role !== undefined && fn.role !== roleIdOf(name))
      throw new Error(`serverless.yml: function ${key}: role must be ${roleIdOf(name)}, the role deploy/ makes from functions/${name}/function.ts`);
    const events = Array.isArray(fn.events) ? (fn.events as unknown[]).map(record) : [];
    return {
      ...facts,
      key,
      modulePath: `functions/${name}/handler`,
      exportName,
      description: text(fn.description),
      timeoutSeconds: count(fn.timeout, DEFAULTS.timeout),
      memoryMb: count(fn.memorySize, DEFAULTS.memory),
      trigger: triggerOf(key, events, facts),
    };
  });
}

/** The facts of functions/<name>/function.ts, loaded as a module (tsx or ts-jest compile it). */
export function factsFromFolder(projectRoot: string): (name: string) => FunctionFacts {
  return (name) => {
    const path = join(projectRoot, 'functions', name, 'function.ts');
    if (!existsSync(path)) throw new Error(`functions/${name}/function.ts is missing: every function declares its facts there`);
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the folder names the module: no static import can.
    return (require(path) as { facts: FunctionFacts }).facts;
  };
}

/** A project's serverless.yml as written (variables unresolved): the local runtime, the catalog and the tools read it here. */
export const readServerlessFile = (projectRoot: string): Raw => record(parse(readFileSync(join(projectRoot, 'serverless.yml'), 'utf8')));

/** A project's functions, from its serverless.yml and function.ts files. */
export const loadFunctionCatalog = (projectRoot: string): FunctionRoute[] => functionCatalog(record(readServerlessFile(projectRoot).functions), factsFromFolder(projectRoot));

/** Every function of this project, loaded once. */
export const FUNCTIONS: readonly FunctionRoute[] = loadFunctionCatalog(join(__dirname, '..', '..'));

export const httpTriggerOf = (fn: FunctionRoute): HttpTrigger | undefined => (fn.trigger.kind === 'http' ? fn.trigger : undefined);
export const mskTriggerOf = (fn: FunctionRoute): MskTrigger | undefined => (fn.trigger.kind === 'msk' ? fn.trigger : undefined);
export const rabbitMqTriggerOf = (fn: FunctionRoute): RabbitMqTrigger | undefined => (fn.trigger.kind === 'rabbitmq' ? fn.trigger : undefined);
/** A function's MSK subscriptions (none for other triggers): each topic with its consumer group and event filter. */
export const subscriptionsOf = (fn: FunctionRoute): MskSubscription[] => mskTriggerOf(fn)?.subscriptions ?? [];
/** Whether a function's MSK mapping filters records before they invoke it (FilterCriteria): it cannot tell a dropped record from a lost one. */
export const filtersRecords = (fn: FunctionRoute): boolean => subscriptionsOf(fn).some((s) => s.filterPatterns.length > 0);
/** The topics a function consumes (none for other triggers). */
export const topicsOf = (fn: FunctionRoute): TopicName[] => mskTriggerOf(fn)?.subscriptions.map((s) => s.topic) ?? [];
