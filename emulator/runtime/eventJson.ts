/**
 * An event already written as the JSON text a function's worker receives (Lambda hands a function its
 * event as JSON through the runtime API). An event source that can write its event's text more cheaply
 * than JSON.stringify of the object (the MSK mapping, kafkaTriggerEventJson) passes this to the invoker,
 * which sends the text as it is.
 */
export class EventJson {
  constructor(readonly text: string) {}
}

/** The JSON text an invocation sends for `event`; undefined for a value JSON cannot carry (a function, undefined). */
export function eventJsonText(event: unknown): string | undefined {
  return event instanceof EventJson ? event.text : JSON.stringify(event);
}

/** The event a function receives for what an invoker was handed: the parsed text of an EventJson, else the value itself. */
export function receivedEvent(event: unknown): unknown {
  return event instanceof EventJson ? (JSON.parse(event.text) as unknown) : event;
}
