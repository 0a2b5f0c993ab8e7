import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

export interface HttpApiEvent {
  method: string;
  path: string;
}

export interface MskEvent {
  arn: string;
  topic: string;
  batchSize: number;
  maximumBatchingWindow: number;
  startingPosition: string;
  consumerGroupId?: string;
}

export interface RabbitMqEvent {
  arn: string;
  queue: string;
  batchSize: number;
  maximumBatchingWindow: number;
  virtualHost?: string;
}

export interface LocalFunction {
  /** The serverless.yml function key, e.g. projectSessions. */
  key: string;
  /** Module path relative to the project root, without extension, and the export name. */
  modulePath: string;
  exportName: string;
  timeoutSeconds: number;
  memoryMb: number;
  http: HttpApiEvent[];
  msk: MskEvent[];
  rabbitmq: RabbitMqEvent[];
}

export interface ServerlessWiring {
  service: string;
  environment: Record<string, string>;
  functions: LocalFunction[];
}

/** Lambda's defaults where serverless.yml is silent (Serverless Framework v3: 6 s, 1024 MB; MSK: batch 100). */
const DEFAULT_TIMEOUT = 6;
const DEFAULT_MEMORY = 1024;
const DEFAULT_MSK_BATCH = 100;
/** Amazon MQ's defaults: batch 100, window 0.5 s. */
const DEFAULT_MQ_BATCH = 100;
const DEFAULT_MQ_WINDOW = 0.5;

type Yaml = Record<string, unknown>;
const asRecord = (value: unknown): Yaml => (value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Yaml) : {});

/**
 * Reads the wiring the local runtime runs from serverless.yml itself, so what runs on a laptop is what
 * deploys. Only the parts the runtime needs are read: handlers, timeouts, httpApi, msk and rabbitmq events.
 */
export function readServerlessWiring(projectRoot: string): ServerlessWiring {
  const config = asRecord(parse(readFileSync(join(projectRoot, 'serverless.yml'), 'utf8')));
  const provider = asRecord(config.provider);
  const functions = Object.entries(asRecord(config.functions)).map(([key, raw]): LocalFunction => {
    const fn = asRecord(raw);
    const handler = String(fn.handler ?? '');
    const cut = handler.lastIndexOf('.');
    if (cut <= 0) throw new Error(`serverless.yml: function ${key} has no handler of the form path/file.export`);
    const events = Array.isArray(fn.events) ? (fn.events as unknown[]).map(asRecord) : [];
    return {
      key,
      modulePath: handler.slice(0, cut),
      exportName: handler.slice(cut + 1),
      timeoutSeconds: Number(fn.timeout ?? provider.timeout ?? DEFAULT_TIMEOUT),
      memoryMb: Number(fn.memorySize ?? provider.memorySize ?? DEFAULT_MEMORY),
      http: events.filter((e) => e.httpApi !== undefined).map((e) => {
        const http = asRecord(e.httpApi);
        return { method: String(http.method ?? '*').toUpperCase(), path: String(http.path ?? '/') };
      }),
      msk: events.filter((e) => e.msk !== undefined).map((e) => {
        const msk = asRecord(e.msk);
        return {
          arn: String(msk.arn ?? ''),
          topic: String(msk.topic),
          batchSize: Number(msk.batchSize ?? DEFAULT_MSK_BATCH),
          maximumBatchingWindow: Number(msk.maximumBatchingWindow ?? 0),
          startingPosition: String(msk.startingPosition ?? 'TRIM_HORIZON'),
          consumerGroupId: msk.consumerGroupId === undefined ? undefined : String(msk.consumerGroupId),
        };
      }),
      rabbitmq: events.filter((e) => e.rabbitmq !== undefined).map((e) => {
        const mq = asRecord(e.rabbitmq);
        return {
          arn: String(mq.arn ?? ''),
          queue: String(mq.queue),
          batchSize: Number(mq.batchSize ?? DEFAULT_MQ_BATCH),
          maximumBatchingWindow: Number(mq.maximumBatchingWindow ?? DEFAULT_MQ_WINDOW),
          virtualHost: mq.virtualHost === undefined ? undefined : String(mq.virtualHost),
        };
      }),
    };
  });
  const environment = Object.fromEntries(Object.entries(asRecord(provider.environment)).map(([name, value]) => [name, String(value)]));
  return { service: String(config.service ?? 'service'), environment, functions };
}

/**
 * The value of a provider environment entry on this machine: literals as written, `${env:NAME, 'x'}`
 * from the environment or its default; anything else (`${param:...}`) is deploy-only and left out.
 */
export function resolveLocalValue(value: string, env: NodeJS.ProcessEnv): string | undefined {
  if (!value.includes('${')) return value;
  const match = /^\$\{env:([A-Za-z_][A-Za-z0-9_]*)(?:,\s*'([^']*)')?\}$/.exec(value);
  if (match === null) return undefined;
  const [, name, fallback] = match;
  return (name !== undefined ? env[name] : undefined) ?? fallback;
}
