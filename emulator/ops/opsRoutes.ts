import type { DocumentedRoute } from '../../shared/http/openApi/openApiDocument';
import { OPS_ASSETS } from './opsView';

const text = { type: 'string' };
const list = { type: 'array' };
const listOrError = { anyOf: [list, { type: 'object', properties: { error: { type: 'string' } }, required: ['error'] }] };

/**
 * The local runtime's own pages, on the same port as the functions' routes and behind the same key
 * (emulator/ops): part of the document, marked as served by the local runtime, since a deployment has
 * no such routes (CloudWatch holds those figures there).
 */
export const OPS_ROUTES: readonly DocumentedRoute[] = [
  {
    method: 'GET',
    path: '/ops',
    operationId: 'opsPage',
    servedBy: 'local-runtime',
    contract: {
      summary: 'The ops page (local runtime only)',
      description: 'Lag, queue depths, Redis, breakers, retries and memory in one page, updated live from /ops/status.',
      responses: { 200: { description: 'The page', mediaType: 'text/html', body: text } },
    },
  },
  {
    method: 'GET',
    path: '/ops/status',
    operationId: 'opsStatus',
    servedBy: 'local-runtime',
    contract: {
      summary: 'The ops figures as JSON (local runtime only)',
      description:
        'The latest sample of every system (taken each second while this or the page is read, every 15 s otherwise; a read after a quiet spell waits for a new one) and a five-minute history; a system that cannot be read says why in place of its figures.',
      responses: {
        200: {
          description: 'The figures',
          body: {
            type: 'object',
            properties: {
              time: text,
              functions: list,
              lag: listOrError,
              skipped: list,
              queues: listOrError,
              redis: { type: 'object' },
              breakers: list,
              retries: list,
              memory: {
                type: 'object',
                description:
                  "Bytes: the process RSS (shared by the runtime's thread and every function's worker) and each isolate's own heap (the runtime's thread, then `workers`); heapAfterFullGc is the heap just after that isolate's last full collection, once it had one.",
                properties: {
                  rss: { type: 'number' },
                  heapUsed: { type: 'number' },
                  heapTotal: { type: 'number' },
                  external: { type: 'number' },
                  arrayBuffers: { type: 'number' },
                  heapAfterFullGc: { type: 'number' },
                  workers: list,
                },
                required: ['rss', 'heapUsed', 'heapTotal', 'external', 'arrayBuffers', 'workers'],
              },
              history: {
                type: 'array',
                items: { type: 'object', properties: { t: { type: 'number' }, lag: { type: 'number' }, queueDepth: { type: 'number' }, redisLatencyMs: { type: ['number', 'null'] } } },
              },
            },
            required: ['time', 'functions', 'lag', 'skipped', 'queues', 'redis', 'breakers', 'retries', 'memory', 'history'],
            additionalProperties: false,
          },
        },
      },
    },
  },
  ...Object.entries(OPS_ASSETS).map(([name, asset]): DocumentedRoute => ({
    method: 'GET',
    path: `/ops/assets/${name}`,
    operationId: `opsAsset_${name.replace(/[^A-Za-z0-9]/g, '_')}`,
    servedBy: 'local-runtime',
    contract: {
      summary: `${name}, for the ops page (local runtime only)`,
      description: 'uPlot, the chart library of the ops page.',
      responses: { 200: { description: name, mediaType: asset.type, body: text } },
    },
  })),
];
