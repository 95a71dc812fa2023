// Daily statements end to end through the local runtime: the synthesized request-daily-statements and
// collect-bank-messages functions (their handlers, environment and IAM roles), companies onboarded through the
// API, DynamoDB Local and the bank simulator over HTTPS + mTLS (manual clock). What reached the bank is read from
// the simulator's records, notifications and events from what the runtime's SNS topic and event bus received.
// Each test names the guarantee it checks.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoPaymentBatchRepository } from '#shared/adapters/dynamodb/payment-batch-repository.ts';
import { DynamoStatementRequestLog } from '#shared/adapters/dynamodb/statement-work-repositories.ts';
import type { DomainEvent } from '#shared/app/events.ts';
import type { AuditEvent, StoredPayment } from '#shared/app/ports.ts';
import { endToEndIdFor } from '#shared/domain/payment.ts';
import type { StatementDay } from '#shared/domain/statement.ts';
import { buildCamt053 } from '#shared/iso20022/index.ts';
import { estonianIban } from '../../infra/local/bank-simulator/seed.ts';
import {
  batch,
  DEMO_ACCOUNT,
  DEMO_END_USER,
  EXTERNAL_CREDITOR,
  NO_STATEMENTS_ACCOUNT,
} from '../contract/bank-harness.ts';
import type { Caller } from '../integration/api/harness.ts';
import {
  onboardAccounts,
  type StatementWorld,
  selectAccounts,
  startStatementWorld,
} from '../support/statement-world.ts';

const COMPANY = 'company-stm';
const OTHER_COMPANY = 'company-other';
const OTHER_END_USER = { registryCode: '87654321', country: 'EE' } as const;
const OTHER_ACCOUNT = estonianIban(1000101);

/** What the request-daily-statements handler answers. */
interface DailyRun {
  runDate: string;
  accounts: number;
  requests: number;
  notified: number;
}

const daily = async (world: StatementWorld, at?: Date) =>
  (await world.runtime.requestDailyStatements(at)) as DailyRun;

function eventsOf<T extends DomainEvent['type']>(world: StatementWorld, type: T) {
  return world.runtime.events.published.filter(
    (event): event is Extract<DomainEvent, { type: T }> => event.type === type,
  );
}

async function allDays(world: StatementWorld, iban: string, companyId = COMPANY): Promise<StatementDay[]> {
  return (await world.runtime.store.statements.listDays(companyId, iban, {}, { limit: 500 })).items;
}

async function daysBetween(world: StatementWorld, from: string, to: string, companyId = COMPANY) {
  return (await world.runtime.store.statements.listDays(companyId, DEMO_ACCOUNT, { from, to }, { limit: 50 }))
    .items;
}

async function entriesOf(world: StatementWorld, iban: string, from: string, to = from, companyId = COMPANY) {
  return (await world.runtime.store.statements.listEntries(companyId, iban, { from, to }, { limit: 500 }))
    .items;
}

/** A payment that the connector already saw settled (seeded: the batch workflow is not what is tested here). */
function settledPayment(
  companyId: string,
  batchId: string,
  endToEndId: string,
  minor: number,
): StoredPayment {
  return {
    companyId,
    batchId,
    paymentId: '00001',
    position: 1,
    endToEndId,
    creditorName: 'Kontoritarbed OU',
    creditorIban: EXTERNAL_CREDITOR,
    amount: { minor, currency: 'EUR' },
    remittanceInformation: 'Invoice 7',
    sourceDocument: { type: 'bill', id: `bill-${batchId}` },
    channel: 'sepa',
    issues: [],
    fingerprint: `${EXTERNAL_CREDITOR}|EUR|${minor}|T:invoice 7`,
    status: 'settled',
    statusHistory: [
      { status: 'pending', at: '2026-03-26T08:00:00.000Z' },
      { status: 'settled', at: '2026-03-26T08:05:00.000Z' },
    ],
    version: 3,
  };
}

