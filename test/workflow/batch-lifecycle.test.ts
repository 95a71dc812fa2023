// The batch lifecycle end to end: the synthesized state machine executed locally with the real handlers,
// DynamoDB Local and the bank simulator over mTLS. One company, one batch per scenario; time is manual.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RenderedNotification } from '../../shared/app/notifications.ts';
import { type BatchWorld, days, startBatchWorld } from '../support/batch-world.ts';

const SUPPLIER_WITH_CLOSED_ACCOUNT = 'FI2112345600000785';

const paid = (status: string) => status === 'settled' || status === 'booked';

function statesEntered(world: BatchWorld, batchId: string): string[] {
  const execution = world.runtime.workflow.execution(batchId);
  return (execution?.events ?? []).filter((e) => e.type === 'StateEntered').map((e) => e.stateName ?? '');
}

function notificationsFor(world: BatchWorld, batchId: string): RenderedNotification[] {
  return world.runtime.notifier.sent.filter((n) => n.eventId.includes(batchId));
}

describe('batch lifecycle on the synthesized state machine', () => {
  let world: BatchWorld;

  beforeAll(async () => {
    world = await startBatchWorld();
  });
  afterAll(() => world?.close());

  async function signAndFinish(batchId: string) {
    const messageId = (await world.batch(batchId)).submissions?.[0]?.messageId ?? '';
    world.bank.simulator.sign(messageId);
    await world.settle();
    return world.runtime.workflow.waitForExecution(batchId);
  }

  it('happy path: submitted once, waits for signing, completes when every payment is executed', async () => {
    const batchId = await world.payBatch([{}, {}, {}]);
    const submitted = await world.batch(batchId);
    expect(submitted.status).toBe('submitted');
    const messageId = submitted.submissions?.[0]?.messageId ?? '';
    expect(world.bank.simulator.bank.submissionsOf(messageId)).toHaveLength(1);

    await world.settle();
    expect((await world.batch(batchId)).status).toBe('awaiting_signature');
    expect((await world.payments(batchId)).map((p) => p.status)).toEqual(Array(3).fill('pending_signature'));

    const execution = await signAndFinish(batchId);
    expect(execution.status).toBe('SUCCEEDED');
    expect((await world.batch(batchId)).status).toBe('completed');
    // Paid: executed by the bank (ACSC) and, when the bank's camt.054 arrives first, booked at once.
    expect((await world.payments(batchId)).map((p) => paid(p.status))).toEqual(Array(3).fill(true));
    expect(notificationsFor(world, batchId)).toEqual([]);
    const paidEvents = world.runtime.events.published.filter(
      (e) => e.type === 'PaymentStatusChanged' && e.detail.batchId === batchId && paid(e.detail.to),
    );
    expect(
      new Set(paidEvents.map((e) => (e.type === 'PaymentStatusChanged' ? e.detail.paymentId : ''))).size,
    ).toBe(3);
    expect(statesEntered(world, batchId)).toEqual([
      'SubmitToBank',
      'CollectNow',
      'AwaitBankAcknowledgement',
      'AwaitAuthorizationAndExecution',
      'Finalize',
      'NotifyProblems',
      'BatchDone',
    ]);
  });

  it('costs the same state transitions when signing takes three days, and warns once that signing is overdue', async () => {
    const quick = await world.payBatch([{}]);
    await world.settle();
    await world.advance(60_000);
    await signAndFinish(quick);

    const slow = await world.payBatch([{}]);
    await world.settle();
    await world.advance(days(3));
    await world.settle();
    await world.settle();
    const overdue = notificationsFor(world, slow).filter((n) => n.type === 'signing_overdue');
    expect(overdue).toHaveLength(1);
    expect(overdue[0]?.sms).toContain('wait for signing');
    expect((await world.batch(slow)).status).toBe('awaiting_signature');
    await signAndFinish(slow);

    expect((await world.batch(slow)).status).toBe('completed');
    expect(statesEntered(world, slow)).toEqual(statesEntered(world, quick));
    expect(notificationsFor(world, quick).filter((n) => n.type === 'signing_overdue')).toEqual([]);
  });

  it('rejected: every payment refused by the bank ends the batch rejected, each payment explained once', async () => {
    const rule = world.bank.simulator.addScenario({
      match: { creditorIban: SUPPLIER_WITH_CLOSED_ACCOUNT },
      action: { type: 'reject', reasonCode: 'AC04' },
    });
    const batchId = await world.payBatch([
      { creditorIban: SUPPLIER_WITH_CLOSED_ACCOUNT },
      { creditorIban: SUPPLIER_WITH_CLOSED_ACCOUNT },
    ]);
    await world.settle();
    const execution = await signAndFinish(batchId);
    world.bank.simulator.bank.scenarios.remove(rule);
    expect(execution.status).toBe('SUCCEEDED');
    const batch = await world.batch(batchId);
    expect(batch.status).toBe('rejected');
    expect(batch.statusReason).toBe('2 of 2 payments were rejected by the bank');
    const payments = await world.payments(batchId);
    expect(payments.map((p) => [p.status, p.reasonCode])).toEqual([
      ['rejected', 'AC04'],
      ['rejected', 'AC04'],
    ]);
    const sent = notificationsFor(world, batchId);
    expect(sent.map((n) => n.type)).toEqual(['payment_rejected', 'payment_rejected']);
    expect(sent[0]?.emailBody).toContain("The recipient's account is closed");
  });

  it('partially rejected: the rest is paid, the batch is partially completed and people are told what failed', async () => {
    world.bank.simulator.addScenario({
      match: { amountMinor: 99_999 },
      action: { type: 'reject', reasonCode: 'AM04' },
      times: 1,
    });
    const batchId = await world.payBatch([{ amount: '999.99' }, {}, {}]);
    await world.settle();
    await signAndFinish(batchId);
    expect((await world.batch(batchId)).status).toBe('partially_completed');
    expect((await world.payments(batchId)).map((p) => (paid(p.status) ? 'paid' : p.status))).toEqual([
      'rejected',
      'paid',
      'paid',
    ]);
    const sent = notificationsFor(world, batchId);
    expect(sent.map((n) => n.type).sort()).toEqual(['batch_partially_rejected', 'payment_rejected']);
    expect(sent.find((n) => n.type === 'batch_partially_rejected')?.subject).toBe(
      '1 of 3 payments in a batch were rejected',
    );
  });

  it('expiry: a batch never signed expires after its deadline, nothing is paid, people are told once', async () => {
    const batchId = await world.payBatch([{}, {}]);
    await world.settle();
    await world.advance(days(5) + 60_000);
    const execution = await world.runtime.workflow.waitForExecution(batchId);
    expect(execution.status).toBe('SUCCEEDED');
    expect(statesEntered(world, batchId).slice(-2)).toEqual(['ExpireBatch', 'BatchExpired']);
    expect((await world.batch(batchId)).status).toBe('expired');
    expect((await world.payments(batchId)).map((p) => p.status)).toEqual(['expired', 'expired']);
    const expired = notificationsFor(world, batchId).filter((n) => n.type === 'batch_expired');
    expect(expired).toHaveLength(1);
    expect(expired[0]?.sms).toContain('NOT paid');
  });

  it('deadline with part of the batch executed: the bank-booked payment counts as paid, the rest expires', async () => {
    world.bank.simulator.addScenario({
      match: { amountMinor: 77_700 },
      action: { type: 'delay', ms: days(10) },
    });
    const batchId = await world.payBatch([{}, { amount: '777.00' }]);
    await world.settle();
    world.bank.simulator.sign((await world.batch(batchId)).submissions?.[0]?.messageId ?? '');
    await world.settle();
    // The bank reports the batch only when all of it is done, but its camt.054 shows the first debit: that
    // entry on the company's own account is proof of payment, so the payment is settled and booked.
    const [paid, waiting] = await world.payments(batchId);
    expect(paid?.status).toBe('booked');
    expect(paid?.statusHistory.map((change) => change.status).slice(-2)).toEqual(['settled', 'booked']);
    expect(waiting?.status).toBe('pending_signature');

    await world.advance(days(5) + 60_000);
    await world.runtime.workflow.waitForExecution(batchId);
    const batch = await world.batch(batchId);
    expect(batch.status).toBe('partially_completed');
    expect(batch.statusReason).toBe('1 payments were executed; 1 were not signed in time and were not paid');
    expect((await world.payments(batchId)).map((p) => p.status)).toEqual(['booked', 'expired']);
    expect(notificationsFor(world, batchId).filter((n) => n.type === 'batch_expired')).toHaveLength(1);
  });
});
