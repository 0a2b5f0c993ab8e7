/** A queue as the broker reports it (rabbitmqctl list_queues name durable arguments messages). */
export interface BrokerQueue {
  name: string;
  durable: boolean;
  arguments: Record<string, unknown>;
  /** Ready plus unacknowledged; undefined when the broker could not say (a quorum queue without a leader). */
  messages: number | undefined;
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * rabbitmqctl's JSON gives arguments as `[name, type, value]` triples (`["x-message-ttl","short",2000]`);
 * some versions give an object instead. Either way, a plain name -> value map comes out.
 */
function argumentsOf(raw: unknown): Record<string, unknown> {
  if (isRecord(raw)) return { ...raw };
  if (!Array.isArray(raw)) return {};
  const entries: Array<[string, unknown]> = [];
  for (const triple of raw) {
    if (Array.isArray(triple) && typeof triple[0] === 'string') entries.push([triple[0], triple[triple.length - 1]]);
  }
  return Object.fromEntries(entries);
}

/** Parses `rabbitmqctl list_queues ... --formatter json` output. */
export function parseRabbitmqctlQueues(json: string): BrokerQueue[] {
  const parsed: unknown = JSON.parse(json);
  if (!Array.isArray(parsed)) throw new Error('rabbitmqctl list_queues did not answer a JSON array');
  return parsed.filter(isRecord).map((row) => ({
    name: String(row.name),
    durable: row.durable === true || row.durable === 'true',
    arguments: argumentsOf(row.arguments),
    messages: typeof row.messages === 'number' ? row.messages : undefined,
  }));
}
