// What the bank and the network can do to a batch, and why none of it causes a double payment or a lost
// status: the bank down, duplicate and out-of-order status reports, a crash between storing and acknowledging,
// and a message that cannot be read.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { paymentLine } from '../integration/api/harness.ts';
import { type BatchWorld, DEMO_ACCOUNT, startBatchWorld } from '../support/batch-world.ts';

describe('batch lifecycle under faults', () => {
  let world: BatchWorld;

  beforeAll(async () => {
    world = await startBatchWorld();
  });
  afterAll(() => world?.close());

  it('bank down, then back: the submission is retried with the same MsgId and reaches the bank once', async () => {
    const before = world.bank.simulator.bank.summary().batches;
    // More 503s than the HTTP adapter retries itself: the state machine's Retry has to carry it.
    world.bank.simulator.addFault({ kind: 'status', status: 503, route: 'payment', count: 6 });
    const batchId = await world.payBatch([{}, {}]);
    const batch = await world.batch(batchId);
    expect(batch.status).toBe('submitted');
    expect(batch.submissions).toHaveLength(1);
    const messageId = batch.submissions?.[0]?.messageId ?? '';
    expect(batch.submissions?.[0]?.attempts).toBeGreaterThan(1);
    expect(world.bank.simulator.bank.summary().batches).toBe(before + 1);
    expect(world.bank.simulator.bank.batch(messageId)).toBeDefined();
    const retried = (world.runtime.workflow.execution(batchId)?.events ?? []).filter(
      (e) => e.type === 'StateRetried' && e.stateName === 'SubmitToBank',
    );
    expect(retried.length).toBeGreaterThan(0);

    await world.settle();
    world.bank.simulator.sign(messageId);
    await world.settle();
    await world.runtime.workflow.waitForExecution(batchId);
    expect((await world.batch(batchId)).status).toBe('completed');
  });

  it('a batch the bank refuses outright ends failed: recorded with its reason, payments rejected and announced, people told once', async () => {
    // 403 on the submission: the bank will not take this end user's payments (not retryable).
    world.bank.simulator.addFault({ kind: 'status', status: 403, route: 'payment', count: 1 });
    const draft = await world.payer.call<{ id: string }>('POST', '/v1/payment-batches', {
      debtorAccountId: DEMO_ACCOUNT,
      payments: [paymentLine()],
    });
    expect(draft.status).toBe(201);
    const confirmed = await world.payer.call(
      'POST',
      `/v1/payment-batches/${draft.body.id}/confirm`,
      {},
      {
        'idempotency-key': `refused-${draft.body.id}`,
      },
    );
    expect(confirmed.status).toBe(202);
    const execution = await world.runtime.workflow.waitForExecution(draft.body.id);
    expect(execution.status).toBe('FAILED');
    const entered = execution.events.filter((e) => e.type === 'StateEntered').map((e) => e.stateName);
    expect(entered).toEqual(['SubmitToBank', 'RecordFailure', 'BatchFailed']);

    const batch = await world.batch(draft.body.id);
    expect(batch.status).toBe('failed');
    expect(batch.statusReason).toBeTruthy();
    const payments = await world.payments(draft.body.id);
    expect(payments.map((payment) => payment.status)).toEqual(['rejected']);
    // The record-batch-failure function published through SNS and EventBridge with its own role.
    const told = world.runtime.notifier.sent.filter((n) => n.eventId === `batch-failed:${draft.body.id}`);
    expect(told).toHaveLength(1);
    expect(told[0]).toMatchObject({ type: 'bank_connection_failing', severity: 'critical' });
    expect(
      world.runtime.events.published.filter(
        (event) => event.type === 'PaymentStatusChanged' && JSON.stringify(event).includes(draft.body.id),
      ).length,
    ).toBeGreaterThan(0);
  });

  it('duplicate and out-of-order status reports never move a payment backwards or announce a change twice', async () => {
    world.bank.simulator.bank.queue.setDeliveryOrder('newest-first');
    world.bank.simulator.addScenario({
      match: { amountMinor: 31_415 },
      action: { type: 'duplicate-messages', copies: 2 },
    });
    const batchId = await world.payBatch([{ amount: '314.15' }]);
    const messageId = (await world.batch(batchId)).submissions?.[0]?.messageId ?? '';
    // Signed before the collector ran: the final report is read before the pending-signature one.
    world.bank.simulator.sign(messageId);
    await world.settle();
    world.bank.simulator.bank.queue.setDeliveryOrder('oldest-first');
    await world.runtime.workflow.waitForExecution(batchId);

    const [payment] = await world.payments(batchId);
    // Executed (and, with the bank's camt.054, booked): never back to waiting for a signature.
    const history = payment?.statusHistory.map((change) => change.status) ?? [];
    expect(history.slice(history.indexOf('settled'))).not.toContain('pending_signature');
    expect(['settled', 'booked']).toContain(payment?.status);
    const announced = world.runtime.events.published
      .filter((e) => e.type === 'PaymentStatusChanged' && e.detail.batchId === batchId)
      .map((e) => e.eventId);
    expect(new Set(announced).size).toBe(announced.length);
    expect((await world.batch(batchId)).status).toBe('completed');
  });

  it('a crash between storing a message and acknowledging it is harmless: the redelivery is only acknowledged', async () => {
    const batchId = await world.payBatch([{}]);
    await world.settle();
    world.bank.simulator.sign((await world.batch(batchId)).submissions?.[0]?.messageId ?? '');
    // As many failures as the adapter's own attempts (4): the acknowledgement is lost for good this run.
    world.bank.simulator.addFault({ kind: 'status', status: 500, route: 'message-delete', count: 4 });
    const first = await world.runtime.collect({ maxMessages: 1 });
    expect(first.processed).toBe(1);
    expect(first.stoppedBecause).toBe('retry-later');
    const eventsAfterFirst = world.runtime.events.published.length;
    const paymentsAfterFirst = await world.payments(batchId);

    const second = await world.runtime.collect({ maxMessages: 1 });
    // The same message again: recognised as done, acknowledged, nothing applied twice.
    expect(second).toMatchObject({ processed: 0, alreadyDone: 1 });
    expect(world.runtime.events.published).toHaveLength(eventsAfterFirst);
    expect(await world.payments(batchId)).toEqual(paymentsAfterFirst);

    await world.settle();
    await world.runtime.workflow.waitForExecution(batchId);
    expect((await world.batch(batchId)).status).toBe('completed');
  });

  it('a message that cannot be read is quarantined, kept, alerted once, and does not block the queue', async () => {
    world.bank.simulator.addFault({ kind: 'malformed-xml', count: 1 });
    const runs = await world.settle();
    expect(runs.reduce((sum, run) => sum + run.quarantined, 0)).toBe(1);
    const alerts = world.runtime.notifier.sent.filter((n) => n.type === 'message_quarantined');
    expect(alerts).toHaveLength(1);
    expect(alerts[0]?.severity).toBe('critical');
    expect(world.bank.simulator.bank.summary().queue.pending).toBe(0);
  });
});
