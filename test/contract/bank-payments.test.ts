import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { estonianIban } from '#infra/local/bank-simulator/seed.ts';
import { parsePain002 } from '#shared/iso20022/index.ts';
import {
  batch,
  COOP_CREDITOR,
  DEMO_ACCOUNT,
  DEMO_END_USER,
  drain,
  EXTERNAL_CREDITOR,
  type Harness,
  startHarness,
} from './bank-harness.ts';

describe('payments: adapter against the simulator over mTLS', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h.close();
  });

  it('answers the heartbeat', async () => {
    const result = await h.gateway.heartbeat();
    expect(result.ok).toBe(true);
  });

  it('submits a pain.001 and reports received, pending signature, then executed after signing', async () => {
    const payment = batch([{ iban: COOP_CREDITOR, minor: 12_345 }]);
    const receipt = await h.gateway.submitPayments({ endUser: DEMO_END_USER, batch: payment });
    expect(receipt).toMatchObject({
      messageId: payment.messageId,
      outcome: 'accepted',
      attempts: 1,
      numberOfTransactions: 1,
    });
    expect(receipt.requestId).toBeTruthy();

    const before = await drain(h.gateway);
    expect(before.map((m) => parsePain002(m.body).groupStatus)).toEqual(['ACTC', 'PDNG']);
    expect(before.every((m) => m.type === 'pain.002' && m.requestId === receipt.requestId)).toBe(true);
    expect(before[0]?.endUser).toEqual(DEMO_END_USER);

    h.simulator.sign(payment.messageId);
    const after = await drain(h.gateway, { type: 'pain.002' });
    expect(after).toHaveLength(1);
    const report = parsePain002(after[0]?.body ?? '');
    expect(report.originalMessageId).toBe(payment.messageId);
    expect(report.groupStatus).toBe('ACSC');
    expect(report.transactions).toMatchObject([
      { originalEndToEndId: `${payment.messageId}-E1`, status: 'ACSC' },
    ]);
    // the ledger moved: debtor debited, Coop creditor credited, camt.054 for both sides queued
    expect(h.simulator.bank.ledger.get(COOP_CREDITOR)?.balanceMinor).toBe(12_345);
    const notifications = await drain(h.gateway, { type: 'camt.054' });
    expect(notifications.length).toBeGreaterThanOrEqual(1);
  });

  it('rejects insufficient funds with AM04 and an unknown Coop creditor account with AC01 (partial acceptance)', async () => {
    await drain(h.gateway);
    const available = h.simulator.bank.ledger.availableMinor(DEMO_ACCOUNT);
    const payment = batch([
      { iban: EXTERNAL_CREDITOR, minor: 100 },
      { iban: estonianIban(9_999_999), minor: 100 }, // a valid Coop IBAN with no account behind it
      { iban: EXTERNAL_CREDITOR, minor: available + 1 },
    ]);
    await h.gateway.submitPayments({ endUser: DEMO_END_USER, batch: payment });
    h.simulator.sign(payment.messageId);
    const messages = await drain(h.gateway, { type: 'pain.002' });
    const final = parsePain002(messages.at(-1)?.body ?? '');
    expect(final.groupStatus).toBe('PART');
    expect(final.transactions.map((t) => [t.status, t.reasons[0]?.code])).toEqual([
      ['ACSC', undefined],
      ['RJCT', 'AC01'],
      ['RJCT', 'AM04'],
    ]);
  });

  it('refuses a repeated MsgId as a duplicate (the bank only dedupes by MsgId)', async () => {
    const payment = batch([{ iban: EXTERNAL_CREDITOR, minor: 500 }]);
    await h.gateway.submitPayments({ endUser: DEMO_END_USER, batch: payment });
    await expect(h.gateway.submitPayments({ endUser: DEMO_END_USER, batch: payment })).rejects.toMatchObject({
      name: 'BankDuplicateMessageError',
      status: 409,
      bankErrorCode: 'DUPLICATE_MESSAGE_ID',
      messageId: payment.messageId,
      retryable: false,
    });
  });

  it('a declined signature rejects every payment with the decline reason', async () => {
    await drain(h.gateway);
    const payment = batch([{ iban: EXTERNAL_CREDITOR, minor: 700 }]);
    await h.gateway.submitPayments({ endUser: DEMO_END_USER, batch: payment });
    h.simulator.decline(payment.messageId);
    const final = parsePain002((await drain(h.gateway)).at(-1)?.body ?? '');
    expect(final.groupStatus).toBe('RJCT');
    expect(final.groupReasons[0]?.code).toBe('DS02');
  });
});

