/** One row of the suite's table, and the JSON the suite writes. */
export interface ScenarioResult {
  fault: string;
  injectedHow: string;
  /** What the injection measured and did (timings, counts), in order. */
  notes: string[];
  load: { events: number; orders: number };
  accepted: number;
  /** Requests that were retries of a refused one (same events, same ids), and the events they carried. */
  retriedRequests: number;
  retriedEvents: number;
  /** Non-202 answers by status; "conn" = connection refused/reset/timeout. */
  refusals: Record<string, number>;
  givenUp: number;
  finalOrders: number;
  acceptedOrders: number;
  chargedTwice: number;
  /** Effects (events applied, orders final) missing when the system stopped moving, that arrived after a runtime restart: stalled, not lost. */
  stuck: number;
  /** Effects still missing at the end: after the restart, when the system was stuck. */
  lost: number;
  doubled: number;
  wrongOutcome: number;
  /** Events answered 202 that the (complete) archive does not hold: acknowledged but never stored in Kafka. */
  notInKafka: number;
  archiveGaps: number;
  archiveDuplicates: number;
  /** Messages that landed in the suite's parking lots during the scenario. */
  parked: number;
  durationMs: number;
  pass: boolean;
  /** Why it failed, or the harness error that stopped it. */
  problems: string[];
}
