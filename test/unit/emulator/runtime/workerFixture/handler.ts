import { resourceLimits } from 'node:worker_threads';
import { downstream } from '../../../../../shared/resilience/downstream';

/**
 * A handler for the function-worker tests: it counts its invocations in module state, reports the
 * function name its environment gives it (and its worker's young generation limit), and on request fails
 * its Redis guard, throws, sleeps past its timeout or crashes its worker outright, or echoes the event it received.
 */
let invocations = 0;

export async function handler(event: {
  action?: 'fail' | 'throw' | 'sleep' | 'crash' | 'limits' | 'echo';
}): Promise<{ invocations: number; functionName: string | undefined; youngGenerationMb?: number; event?: unknown }> {
  invocations++;
  if (event.action === 'echo') return { invocations, functionName: process.env.AWS_LAMBDA_FUNCTION_NAME, event };
  if (event.action === 'fail')
    await downstream('redis')
      .call(() => Promise.reject(new Error('redis is down')))
      .catch(() => undefined);
  if (event.action === 'throw') throw new TypeError('bad input');
  if (event.action === 'sleep') await new Promise((resolve) => setTimeout(resolve, 5_000));
  if (event.action === 'crash') {
    await new Promise(() =>
      setImmediate(() => {
        throw new Error('uncaught in the handler');
      }),
    );
  }
  if (event.action === 'limits') return { invocations, functionName: process.env.AWS_LAMBDA_FUNCTION_NAME, youngGenerationMb: resourceLimits.maxYoungGenerationSizeMb };
  return { invocations, functionName: process.env.AWS_LAMBDA_FUNCTION_NAME };
}
