import { redisClient } from '../../../../../shared/clients/redisClient';
import { createEnvelope, type Envelope } from '../../../../../shared/envelope/envelope';
import { redisKeys, redisNamespace } from '../../../../../shared/state/redisKeys';
import { startOrder } from '../../../../../shared/workflow/orderSaga';
import { beginSagas, claimSteps, claimUnmarkedSteps } from '../../../../../shared/workflow/saga/sagaRecords';

/**
 * A step's idempotency read and saga claim in one script, against the real Redis (the test namespace):
 * it must answer what the MGET of the marks and the claim script answered one after the other, and
 * claim nothing for a command already marked.
 */
const run = `${Date.now().toString(36)}-${process.pid}`;
let serial = 0;
const keys = redisKeys(redisNamespace());
const scope = keys.idempotency('claim-unmarked-test', '');
const written: string[] = [];

const placedOf = (label: string) => {
  const orderId = `claim-${label}-${run}-${serial++}`;
  written.push(keys.saga(orderId));
  return createEnvelope<Record<string, unknown>>({ type: 'order.placed', version: 1, key: orderId, data: { orderId, amount: 100, currency: 'EUR', paymentToken: 'tok_visa' }, source: 'test' });
};

/** The first command of a new order whose saga record exists, as start-order-workflow leaves it. */
async function begun(label: string): Promise<Envelope<Record<string, unknown>>> {
  const placed = placedOf(label);
  const command = startOrder(placed, 'test');
  expect(await beginSagas([{ placed, first: command }])).toEqual([{ kind: 'start' }]);
  return command;
}

const markKeyOf = (command: Envelope) => {
  written.push(scope + command.id);
  return scope + command.id;
};
const tookOf = (command: Envelope<Record<string, unknown>>) => redisClient().hget(keys.saga(String(command.data.orderId)), `took:${command.type}`);

// After each test: the shared clients are closed in an afterAll (testkit/closeSharedClients) that runs before this file's own.
afterEach(async () => {
  if (written.length > 0) await redisClient().unlink(...written.splice(0));
});

describe('claimUnmarkedSteps', () => {
  it('should claim the step of a command never applied, and let the same command claim it again (a redelivery)', async () => {
    const command = await begun('fresh');
    const first = await claimUnmarkedSteps([{ command, markKey: markKeyOf(command), claim: true }]);
    const again = await claimUnmarkedSteps([{ command, markKey: markKeyOf(command), claim: true }]);
    expect(first).toEqual([{ kind: 'unmarked', claim: { kind: 'claimed' } }]);
    expect(again).toEqual(first);
    expect(await tookOf(command)).toBe(command.id);
  });

  it('should claim nothing for a command this consumer already marked, and answer what its mark holds', async () => {
    const command = await begun('marked');
    await redisClient().set(markKeyOf(command), 'digest-of-the-applied-content', 'EX', 60);
    const answer = await claimUnmarkedSteps([{ command, markKey: markKeyOf(command), claim: true }]);
    expect(answer).toEqual([{ kind: 'marked', mark: 'digest-of-the-applied-content' }]);
    expect(await tookOf(command)).toBeNull();
  });

  it('should only read the mark of a command it is not asked to claim', async () => {
    const command = await begun('mark-only');
    expect(await claimUnmarkedSteps([{ command, markKey: markKeyOf(command), claim: false }])).toEqual([{ kind: 'unmarked', claim: undefined }]);
    expect(await tookOf(command)).toBeNull();
  });

  it("should answer each command of a batch as the claim script does: missing record, another order, out of order, another command's step", async () => {
    const other = placedOf('never-begun');
    const neverPlaced = startOrder(other, 'test');
    const altered = await begun('altered');
    const alteredCommand = { ...altered, data: { ...altered.data, amount: 1 } };
    const outOfOrder = await begun('out-of-order');
    const reserve = { ...outOfOrder, type: 'inventory.reserve', id: `${outOfOrder.id}-reserve` };
    const taken = await begun('taken');
    expect(await claimSteps([taken])).toEqual([{ kind: 'claimed' }]);
    const second = { ...taken, id: `${taken.id}-second` };
    const commands = [neverPlaced, alteredCommand, reserve, second];

    const folded = await claimUnmarkedSteps(commands.map((command) => ({ command, markKey: markKeyOf(command), claim: true })));

    expect(folded.map((answer) => (answer.kind === 'unmarked' ? answer.claim : answer))).toEqual([
      { kind: 'missing', reason: expect.stringMatching(/^no saga record/) as unknown },
      { kind: 'refused', reason: 'the command carries another order than the one placed' },
      { kind: 'refused', reason: 'out of order: the saga is at payment.authorize, not inventory.reserve' },
      { kind: 'refused', reason: `step already carried out by command ${taken.id}` },
    ]);
    // The claim script on its own answers the same.
    expect(await claimSteps(commands)).toEqual(folded.map((answer) => (answer.kind === 'unmarked' ? answer.claim : answer)));
  });
});