async function seedSettledPayment(
  world: StatementWorld,
  companyId: string,
  batchId: string,
  endToEndId: string,
  minor: number,
) {
  const audit: AuditEvent = {
    companyId,
    eventId: `audit-${batchId}`,
    at: '2026-03-26T08:00:00.000Z',
    actor: { type: 'system', name: 'test' },
    entityType: 'PaymentBatch',
    entityId: batchId,
    action: 'TestSetup',
  };
  await new DynamoPaymentBatchRepository(world.table.client, world.table.tableName).createDraft(
    {
      companyId,
      batchId,
      status: 'completed',
      version: 1,
      paymentCount: 1,
      createdAt: '2026-03-26T08:00:00.000Z',
      createdBy: 'user-1',
      updatedAt: '2026-03-26T08:00:00.000Z',
      debtorAccountId: DEMO_ACCOUNT,
    },
    [settledPayment(companyId, batchId, endToEndId, minor)],
    audit,
  );
}

/** A camt.053 written by the test (for what the simulator never produces), put on the bank's queue. */
function camt053(
  responseId: string,
  statement: Parameters<typeof buildCamt053>[0]['statements'][number],
  options: { withoutBankReferences?: boolean } = {},
): string {
  const built = buildCamt053({
    messageId: responseId,
    createdAt: '2026-03-26T10:00:00+02:00',
    statements: [statement],
  });
  let body = typeof built === 'string' ? built : built.xml;
  if (options.withoutBankReferences) body = body.replaceAll(/<AcctSvcrRef>[^<]*<\/AcctSvcrRef>/g, '');
  return body;
}

const camt053Outcomes = (messages: Array<{ typeHeader: string; outcome?: string }>) =>
  messages.filter((m) => m.typeHeader.startsWith('camt.053')).map((m) => m.outcome);

