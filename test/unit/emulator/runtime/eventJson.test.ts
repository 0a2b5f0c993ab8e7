import { EventJson, eventJsonText, receivedEvent } from '../../../../emulator/runtime/eventJson';

describe('eventJsonText', () => {
  it('should send an EventJson as the text it holds, not as a stringified wrapper', () => {
    expect(eventJsonText(new EventJson('{"a":[1,-2]}'))).toBe('{"a":[1,-2]}');
  });

  it('should stringify any other event, and give undefined for a value JSON cannot carry', () => {
    expect(eventJsonText({ b: null, c: 'x' })).toBe('{"b":null,"c":"x"}');
    expect(eventJsonText(undefined)).toBeUndefined();
    expect(eventJsonText(() => 1)).toBeUndefined();
  });
});

describe('receivedEvent', () => {
  it('should give the parsed event of an EventJson and any other event as it is', () => {
    const event = { records: {} };
    expect(receivedEvent(new EventJson('{"records":{"t-0":[]}}'))).toEqual({ records: { 't-0': [] } });
    expect(receivedEvent(event)).toBe(event);
  });
});
