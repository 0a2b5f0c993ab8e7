import { functionStatuses, type FunctionStatus } from '../../shared/observability/functionStats';
import { queueTraffic } from '../../shared/observability/queueTraffic';
import { downstreamStatuses, type DownstreamStatus } from '../../shared/resilience/downstream';
import { retryBudgetStatus, type RetryBudgetStatus } from '../../shared/resilience/RetryBudget';

/**
 * What the ops view reads from one function's process state: its invocation figures, its breakers,
 * its retry budget and the messages it published. Each function's worker answers with these when the
 * runtime asks (emulator/runtime/functionHost), as each Lambda function's containers report their own.
 */
export interface ProcessFigures {
  functions: FunctionStatus[];
  breakers: DownstreamStatus[];
  retries: RetryBudgetStatus | undefined;
  published: Record<string, number>;
}

export const processFigures = (): ProcessFigures => ({
  functions: functionStatuses(),
  breakers: downstreamStatuses(),
  retries: retryBudgetStatus(),
  published: queueTraffic().published,
});

/** A function's figures, named: the ops view lists breakers and budgets per function. */
export interface FunctionFigures extends ProcessFigures {
  function: string;
}
