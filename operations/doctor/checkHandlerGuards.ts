import { OFFSET_CHECK_GUARD } from '../../shared/middleware/batch/batchHandler';
import { filtersRecords, type FunctionRoute } from '../../shared/routes/functionCatalog';
import { fail, listSome, pass, type CheckResult } from './checkResult';
import { missingGuards, REQUIRED_GUARDS, type HandlerGuards } from './requiredGuards';

export const HANDLER_GUARDS_CHECK = 'handler guards';

/**
 * Every function an event source triggers (MSK or Amazon MQ) must be built with the batch guards:
 * Lambda retries whole batches, so without the idempotency mark a retry applies increments twice, and
 * without the hop guard a loop never ends. The tags are read off the exported handler, so a handler
 * hand-rolled around the middleware shows up here. A `guardExemption` in its function.ts passes, with its reason.
 */
export function checkHandlerGuards(functions: readonly FunctionRoute[], handlers: ReadonlyMap<string, HandlerGuards>): CheckResult {
  const triggered = functions.filter((fn) => fn.trigger.kind === 'msk' || fn.trigger.kind === 'rabbitmq');
  const exempt = triggered.filter((fn) => fn.guardExemption !== undefined);
  const problems: string[] = [];
  for (const fn of triggered) {
    if (fn.guardExemption !== undefined) continue;
    const handler = handlers.get(fn.name);
    if (handler?.loadError !== undefined) problems.push(`${fn.name}: ${handler.loadError}`);
    else if (handler === undefined) problems.push(`${fn.name}: handler not loaded`);
    else {
      const missing = missingGuards(handler);
      if (missing.length > 0) problems.push(`${fn.name} lacks ${missing.join(' + ')}`);
      else if (fn.trigger.kind === 'msk') problems.push(...offsetCheckProblems(fn, handler));
    }
  }
  if (problems.length > 0) {
    return fail(
      HANDLER_GUARDS_CHECK,
      `${problems.length} of ${triggered.length - exempt.length} event-source handlers unguarded: ${listSome(problems)}`,
      'export `handler` built with kafkaBatchHandler / rabbitMqBatchHandler / projectionHandler (shared/middleware/batch), with `filtered: true` exactly when its mapping has filterPatterns, or give the function a guardExemption with its reason in its functions/<name>/function.ts',
    );
  }
  const note = exempt.length > 0 ? `; exempt: ${exempt.map((fn) => `${fn.name} (${fn.guardExemption ?? ''})`).join(', ')}` : '';
  return pass(HANDLER_GUARDS_CHECK, `${triggered.length - exempt.length} event-source handlers carry ${REQUIRED_GUARDS.join(' + ')}${note}`);
}

/**
 * An MSK handler checks its offsets for skipped records unless its mapping filters: then Lambda drops
 * records without a word and every batch would start past the offset expected (offsetGaps.ts).
 */
function offsetCheckProblems(fn: FunctionRoute, handler: HandlerGuards): string[] {
  const filtered = filtersRecords(fn);
  const checks = (handler.guards ?? []).includes(OFFSET_CHECK_GUARD);
  if (filtered && checks) return [`${fn.name}'s mapping filters records, but its handler checks offsets: every record the filter drops would be reported as skipped`];
  if (!filtered && !checks) return [`${fn.name} lacks the offset check for skipped records`];
  return [];
}
