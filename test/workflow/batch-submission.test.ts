// SubmitToBank is safe to run twice: the same MsgId every time, and after an attempt whose outcome is unknown
// it first looks for the bank's status report and re-sends (same MsgId) only when there is none. The
// submit-batch function runs as deployed (its worker, environment and role); the simulated bank takes the
// submission and then drops the connection on every attempt, so the answer is lost.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { paymentLine } from '../integration/api/harness.ts';
import { type BatchWorld, COMPANY, DEMO_ACCOUNT, startBatchWorld } from '../support/batch-world.ts';

describe('submitting a batch when the bank answer is lost', () => {
  let world: BatchWorld;

  beforeAll(async () => {
    world = await startBatchWorld();
  });
  afterAll(() => world?.close());

  /** A confirmed batch that no workflow has picked up yet (the use case is driven by hand here). */
  async function confirmedBatch(): Promise<string> {
    const draft = await world.payer.call<{ id: string }>('POST', '/v1/payment-batches', {
      debtorAccountId: DEMO_ACCOUNT,
      payments: [paymentLine(), paymentLine()],
    });
    const batch = await world.batch(draft.body.id);
    await world.runtime.store.batches.update(
      { ...batch, status: 'confirmed', version: batch.version + 1 },
      batch.version,
    );
    return draft.body.id;
  }

  it('re-sends with the same MsgId, which the bank recognises, so the batch reaches the bank exactly once', async () => {
    const batchId = await confirmedBatch();
    const submit = () =>
      world.runtime.invoke('submit-batch', { companyId: COMPANY, batchId, executionName: batchId });
    // As many drops as the bank adapter's attempts (4 by default): the outcome stays unknown this run.
    world.bank.simulator.addFault({ kind: 'drop-connection', route: 'payment', count: 4 });
    await expect(submit()).rejects.toMatchObject({
      name: expect.stringMatching(/^Bank(Unavailable|Timeout)Error$/),
    });
    const unknown = await world.batch(batchId);
    expect(unknown.status).toBe('submitting');
    expect(unknown.submissions?.[0]).toMatchObject({ attempts: 1 });
    expect(unknown.submissions?.[0]?.acceptedAt).toBeUndefined();
    const messageId = unknown.submissions?.[0]?.messageId ?? '';
    // The adapter's own retries all carried the same MsgId.
    const lostDeliveries = world.bank.simulator.bank.submissionsOf(messageId).length;
    expect(lostDeliveries).toBe(4);

    const result = await submit();
    expect(result).toMatchObject({ status: 'submitted', messageIds: [messageId] });
    const deliveries = world.bank.simulator.bank.submissionsOf(messageId);
    expect(deliveries).toHaveLength(lostDeliveries + 1);
    expect(world.bank.simulator.bank.batch(messageId)).toBeDefined();
    expect(new Set(world.bank.simulator.bank.received().map((r) => r.messageId)).has(`${messageId}-2`)).toBe(
      false,
    );

    // A third run changes nothing and sends nothing.
    await submit();
    expect(world.bank.simulator.bank.submissionsOf(messageId)).toHaveLength(lostDeliveries + 1);
  });

  it('does not send again when the bank already reported on the lost attempt', async () => {
    const batchId = await confirmedBatch();
    const submit = () =>
      world.runtime.invoke('submit-batch', { companyId: COMPANY, batchId, executionName: batchId });
    // As many drops as the bank adapter's attempts (4 by default): the outcome stays unknown this run.
    world.bank.simulator.addFault({ kind: 'drop-connection', route: 'payment', count: 4 });
    await expect(submit()).rejects.toThrow();
    const messageId = (await world.batch(batchId)).submissions?.[0]?.messageId ?? '';
    const lostDeliveries = world.bank.simulator.bank.submissionsOf(messageId).length;
    await world.settle(); // the collector reads the bank's "received" report for that MsgId

    await submit();
    expect(world.bank.simulator.bank.submissionsOf(messageId)).toHaveLength(lostDeliveries);
    expect((await world.batch(batchId)).submissions?.[0]?.acceptedAt).toBeDefined();
  });
});