describe('daily statements against the bank simulator', () => {
  let world: StatementWorld;

  beforeAll(async () => {
    // Thursday 2026-03-26 10:00 Tallinn: a business day, three days before the clocks go forward.
    world = await startStatementWorld('2026-03-26T08:00:00Z');
    const admin = world.caller({
      userId: 'mari',
      companyId: COMPANY,
      personalCode: '38001010001',
      roles: ['admin', 'payer'],
    });
    await onboardAccounts(admin, DEMO_END_USER.registryCode, [
      { iban: DEMO_ACCOUNT, statementRetrieval: true },
      { iban: NO_STATEMENTS_ACCOUNT, statementRetrieval: false },
    ]);
    const otherAdmin = world.caller({
      userId: 'toomas',
      companyId: OTHER_COMPANY,
      personalCode: '38001010005',
      roles: ['admin', 'payer'],
    });
    await onboardAccounts(otherAdmin, OTHER_END_USER.registryCode, [
      { iban: OTHER_ACCOUNT, statementRetrieval: false },
    ]);
    await world.settle();
  });

  afterAll(async () => {
    await world?.close();
  });

  it('asks for the previous day and the 31-day backfill in one request, never for accounts without statement retrieval', async () => {
    const since = world.mark();
    const outcome = await daily(world);

    const requests = world.statementRequests(since);
    expect(requests).toEqual([
      expect.objectContaining({
        iban: DEMO_ACCOUNT,
        fromDate: '2026-02-23',
        toDate: '2026-03-25',
        endUser: DEMO_END_USER,
        outcome: 202,
      }),
    ]);
    expect(requests[0]?.messageId?.length).toBeGreaterThan(0);
    expect(requests[0]?.messageId?.length).toBeLessThanOrEqual(35);
    // One account on the work list; nothing about the other accounts reached the bank (it would have refused
    // NO_STATEMENTS_ACCOUNT, and OTHER_ACCOUNT's company never turned retrieval on).
    expect(outcome).toMatchObject({ runDate: '2026-03-26', accounts: 1, requests: 1, notified: 0 });

    await world.settle();
    const days = await allDays(world, DEMO_ACCOUNT);
    expect(days).toHaveLength(31);
    expect(days.every((day) => day.completeness === 'complete')).toBe(true);
    expect(days[0]?.date).toBe('2026-02-23');
    expect(days.at(-1)?.date).toBe('2026-03-25');
    expect(await allDays(world, NO_STATEMENTS_ACCOUNT)).toEqual([]);
    expect(await allDays(world, OTHER_ACCOUNT, OTHER_COMPANY)).toEqual([]);

    // The same morning again: every day is there, nothing is asked.
    const again = world.mark();
    expect(await daily(world)).toMatchObject({ requests: 0 });
    expect(world.statementRequests(again)).toEqual([]);
  });

  it('publishes an incoming payment with an Estonian reference once, from the notification, not again from the statement or a re-delivery', async () => {
    world.bank.simulator.addIncomingPayment({
      iban: DEMO_ACCOUNT,
      amountMinor: 125_00,
      debtorName: 'Mari Kask',
      debtorIban: 'EE382200221020145685',
      reference: '1232',
    });
    const { messages } = await world.settle();
    const notification = messages.find((m) => m.typeHeader.startsWith('camt.054'));
    expect(notification?.state).toBe('processed');
    const incoming = eventsOf(world, 'IncomingPaymentReceived');
    expect(incoming).toHaveLength(1);
    expect(incoming[0]).toMatchObject({
      companyId: COMPANY,
      detail: {
        iban: DEMO_ACCOUNT,
        bookingDate: '2026-03-26',
        amount: { minor: 125_00, currency: 'EUR' },
        reference: '1232',
        debtorName: 'Mari Kask',
      },
    });

    // The bank delivers the same notification again under its old id: acknowledged, nothing published.
    world.bank.simulator.bank.queue.redeliver(notification?.responseId ?? '');
    const { runs } = await world.settle();
    expect(runs.reduce((sum, run) => sum + run.alreadyDone, 0)).toBe(1);
    expect(eventsOf(world, 'IncomingPaymentReceived')).toHaveLength(1);
    // (Not again from the statement: checked with the next morning's statement below.)
  });

  it('links a debit entry to our payment by end-to-end id (settled → booked), within the company only', async () => {
    const ours = endToEndIdFor('batch-ours', 1);
    const theirs = endToEndIdFor('batch-theirs', 1);
    await seedSettledPayment(world, COMPANY, 'batch-ours', ours, 480_50);
    // Another company's payment: a debit on our account naming it must never touch it.
    await seedSettledPayment(world, OTHER_COMPANY, 'batch-theirs', theirs, 20_00);
    const built = batch(
      [
        { iban: EXTERNAL_CREDITOR, minor: 480_50 },
        { iban: EXTERNAL_CREDITOR, minor: 20_00 },
      ],
      { date: '2026-03-26' },
    );
    const [group] = built.paymentGroups;
    const submission = {
      ...built,
      paymentGroups: [
        {
          ...(group as NonNullable<typeof group>),
          payments: (group?.payments ?? []).map((payment, index) => ({
            ...payment,
            endToEndId: index === 0 ? ours : theirs,
          })),
        },
      ],
    };
    // The debits come from outside the connector (the test submits to the bank with its own client), so the
    // bank's status report for that message is unknown to us and quarantined; the camt.054 debits are not.
    await world.bank.gateway.submitPayments({ endUser: DEMO_END_USER, batch: submission });
    const { messages } = await world.settle();
    expect(messages.filter((m) => m.typeHeader.startsWith('camt.054')).map((m) => m.state)).toEqual([
      'processed',
      'processed',
    ]);
    // Only the bank's status reports on that foreign message were kept aside.
    const quarantined = messages.filter((m) => m.state === 'quarantined');
    expect(quarantined.length).toBeGreaterThan(0);
    expect(quarantined.every((m) => m.typeHeader.startsWith('pain.002'))).toBe(true);

    const booked = await world.runtime.store.batches.getPayment(COMPANY, 'batch-ours', '00001');
    expect(booked).toMatchObject({ status: 'booked', version: 4 });
    expect(booked?.statusHistory.at(-1)).toMatchObject({ status: 'booked' });
    expect(
      await world.runtime.store.batches.getPayment(OTHER_COMPANY, 'batch-theirs', '00001'),
    ).toMatchObject({
      status: 'settled',
      version: 3,
    });

    const entries = await entriesOf(world, DEMO_ACCOUNT, '2026-03-26');
    expect(entries.find((e) => e.endToEndId === ours)).toMatchObject({
      direction: 'debit',
      payment: { batchId: 'batch-ours', paymentId: '00001' },
    });
    const foreign = entries.find((e) => e.endToEndId === theirs);
    expect(foreign).toMatchObject({ direction: 'debit', amount: { minor: 20_00 } });
    expect(foreign?.payment).toBeUndefined();
    expect(eventsOf(world, 'PaymentStatusChanged')).toEqual([
      expect.objectContaining({
        companyId: COMPANY,
        detail: expect.objectContaining({ batchId: 'batch-ours', from: 'settled', to: 'booked' }),
      }),
    ]);
  });

  it("stores the next morning's statement without doubling the notified entries, and a duplicate delivery stores nothing new", async () => {
    world.at('2026-03-27', '06:00');
    const since = world.mark();
    world.bank.simulator.bank.queue.duplicateNext(1); // the statement is delivered twice
    await daily(world);
    expect(world.statementRequests(since).map((r) => [r.fromDate, r.toDate])).toEqual([
      ['2026-03-26', '2026-03-26'],
    ]);

    const { messages } = await world.settle();
    expect(camt053Outcomes(messages)).toEqual([
      expect.stringContaining('3 entries (0 new)'),
      expect.stringContaining('3 entries (0 new)'),
    ]);
    const entries = await entriesOf(world, DEMO_ACCOUNT, '2026-03-26');
    expect(entries).toHaveLength(3);
    const [day] = await daysBetween(world, '2026-03-26', '2026-03-26');
    expect(day).toMatchObject({ entryCount: 3, completeness: 'complete' });
    expect(day?.closingBalance.minor).toBe((day?.openingBalance.minor ?? 0) + 125_00 - 480_50 - 20_00);
    expect(eventsOf(world, 'IncomingPaymentReceived')).toHaveLength(1);
    expect(eventsOf(world, 'PaymentStatusChanged')).toHaveLength(1);
  });

  it('puts the entries of the day the clocks go forward (last Sunday of March) on that Tallinn day', async () => {
    // 00:30 in Tallinn on Sunday 2026-03-29 is still Saturday in UTC.
    world.at('2026-03-29', '00:30');
    world.bank.simulator.addIncomingPayment({
      iban: DEMO_ACCOUNT,
      amountMinor: 10_00,
      debtorName: 'Kalju Tamm',
      reference: '1232',
    });
    await world.settle();
    // 01:30 on Monday in Tallinn (UTC+3 now) is still Sunday in UTC: the previous Tallinn day is Sunday.
    world.at('2026-03-30', '01:30');
    const since = world.mark();
    await daily(world);
    expect(world.statementRequests(since).map((r) => [r.fromDate, r.toDate])).toEqual([
      ['2026-03-27', '2026-03-29'],
    ]);
    await world.settle();

    const sunday = await entriesOf(world, DEMO_ACCOUNT, '2026-03-29');
    expect(sunday).toHaveLength(1);
    expect(sunday[0]).toMatchObject({ bookingDate: '2026-03-29', amount: { minor: 10_00 } });
    expect(await entriesOf(world, DEMO_ACCOUNT, '2026-03-28')).toEqual([]);
    const days = await daysBetween(world, '2026-03-27', '2026-03-30');
    expect(days.map((d) => [d.date, d.completeness, d.entryCount])).toEqual([
      ['2026-03-27', 'complete', 0],
      ['2026-03-28', 'complete', 0],
      ['2026-03-29', 'complete', 1],
    ]);
  });

  it('marks a day whose previous day is missing as a gap, asks for the gap again, and completes both when it arrives', async () => {
    world.at('2026-03-31', '10:00');
    world.bank.simulator.addIncomingPayment({
      iban: DEMO_ACCOUNT,
      amountMinor: 77_00,
      debtorName: 'Põhjala Ehitus AS',
    });
    world.at('2026-04-02', '06:00');
    await world.settle();
    // The bank delivers 1 April while 30 and 31 March never arrived (a lost message).
    world.injectCamt053(
      world.bank.simulator.bank.buildStatement(DEMO_ACCOUNT, '2026-04-01', '2026-04-01'),
      DEMO_END_USER,
    );
    const since = world.mark();
    await world.settle({ maxMessages: 1 });
    const [april1] = await daysBetween(world, '2026-04-01', '2026-04-01');
    expect(april1?.completeness).toBe('gap_before');
    // The collector's camt.053 processing asked the bank for the gap (and the gapped day) again.
    expect(world.statementRequests(since).map((r) => [r.fromDate, r.toDate, r.outcome])).toEqual([
      ['2026-03-30', '2026-04-01', 202],
    ]);

    await world.settle();
    const days = await daysBetween(world, '2026-03-29', '2026-04-01');
    expect(days.map((d) => [d.date, d.completeness])).toEqual([
      ['2026-03-29', 'complete'],
      ['2026-03-30', 'complete'],
      ['2026-03-31', 'complete'],
      ['2026-04-01', 'complete'],
    ]);
    const march31 = days.find((d) => d.date === '2026-03-31');
    expect(march31?.closingBalance.minor).toBe((march31?.openingBalance.minor ?? 0) + 77_00);
  });

  it('keeps two identical legitimate entries (no bank reference) once each, and re-processing stores nothing new', async () => {
    const twin = {
      amount: { minor: 15_00, currency: 'EUR' },
      creditDebit: 'CRDT' as const,
      status: 'BOOK' as const,
      bookingDate: '2026-01-12',
      accountServicerReference: 'REMOVED',
      transactions: [
        {
          remittance: { kind: 'structured' as const, reference: '1232' },
          debtor: { name: 'Tallinna Kohvik OU', iban: 'EE382200221020145685' },
        },
      ],
    };
    const body = camt053(
      'TEST-TWINS',
      {
        id: 'TWINS-20260112',
        createdAt: '2026-01-13T06:00:00+02:00',
        from: '2026-01-12T00:00:00+02:00',
        to: '2026-01-12T23:59:59+02:00',
        account: { iban: DEMO_ACCOUNT, currency: 'EUR' },
        balances: [
          {
            type: 'OPBD',
            amount: { minor: 100_00, currency: 'EUR' },
            creditDebit: 'CRDT',
            date: '2026-01-11',
          },
          {
            type: 'CLBD',
            amount: { minor: 130_00, currency: 'EUR' },
            creditDebit: 'CRDT',
            date: '2026-01-12',
          },
        ],
        entries: [twin, twin],
      },
      { withoutBankReferences: true },
    );
    const before = eventsOf(world, 'IncomingPaymentReceived').length;

    world.injectCamt053(body, DEMO_END_USER);
    expect(camt053Outcomes((await world.settle()).messages)).toEqual([
      expect.stringContaining('2 entries (2 new)'),
    ]);
    const entries = await entriesOf(world, DEMO_ACCOUNT, '2026-01-12');
    expect(entries.map((e) => e.occurrence)).toEqual([1, 2]);
    expect(new Set(entries.map((e) => e.bankReference)).size).toBe(1);
    expect(eventsOf(world, 'IncomingPaymentReceived').length - before).toBe(2);

    // The same document again under a new bank message id.
    world.injectCamt053(body, DEMO_END_USER);
    expect(camt053Outcomes((await world.settle()).messages)).toEqual([
      expect.stringContaining('2 entries (0 new)'),
    ]);
    expect(await entriesOf(world, DEMO_ACCOUNT, '2026-01-12')).toHaveLength(2);
    expect(eventsOf(world, 'IncomingPaymentReceived').length - before).toBe(2);
    const [day] = await daysBetween(world, '2026-01-12', '2026-01-12');
    expect(day).toMatchObject({ entryCount: 2, completeness: 'complete' });
  });

  it('puts entries with UTC timestamps on the Tallinn day when the clocks go back (last Sunday of October)', async () => {
    const entry = (id: string, bookedAt: string, minor: number) => ({
      amount: { minor, currency: 'EUR' },
      creditDebit: 'CRDT' as const,
      status: 'BOOK' as const,
      bookingDate: bookedAt,
      accountServicerReference: id,
      transactions: [{ debtor: { name: 'Mari Kask' } }],
    });
    const body = camt053('TEST-OCT-DST', {
      id: 'DST-20261025',
      createdAt: '2026-10-26T06:00:00+02:00',
      // Tallinn 2026-10-25 00:00 (+03:00) … 23:59:59 (+02:00), written in UTC.
      from: '2026-10-24T21:00:00Z',
      to: '2026-10-25T21:59:59Z',
      account: { iban: DEMO_ACCOUNT, currency: 'EUR' },
      balances: [
        { type: 'OPBD', amount: { minor: 0, currency: 'EUR' }, creditDebit: 'CRDT', date: '2026-10-24' },
        { type: 'CLBD', amount: { minor: 3_00, currency: 'EUR' }, creditDebit: 'CRDT', date: '2026-10-25' },
      ],
      entries: [
        entry('OCT-EARLY', '2026-10-24T21:30:00Z', 1_00),
        entry('OCT-LATE', '2026-10-25T21:30:00Z', 2_00),
      ],
    });
    world.injectCamt053(body, DEMO_END_USER);
    const { messages } = await world.settle();
    expect(messages.map((m) => m.state)).toEqual(['processed']);

    const entries = await entriesOf(world, DEMO_ACCOUNT, '2026-10-24', '2026-10-26');
    expect(entries.map((e) => [e.bankReference, e.bookingDate])).toEqual([
      ['OCT-EARLY', '2026-10-25'],
      ['OCT-LATE', '2026-10-25'],
    ]);
    const days = await daysBetween(world, '2026-10-24', '2026-10-26');
    expect(days.map((d) => [d.date, d.entryCount])).toEqual([['2026-10-25', 2]]);
  });

  it("refuses (to quarantine) a statement of an account that is not the company's, storing nothing", async () => {
    const body = camt053('TEST-FOREIGN', {
      id: 'FOREIGN-20260112',
      createdAt: '2026-01-13T06:00:00+02:00',
      from: '2026-01-12T00:00:00+02:00',
      to: '2026-01-12T23:59:59+02:00',
      account: { iban: OTHER_ACCOUNT, currency: 'EUR' },
      balances: [
        { type: 'OPBD', amount: { minor: 0, currency: 'EUR' }, creditDebit: 'CRDT', date: '2026-01-11' },
        { type: 'CLBD', amount: { minor: 5_00, currency: 'EUR' }, creditDebit: 'CRDT', date: '2026-01-12' },
      ],
      entries: [
        {
          amount: { minor: 5_00, currency: 'EUR' },
          creditDebit: 'CRDT',
          bookingDate: '2026-01-12',
          accountServicerReference: 'FOREIGN-1',
          transactions: [],
        },
      ],
    });
    // Delivered for our end user (company-stm), naming the other company's account.
    const responseId = world.injectCamt053(body, DEMO_END_USER);
    const { runs, messages } = await world.settle();
    expect(runs.reduce((sum, run) => sum + run.quarantined, 0)).toBe(1);
    expect(messages).toEqual([
      expect.objectContaining({
        responseId,
        state: 'quarantined',
        outcome: expect.stringContaining("not one of the end user's company accounts"),
      }),
    ]);
    expect(world.runtime.notifier.sent.filter((n) => n.type === 'message_quarantined').at(-1)).toMatchObject({
      severity: 'critical',
      emailBody: expect.stringContaining(responseId),
    });
    expect(await allDays(world, OTHER_ACCOUNT)).toEqual([]);
    expect(await allDays(world, OTHER_ACCOUNT, OTHER_COMPANY)).toEqual([]);
    expect(await entriesOf(world, OTHER_ACCOUNT, '2026-01-12', '2026-01-12', OTHER_COMPANY)).toEqual([]);
  });
});

