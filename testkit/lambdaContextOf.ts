import { lambdaContext } from '../emulator/runtime/lambdaContext';
import type { BatchContext } from '../shared/middleware/batch/RecordBatch';

/** A fresh Lambda context for calling a handler directly; the batch middlewares fill in `batch`. */
export const lambdaContextOf = <T>(name: string): BatchContext<T> => lambdaContext(name, 30, 512) as BatchContext<T>;
