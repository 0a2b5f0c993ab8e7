import type { FunctionFigures } from '../ops/processFigures';
import type { FunctionRoute } from '../../shared/routes/functionCatalog';
import type { SerializedError } from './workerMessages';

/** One MSK-triggered function the poller thread runs: its route, its Lambda name and its consumer groups' suffix. */
export interface PolledFunction {
  fn: FunctionRoute;
  functionName: string;
}

/** What the poller thread is started with. */
export interface MskPollerData {
  root: string;
  functions: PolledFunction[];
  groupIdSuffix: string;
  brokers: string[];
  eventSourceArn: string;
}

/** A gap a mapping found (records Kafka no longer held), as emulator/runtime/skippedRecords records it. */
export interface SkippedGap {
  function: string;
  topic: string;
  partition: number;
  expected: bigint;
  fetched: bigint;
}

/** The runtime to the poller thread: a request for its functions' figures, or the end of its life. */
export type ToPoller = { kind: 'figures'; id: number } | { kind: 'stop' };

/** The poller thread to the runtime. */
export type FromPoller =
  | { kind: 'started' }
  | { kind: 'startFailed'; error: SerializedError }
  | { kind: 'log'; line: string }
  | { kind: 'skipped'; gap: SkippedGap }
  | { kind: 'figures'; id: number; figures: FunctionFigures[] }
  | { kind: 'stopped' };
