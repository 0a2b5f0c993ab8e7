import { rabbitMqUserOf } from '../routes/derivedNames';
import type { FunctionFacts } from '../routes/functionFacts';
import { PARKING_LOT_EXCHANGE, WORKFLOW_EXCHANGE, WORKFLOW_STEPS } from '../routes/workflow';

export interface RabbitMqPermissions {
  user: string;
  /** Regexes over resource names, as `rabbitmqctl set_permissions` takes them. */
  configure: string;
  write: string;
  read: string;
}

const exact = (names: string[]) => (names.length === 0 ? '^$' : `^(${names.map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})$`);

/**
 * The RabbitMQ permissions of one function: a step reads only its own queue and writes only to the
 * workflow exchange (next commands), the default exchange (its own delay queues) and the parking-lot
 * exchange; the workflow starter only writes to the workflow exchange. Nobody configures: the topology
 * is declared at deploy time by its own function, with its own user.
 */
export function rabbitMqPermissions(fn: Pick<FunctionFacts, 'name' | 'step' | 'publishes' | 'deployHook'>): RabbitMqPermissions | undefined {
  const user = rabbitMqUserOf(fn);
  if (fn.deployHook === 'workflow-topology') return { user, configure: '^triplane\\.', write: '^triplane\\.', read: '^triplane\\.' };
  const step = WORKFLOW_STEPS.find((s) => s.queue === fn.step);
  if (step === undefined && fn.publishes.length === 0) return undefined;
  const writes = fn.publishes.length > 0 || step !== undefined ? [WORKFLOW_EXCHANGE] : [];
  if (step !== undefined) {
    // Publishing to a delay queue goes through the default exchange, which RabbitMQ names amq.default.
    writes.push('amq.default', PARKING_LOT_EXCHANGE);
  }
  return { user, configure: '^$', write: exact(writes), read: exact(step === undefined ? [] : [step.queue]) };
}

/**
 * The RabbitMQ user a function logs in as, if it has one of its own: every step and publisher. The
 * deploy hook has none: it logs in as the broker's admin, being the one that makes the others' users.
 */
export function ownRabbitMqUserOf(fn: Pick<FunctionFacts, 'name' | 'step' | 'publishes' | 'deployHook'>): string | undefined {
  return fn.deployHook === undefined ? rabbitMqPermissions(fn)?.user : undefined;
}
