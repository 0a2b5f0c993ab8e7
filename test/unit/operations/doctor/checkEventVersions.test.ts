import { EVENT_CATALOG, type EventTypeSpec } from '../../../../shared/envelope/eventCatalog';
import { eventJsonSchemas } from '../../../../shared/envelope/eventJsonSchemas';
import { FUNCTIONS } from '../../../../shared/routes/functionCatalog';
import { DEAD_LETTER_TOPIC } from '../../../../shared/routes/topics';
import { checkEventVersions, consumerEventVersions } from '../../../../operations/doctor/checkEventVersions';

const released = eventJsonSchemas(EVENT_CATALOG);

describe('consumerEventVersions', () => {
  const consumers = consumerEventVersions(FUNCTIONS, EVENT_CATALOG, released, DEAD_LETTER_TOPIC);
  const of = (name: string) => consumers.find((c) => c.consumer === name);

  it('should list, per projection, the types of its topics and every released version it can read', () => {
    expect(of('projectFlags')).toEqual({ consumer: 'projectFlags', reads: [{ type: 'flag.set', readable: [1, 2], unreadable: [] }], anyTypeFrom: [] });
    expect(of('projectSessions')?.reads.map((r) => r.type)).toEqual(['session.started', 'session.touched', 'session.ended']);
  });

  it('should list the command a workflow step reads from its queue', () => {
    expect(of('authorizePayment')?.reads).toEqual([{ type: 'payment.authorize', readable: [1], unreadable: [] }]);
  });

  it('should say the audit sink also reads the dead-letter topic, which holds any type', () => {
    expect(of('archiveEvents')?.anyTypeFrom).toEqual([DEAD_LETTER_TOPIC]);
    expect(of('archiveEvents')?.reads.map((r) => r.type)).toContain('flag.set');
  });

  it('should leave out functions that consume no events (HTTP routes, the deploy hook)', () => {
    expect(of('getFlag')).toBeUndefined();
    expect(of('ingestEvents')).toBeUndefined();
  });
});

describe('checkEventVersions', () => {
  it('should pass and list each consumer with the versions it reads', () => {
    const result = checkEventVersions(consumerEventVersions(FUNCTIONS, EVENT_CATALOG, released, DEAD_LETTER_TOPIC));
    expect(result.status).toBe('pass');
    expect(result.detail).toContain('projectFlags: flag.set v1-v2');
    expect(result.detail).toContain('authorizePayment: payment.authorize v1');
  });

  it('should fail when a released version lost its upcaster chain, naming the consumers', () => {
    const flagSet = EVENT_CATALOG['flag.set'] as EventTypeSpec;
    const broken = { ...EVENT_CATALOG, 'flag.set': { ...flagSet, upcasters: {} } };
    const result = checkEventVersions(consumerEventVersions(FUNCTIONS, broken, released, DEAD_LETTER_TOPIC));
    expect(result).toMatchObject({ status: 'fail', detail: expect.stringContaining('projectFlags cannot read flag.set v1') });
    expect(result.detail).toContain('archiveEvents cannot read flag.set v1');
  });
});