describe('payments: auto-sign and timing', () => {
  it('auto-signs in demo mode and executes instant payments at once, any day', async () => {
    const h = await startHarness({ settings: { signing: 'auto' }, clock: undefined });
    h.clock.set('2026-03-07T20:00:00Z'); // Saturday evening
    const payment = batch([{ iban: EXTERNAL_CREDITOR, minor: 1_000 }], { date: '2026-03-07' });
    await h.gateway.submitPayments({ endUser: DEMO_END_USER, batch: payment });
    const statuses = (await drain(h.gateway, { type: 'pain.002' })).map(
      (m) => parsePain002(m.body).groupStatus,
    );
    expect(statuses).toEqual(['ACTC', 'PDNG', 'ACSC']);
    expect(h.simulator.bank.batch(payment.messageId)?.payments[0]?.scheme).toBe('instant');
    await h.close();
  });

  it('a SEPA payment (over the instant limit) signed after the 15:30 cut-off executes next business day', async () => {
    const h = await startHarness({
      seed: {
        endUsers: [
          {
            registryCode: '12345678',
            name: 'Rich OU',
            accounts: [{ iban: DEMO_ACCOUNT, balanceMinor: 50_000_000 }],
          },
        ],
      },
    });
    h.clock.set('2026-03-06T14:00:00Z'); // Friday 16:00 Tallinn
    const payment = batch([{ iban: EXTERNAL_CREDITOR, minor: 20_000_000 }], { date: '2026-03-06' });
    await h.gateway.submitPayments({ endUser: DEMO_END_USER, batch: payment });
    h.simulator.sign(payment.messageId);
    const signed = (await drain(h.gateway, { type: 'pain.002' })).map(
      (m) => parsePain002(m.body).groupStatus,
    );
    expect(signed).toEqual(['ACTC', 'PDNG', 'ACSP']);
    expect(h.simulator.bank.batch(payment.messageId)?.payments[0]).toMatchObject({
      scheme: 'sepa',
      executeAt: '2026-03-09T07:00:00.000Z', // Monday 09:00 Tallinn
    });
    h.simulator.advanceTime(2 * 86_400_000); // Sunday: still nothing
    expect(await h.gateway.nextMessage({ type: 'pain.002' })).toBeUndefined();
    h.simulator.advanceTime(86_400_000); // Monday
    const executed = (await drain(h.gateway, { type: 'pain.002' })).map(
      (m) => parsePain002(m.body).groupStatus,
    );
    expect(executed).toEqual(['ACSC']);
    const entry = h.simulator.bank.ledger.get(DEMO_ACCOUNT)?.entries.at(-1);
    expect(entry?.bookingDate).toBe('2026-03-09');
    await h.close();
  });

  it('rejects a batch nobody signs once the configured expiry passes', async () => {
    const h = await startHarness({ settings: { unsignedExpiryMs: 3_600_000 } });
    try {
      const payment = batch([{ iban: EXTERNAL_CREDITOR, minor: 1_000 }]);
      await h.gateway.submitPayments({ endUser: DEMO_END_USER, batch: payment });
      await drain(h.gateway);
      h.simulator.advanceTime(3_600_000);
      const final = parsePain002((await drain(h.gateway, { type: 'pain.002' }))[0]?.body ?? '');
      expect(final).toMatchObject({ groupStatus: 'RJCT', groupReasons: [{ code: 'MS03' }] });
      expect(() => h.simulator.sign(payment.messageId)).toThrow(/expired/);
    } finally {
      await h.close();
    }
  });
});
