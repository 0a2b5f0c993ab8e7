import type { ProcessFigures } from '../ops/processFigures';
import type { FunctionRoute } from '../../shared/routes/functionCatalog';

/** What a function's worker is started with (its environment is given to the Worker separately). */
export interface FunctionWorkerData {
  root: string;
  fn: FunctionRoute;
  functionName: string;
}

/**
 * The runtime to a function's worker: an invocation (its event as JSON text, as Lambda's runtime API hands
 * it to the function), a request for its figures, or the end of its life.
 */
export type ToWorker = { kind: 'invoke'; id: number; eventJson: string } | { kind: 'figures'; id: number } | { kind: 'stop' };

export interface SerializedError {
  name: string;
  message: string;
  stack?: string;
}

/** A worker to the runtime: loaded (or not), and one answer per request, by id. */
export type FromWorker =
  | { kind: 'ready' }
  | { kind: 'loadFailed'; error: SerializedError }
  | { kind: 'result'; id: number; value: unknown }
  | { kind: 'error'; id: number; error: SerializedError }
  | { kind: 'figures'; id: number; figures: ProcessFigures };

export function serializeError(error: unknown): SerializedError {
  if (error instanceof Error) return { name: error.name, message: error.message, stack: error.stack };
  return { name: 'Error', message: String(error) };
}

/** The error again on the runtime's side, with the name and stack it had in the function. */
export function deserializeError(serialized: SerializedError): Error {
  const error = new Error(serialized.message);
  error.name = serialized.name;
  if (serialized.stack !== undefined) error.stack = serialized.stack;
  return error;
}
