import { orderPlacedV1, pageViewedV1, scoreRecordedV1, sessionRefV1, sessionStartedV1 } from '../../../../shared/envelope/eventCatalog';
import { soakTick } from '../../../../bench/soak/soakTraffic';

const SCHEMAS = { 'score.recorded': scoreRecordedV1, 'page.viewed': pageViewedV1, 'session.started': sessionStartedV1, 'session.ended': sessionRefV1, 'order.placed': orderPlacedV1 } as const;

describe('soakTick', () => {
  it('should post a tenth of a second of the load: 100 mixed events and 2 orders, every event valid for its type', () => {
    const tick = soakTick('t1', 7, 100, 2);
    expect(tick.events).toHaveLength(102);
    expect(tick.orders).toHaveLength(2);
    for (const event of tick.events) {
      const schema = SCHEMAS[event.type as keyof typeof SCHEMAS] as (typeof SCHEMAS)[keyof typeof SCHEMAS] | undefined;
      expect(schema).toBeDefined();
      expect(schema?.safeParse(event.data).success).toBe(true);
    }
    expect(new Set(tick.events.map((e) => e.id)).size).toBe(102);
  });

  it('should mix the types as documented and count its scores for the end check', () => {
    const tick = soakTick('t1', 0, 100, 2);
    const byType = (type: string) => tick.events.filter((e) => e.type === type).length;
    expect(byType('score.recorded')).toBe(50);
    expect(tick.scores).toBe(50);
    expect(byType('page.viewed')).toBe(35);
    expect(byType('session.started')).toBe(10);
    expect(byType('session.ended')).toBe(5);
  });

  it('should end only sessions it started earlier in the same batch', () => {
    const tick = soakTick('t1', 3, 100, 0);
    const started = new Set<unknown>();
    for (const event of tick.events) {
      if (event.type === 'session.started') started.add(event.data.sessionId);
      if (event.type === 'session.ended') expect(started.has(event.data.sessionId)).toBe(true);
    }
  });

  it('should make one order in ten declined and one in ten out of stock, with order ids unique across ticks', () => {
    const orders = Array.from({ length: 10 }, (_, tick) => soakTick('t1', tick, 0, 2).orders).flat();
    expect(orders.filter((o) => o.kind === 'decline')).toHaveLength(2);
    expect(orders.filter((o) => o.kind === 'oos')).toHaveLength(2);
    expect(new Set(orders.map((o) => o.orderId)).size).toBe(20);
  });
});
