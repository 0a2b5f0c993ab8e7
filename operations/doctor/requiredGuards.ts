/**
 * The guards every event-source handler must carry (tags from BATCH_GUARDS on the handler): the
 * idempotency mark, so a redelivered batch changes nothing twice, and the hop guard, so no message
 * loops between Kafka and RabbitMQ forever.
 */
export const REQUIRED_GUARDS: readonly string[] = ['idempotency', 'hop-guard'];

/** What the doctor learned of one function's handler module. */
export interface HandlerGuards {
  /** The `triplaneGuards` tags of the exported handler; undefined when it carries none. */
  guards: readonly string[] | undefined;
  /** Set when the module could not be loaded or exports no handler function. */
  loadError?: string;
}

export const missingGuards = (handler: HandlerGuards | undefined): string[] =>
  handler === undefined || handler.loadError !== undefined ? [...REQUIRED_GUARDS] : REQUIRED_GUARDS.filter((g) => !(handler.guards ?? []).includes(g));