describe('a statement day that never arrives', () => {
  let world: StatementWorld;
  let admin: Caller;
  let connectionId: string;
  // The bank's agreement leaves statements out for this account, though the company turns retrieval on:
  // every request is refused and the days stay missing.
  const REFUSED_ACCOUNT = NO_STATEMENTS_ACCOUNT;

  beforeAll(async () => {
    // Monday 2026-03-02 06:00 Tallinn. The synthesized defaults apply: a 31-day window, notified after 3 requests.
    world = await startStatementWorld('2026-03-02T04:00:00Z');
    admin = world.caller({
      userId: 'mari',
      companyId: COMPANY,
      personalCode: '38001010001',
      roles: ['admin'],
    });
    ({ connectionId } = await onboardAccounts(admin, DEMO_END_USER.registryCode, [
      { iban: REFUSED_ACCOUNT, statementRetrieval: true },
    ]));
  });

  afterAll(async () => {
    await world?.close();
  });

  it('is asked for again each morning and notified as missing once, after the configured number of attempts', async () => {
    const requestLog = new DynamoStatementRequestLog(world.table.client, world.table.tableName);
    const missing = () =>
      world.runtime.notifier.sent.filter((n) => n.type === 'statement_missing').map((n) => n.eventId);
    const idOf = (date: string) => `statement-missing:${REFUSED_ACCOUNT}:${date}`;
    const attempts = async (date: string) =>
      (await requestLog.records(COMPANY, REFUSED_ACCOUNT, date, date)).get(date)?.attempts;
    /** The days from..to (inclusive). */
    const span = (from: string, to: string) => {
      const out: string[] = [];
      for (
        let d = new Date(`${from}T00:00:00Z`);
        d <= new Date(`${to}T00:00:00Z`);
        d.setUTCDate(d.getUTCDate() + 1)
      )
        out.push(d.toISOString().slice(0, 10));
      return out;
    };

    // Monday: 1st request for the window 30 Jan..Sun 1 Mar (refused); a retried run the same morning does not count again.
    world.at('2026-03-02', '06:00');
    const monday = world.mark();
    await daily(world);
    await daily(world);
    const asked = world.statementRequests(monday);
    expect(asked[0]).toMatchObject({ iban: REFUSED_ACCOUNT, fromDate: '2026-01-30', toDate: '2026-03-01' });
    // The bank refuses: statements are not part of the agreement for this account.
    expect(asked.map((r) => [r.outcome, r.code])).toEqual([
      [403, 'SERVICE_NOT_PERMITTED'],
      [403, 'SERVICE_NOT_PERMITTED'],
    ]);
    expect(await attempts('2026-03-01')).toBe(1);
    // Tuesday: 2nd request; nothing notified yet.
    world.at('2026-03-03', '06:00');
    await daily(world);
    expect(await attempts('2026-03-01')).toBe(2);
    // Wednesday: 3rd request; still nothing notified (notified only after 3 requests have failed).
    world.at('2026-03-04', '06:00');
    expect(await daily(world)).toMatchObject({ notified: 0 });
    expect(await attempts('2026-03-01')).toBe(3);
    expect(missing()).toEqual([]);
    // Thursday: every day still in the window that was asked for 3 times (2 Feb..Sun 1 Mar) is notified; a
    // second run that morning sends nothing more.
    world.at('2026-03-05', '06:00');
    await daily(world);
    await daily(world);
    const thursday = span('2026-02-02', '2026-03-01').map(idOf);
    expect(missing()).toEqual(thursday);
    // Friday: Monday 2 March's turn (asked Tue, Wed, Thu); the days notified before are not notified again.
    world.at('2026-03-06', '06:00');
    await daily(world);
    await daily(world);
    expect(missing()).toEqual([...thursday, idOf('2026-03-02')]);
    const notification = world.runtime.notifier.sent.find((n) => n.eventId === idOf('2026-03-01'));
    expect(notification).toMatchObject({ companyId: COMPANY, severity: 'warning' });
    expect(notification?.emailBody).toContain('after 3 requests');
    expect(await attempts('2026-03-01')).toBe(5);
  });

  it('never asks again once statement retrieval is turned off or the connection is revoked', async () => {
    await selectAccounts(admin, connectionId, [{ iban: REFUSED_ACCOUNT, statementRetrieval: false }]);
    world.at('2026-03-07', '06:00');
    let since = world.mark();
    expect(await daily(world)).toMatchObject({ accounts: 0, requests: 0 });
    expect(world.statementRequests(since)).toEqual([]);

    // On again, then revoked: off the list as well.
    await selectAccounts(admin, connectionId, [{ iban: REFUSED_ACCOUNT, statementRetrieval: true }]);
    world.at('2026-03-08', '06:00');
    since = world.mark();
    expect(await daily(world)).toMatchObject({ accounts: 1, requests: 1 });
    expect(world.statementRequests(since)).toHaveLength(1);
    const revoked = await admin.call('POST', `/v1/connections/${connectionId}/revoke`);
    expect(revoked.status).toBe(200);
    world.at('2026-03-09', '06:00');
    since = world.mark();
    expect(await daily(world)).toMatchObject({ accounts: 0, requests: 0 });
    expect(world.statementRequests(since)).toEqual([]);
  });
});
