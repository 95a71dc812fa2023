// Daily statements end to end: the real daily request use case and camt.053/camt.054 processors, DynamoDB
// Local, and the bank simulator over HTTPS + mTLS (manual clock). Each test names the guarantee it checks.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '#infra/local/bank-simulator/clock.ts';
import { estonianIban } from '#infra/local/bank-simulator/seed.ts';
import { OutboxNotifier } from '#infra/local/notification-outbox.ts';
import {
  DynamoBankAccountRepository,
  DynamoConnectionRepository,
} from '#shared/adapters/dynamodb/connection-repository.ts';
import { DynamoStatementRepository } from '#shared/adapters/dynamodb/misc-repositories.ts';
import { DynamoNotificationLog } from '#shared/adapters/dynamodb/notification-log.ts';
import { DynamoPaymentBatchRepository } from '#shared/adapters/dynamodb/payment-batch-repository.ts';
import { dynamoStatementAdapters } from '#shared/adapters/dynamodb/statement-work-repositories.ts';
import type { BankMessageProcessor } from '#shared/app/bank-messages.ts';
import type { DomainEvent, EventPublisher } from '#shared/app/events.ts';
import type { AuditEvent, StoredBankAccount, StoredConnection, StoredPayment } from '#shared/app/ports.ts';
import {
  RepositoryPaymentBookings,
  requestDailyStatements,
  type StatementDependencies,
  StatementRefusedError,
  type StatementSettings,
  statementProcessors,
} from '#shared/app/statements/index.ts';
import type { BankGateway, BankMessage, StatementRequest } from '#shared/bank/bank-gateway.ts';
import { tallinnInstant } from '#shared/domain/calendar.ts';
import { endToEndIdFor } from '#shared/domain/payment.ts';
import type { StatementDay } from '#shared/domain/statement.ts';
import { buildCamt053 } from '#shared/iso20022/index.ts';
import {
  batch,
  DEMO_ACCOUNT,
  DEMO_END_USER,
  EXTERNAL_CREDITOR,
  type Harness,
  NO_STATEMENTS_ACCOUNT,
  startHarness,
} from '../contract/bank-harness.ts';
import { isolatedTable } from '../support/dynamodb.ts';

const COMPANY = 'company-stm';
const OTHER_COMPANY = 'company-other';
const OTHER_END_USER = { registryCode: '87654321', country: 'EE' } as const;
const OTHER_ACCOUNT = estonianIban(1000101);

/** The real gateway, with every statement request it made remembered (what reached the bank is asserted too). */
function recording(gateway: BankGateway) {
  const requests: StatementRequest[] = [];
  const recorder: BankGateway = Object.create(gateway) as BankGateway;
  recorder.requestStatement = (request) => {
    requests.push(request);
    return gateway.requestStatement(request);
  };
  return { gateway: recorder, requests };
}

class RecordingPublisher implements EventPublisher {
  readonly events: DomainEvent[] = [];
  async publish(events: readonly DomainEvent[]): Promise<void> {
    this.events.push(...events);
  }
  ofType<T extends DomainEvent['type']>(type: T) {
    return this.events.filter((event): event is Extract<DomainEvent, { type: T }> => event.type === type);
  }
}

const audit = (companyId: string, entityId: string): AuditEvent => ({
  companyId,
  eventId: `audit-${entityId}-${Math.random().toString(36).slice(2)}`,
  at: '2026-01-01T00:00:00.000Z',
  actor: { type: 'system', name: 'test' },
  entityType: 'Connection',
  entityId,
  action: 'TestSetup',
});

function account(companyId: string, iban: string): StoredBankAccount {
  return {
    companyId,
    accountId: iban,
    iban,
    bankId: 'coop-pank',
    currency: 'EUR',
    permissions: { paymentInitiation: false, statementRetrieval: false },
    version: 1,
    createdAt: '2026-01-01T00:00:00.000Z',
    createdBy: 'user-1',
    updatedAt: '2026-01-01T00:00:00.000Z',
  };
}

/** A company with an active connection selecting the given accounts (permissions as given). */
async function connectCompany(
  deps: { accounts: DynamoBankAccountRepository; connections: DynamoConnectionRepository },
  companyId: string,
  endUser: { registryCode: string; country: string },
  accounts: Array<{ iban: string; statementRetrieval: boolean }>,
) {
  for (const each of accounts) {
    await deps.accounts.add(account(companyId, each.iban), audit(companyId, each.iban));
  }
  const connection: StoredConnection = {
    companyId,
    connectionId: `conn-${companyId}`,
    bankId: 'coop-pank',
    registryCode: endUser.registryCode,
    country: endUser.country,
    status: 'accounts_selected',
    version: 1,
    representationConfirmations: [],
    accountIds: accounts.map((each) => each.iban),
    createdAt: '2026-01-01T00:00:00.000Z',
    createdBy: 'user-1',
    updatedAt: '2026-01-01T00:00:00.000Z',
  };
  await deps.connections.create(connection, audit(companyId, connection.connectionId));
  await deps.connections.save(
    { ...connection, status: 'active', version: 2 },
    1,
    audit(companyId, connection.connectionId),
    {
      accountChanges: accounts.map((each) => ({
        accountId: each.iban,
        permissions: { paymentInitiation: true, statementRetrieval: each.statementRetrieval },
        connectionId: connection.connectionId,
      })),
    },
  );
}

interface World {
  h: Harness;
  clock: ManualClock;
  deps: StatementDependencies;
  requests: StatementRequest[];
  events: RecordingPublisher;
  outbox: OutboxNotifier;
  processors: BankMessageProcessor[];
  batches: DynamoPaymentBatchRepository;
  statements: DynamoStatementRepository;
  companies: Map<string, string>;
  /** Processes (and acknowledges) queued messages; `limit` stops early, to look between messages. */
  processQueue(limit?: number): Promise<string[]>;
  /** Moves the bank's and our clock to a Tallinn wall-clock time. */
  at(date: string, time: string): void;
  close(): Promise<void>;
}

async function createWorld(start: string, settings: Partial<StatementSettings> = {}): Promise<World> {
  const table = await isolatedTable();
  const clock = new ManualClock(start);
  const h = await startHarness({ clock, settings: { signing: 'auto' } });
  const { gateway, requests } = recording(h.gateway);
  const events = new RecordingPublisher();
  const outbox = new OutboxNotifier({ print: () => {} });
  const accounts = new DynamoBankAccountRepository(table.client, table.tableName);
  const connections = new DynamoConnectionRepository(table.client, table.tableName);
  const statements = new DynamoStatementRepository(table.client, table.tableName);
  const batches = new DynamoPaymentBatchRepository(table.client, table.tableName);
  const deps: StatementDependencies = {
    accounts,
    connections,
    statements,
    ...dynamoStatementAdapters(table.client, table.tableName),
    paymentBookings: new RepositoryPaymentBookings(batches),
    bank: gateway,
    events,
    notifier: outbox,
    notificationLog: new DynamoNotificationLog(table.client, table.tableName, () => clock.now()),
    clock,
    settings,
  };
  const processors = statementProcessors(deps);
  const companies = new Map<string, string>();
  const world: World = {
    h,
    clock,
    deps,
    requests,
    events,
    outbox,
    processors,
    batches,
    statements,
    companies,
    async processQueue(limit = 200) {
      const summaries: string[] = [];
      for (let i = 0; i < limit; i++) {
        const message: BankMessage | undefined = await h.gateway.nextMessage();
        if (!message) break;
        const processor = processors.find((candidate) => candidate.type === message.type);
        if (processor) {
          const outcome = await processor.process(message, {
            bankMessageId: message.responseId,
            receivedAt: clock.now().toISOString(),
            companyId: message.endUser ? companies.get(message.endUser.registryCode) : undefined,
            endUser: message.endUser,
          });
          summaries.push(outcome.summary);
        }
        await h.gateway.acknowledge(message.responseId);
      }
      return summaries;
    },
    at(date, time) {
      h.simulator.advanceTime(tallinnInstant(date, time).getTime() - clock.now().getTime());
    },
    close: () => h.close(),
  };
  return world;
}

async function allDays(world: World, iban: string, companyId = COMPANY): Promise<StatementDay[]> {
  return (await world.statements.listDays(companyId, iban, {}, { limit: 500 })).items;
}

async function entriesOf(world: World, iban: string, from: string, to = from, companyId = COMPANY) {
  return (await world.statements.listEntries(companyId, iban, { from, to }, { limit: 500 })).items;
}

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

async function storeSettledPayment(
  world: World,
  companyId: string,
  batchId: string,
  endToEndId: string,
  minor: number,
) {
  await world.batches.createDraft(
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
    { ...audit(companyId, batchId), entityType: 'PaymentBatch' },
  );
}

/** A camt.053 written by the test (for what the simulator never produces), as the collector would get it. */
function camt053Message(
  responseId: string,
  statement: Parameters<typeof buildCamt053>[0]['statements'][number],
  options: { withoutBankReferences?: boolean } = {},
): BankMessage {
  const built = buildCamt053({
    messageId: responseId,
    createdAt: '2026-03-26T10:00:00+02:00',
    statements: [statement],
  });
  let body = typeof built === 'string' ? built : built.xml;
  if (options.withoutBankReferences) body = body.replaceAll(/<AcctSvcrRef>[^<]*<\/AcctSvcrRef>/g, '');
  return { responseId, type: 'camt.053', body, endUser: DEMO_END_USER };
}

describe('daily statements against the bank simulator', () => {
  let world: World;

  beforeAll(async () => {
    // Thursday 2026-03-26 10:00 Tallinn: a business day, three days before the clocks go forward.
    world = await createWorld('2026-03-26T08:00:00Z');
    world.companies.set(DEMO_END_USER.registryCode, COMPANY);
    world.companies.set(OTHER_END_USER.registryCode, OTHER_COMPANY);
    const repositories = { accounts: world.deps.accounts, connections: world.deps.connections } as {
      accounts: DynamoBankAccountRepository;
      connections: DynamoConnectionRepository;
    };
    await connectCompany(repositories, COMPANY, DEMO_END_USER, [
      { iban: DEMO_ACCOUNT, statementRetrieval: true },
      { iban: NO_STATEMENTS_ACCOUNT, statementRetrieval: false },
    ]);
    await connectCompany(repositories, OTHER_COMPANY, OTHER_END_USER, [
      { iban: OTHER_ACCOUNT, statementRetrieval: false },
    ]);
    await world.processQueue();
  });

  afterAll(async () => {
    await world?.close();
  });

  it('asks for the previous day and the 31-day backfill in one request, never for accounts without statement retrieval', async () => {
    const outcome = await requestDailyStatements(world.deps);

    expect(world.requests).toEqual([
      expect.objectContaining({
        iban: DEMO_ACCOUNT,
        fromDate: '2026-02-23',
        toDate: '2026-03-25',
        endUser: DEMO_END_USER,
      }),
    ]);
    expect(world.requests[0]?.messageId.length).toBeLessThanOrEqual(35);
    expect(outcome.accounts.map((each) => each.iban)).toEqual([DEMO_ACCOUNT]);
    // Nothing about the other accounts reached the bank (it would have refused NO_STATEMENTS_ACCOUNT).
    const statementCalls = world.h.simulator.bank.received().filter((r) => r.route === 'account-statement');
    expect(statementCalls).toHaveLength(1);
    expect(statementCalls[0]?.outcome).toBe(202);

    await world.processQueue();
    const days = await allDays(world, DEMO_ACCOUNT);
    expect(days).toHaveLength(31);
    expect(days.every((day) => day.completeness === 'complete')).toBe(true);
    expect(days[0]?.date).toBe('2026-02-23');
    expect(days.at(-1)?.date).toBe('2026-03-25');
    expect(await allDays(world, NO_STATEMENTS_ACCOUNT)).toEqual([]);

    // The same morning again: every day is there, nothing is asked.
    world.requests.length = 0;
    await requestDailyStatements(world.deps);
    expect(world.requests).toEqual([]);
  });

  it('publishes an incoming payment with an Estonian reference once, from the notification, not again from the statement or a re-delivery', async () => {
    world.h.simulator.addIncomingPayment({
      iban: DEMO_ACCOUNT,
      amountMinor: 125_00,
      debtorName: 'Mari Kask',
      debtorIban: 'EE382200221020145685',
      reference: '1232',
    });
    await world.processQueue();
    const incoming = world.events.ofType('IncomingPaymentReceived');
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
  });

  it('links a debit entry to our payment by end-to-end id (settled → booked), within the company only', async () => {
    const ours = endToEndIdFor('batch-ours', 1);
    const theirs = endToEndIdFor('batch-theirs', 1);
    await storeSettledPayment(world, COMPANY, 'batch-ours', ours, 480_50);
    // Another company's payment: a debit on our account naming it must never touch it.
    await storeSettledPayment(world, OTHER_COMPANY, 'batch-theirs', theirs, 20_00);
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
    await world.h.gateway.submitPayments({ endUser: DEMO_END_USER, batch: submission });
    await world.processQueue();

    const booked = await world.batches.getPayment(COMPANY, 'batch-ours', '00001');
    expect(booked).toMatchObject({ status: 'booked', version: 4 });
    expect(booked?.statusHistory.at(-1)).toMatchObject({ status: 'booked' });
    expect(await world.batches.getPayment(OTHER_COMPANY, 'batch-theirs', '00001')).toMatchObject({
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
    expect(world.events.ofType('PaymentStatusChanged')).toEqual([
      expect.objectContaining({
        companyId: COMPANY,
        detail: expect.objectContaining({ batchId: 'batch-ours', from: 'settled', to: 'booked' }),
      }),
    ]);
  });

  it("stores the next morning's statement without doubling the notified entries, and a duplicate delivery stores nothing new", async () => {
    world.at('2026-03-27', '06:00');
    world.requests.length = 0;
    world.h.simulator.bank.queue.duplicateNext(1); // the statement is delivered twice
    await requestDailyStatements(world.deps);
    expect(world.requests.map((r) => [r.fromDate, r.toDate])).toEqual([['2026-03-26', '2026-03-26']]);

    const summaries = await world.processQueue();
    expect(summaries.filter((s) => s.startsWith('camt.053'))).toEqual([
      expect.stringContaining('3 entries (0 new)'),
      expect.stringContaining('3 entries (0 new)'),
    ]);
    const entries = await entriesOf(world, DEMO_ACCOUNT, '2026-03-26');
    expect(entries).toHaveLength(3);
    const [day] = (
      await world.statements.listDays(
        COMPANY,
        DEMO_ACCOUNT,
        { from: '2026-03-26', to: '2026-03-26' },
        { limit: 1 },
      )
    ).items;
    expect(day).toMatchObject({ entryCount: 3, completeness: 'complete' });
    expect(day?.closingBalance.minor).toBe((day?.openingBalance.minor ?? 0) + 125_00 - 480_50 - 20_00);
    expect(world.events.ofType('IncomingPaymentReceived')).toHaveLength(1);
    expect(world.events.ofType('PaymentStatusChanged')).toHaveLength(1);
  });

  it('puts the entries of the day the clocks go forward (last Sunday of March) on that Tallinn day', async () => {
    // 00:30 in Tallinn on Sunday 2026-03-29 is still Saturday in UTC.
    world.at('2026-03-29', '00:30');
    world.h.simulator.addIncomingPayment({
      iban: DEMO_ACCOUNT,
      amountMinor: 10_00,
      debtorName: 'Kalju Tamm',
      reference: '1232',
    });
    await world.processQueue();
    // 01:30 on Monday in Tallinn (UTC+3 now) is still Sunday in UTC: the previous Tallinn day is Sunday.
    world.at('2026-03-30', '01:30');
    world.requests.length = 0;
    await requestDailyStatements(world.deps);
    expect(world.requests.map((r) => [r.fromDate, r.toDate])).toEqual([['2026-03-27', '2026-03-29']]);
    await world.processQueue();

    const sunday = await entriesOf(world, DEMO_ACCOUNT, '2026-03-29');
    expect(sunday).toHaveLength(1);
    expect(sunday[0]).toMatchObject({ bookingDate: '2026-03-29', amount: { minor: 10_00 } });
    expect(await entriesOf(world, DEMO_ACCOUNT, '2026-03-28')).toEqual([]);
    const days = await world.statements.listDays(
      COMPANY,
      DEMO_ACCOUNT,
      { from: '2026-03-27', to: '2026-03-30' },
      { limit: 10 },
    );
    expect(days.items.map((d) => [d.date, d.completeness, d.entryCount])).toEqual([
      ['2026-03-27', 'complete', 0],
      ['2026-03-28', 'complete', 0],
      ['2026-03-29', 'complete', 1],
    ]);
  });

  it('marks a day whose previous day is missing as a gap, asks for the gap again, and completes both when it arrives', async () => {
    world.at('2026-03-31', '10:00');
    world.h.simulator.addIncomingPayment({
      iban: DEMO_ACCOUNT,
      amountMinor: 77_00,
      debtorName: 'Põhjala Ehitus AS',
    });
    world.at('2026-04-02', '06:00');
    await world.processQueue();
    // The bank delivers 1 April while 30 and 31 March never arrived (a lost message).
    await world.h.gateway.requestStatement({
      endUser: DEMO_END_USER,
      messageId: 'TEST-ONLY-0401',
      iban: DEMO_ACCOUNT,
      fromDate: '2026-04-01',
      toDate: '2026-04-01',
    });
    world.requests.length = 0;
    await world.processQueue(1);
    const [april1] = (
      await world.statements.listDays(
        COMPANY,
        DEMO_ACCOUNT,
        { from: '2026-04-01', to: '2026-04-01' },
        { limit: 1 },
      )
    ).items;
    expect(april1?.completeness).toBe('gap_before');
    // The processor asked for the gap (and the gapped day) again.
    expect(world.requests.map((r) => [r.fromDate, r.toDate])).toEqual([['2026-03-30', '2026-04-01']]);

    await world.processQueue();
    const days = await world.statements.listDays(
      COMPANY,
      DEMO_ACCOUNT,
      { from: '2026-03-29', to: '2026-04-01' },
      { limit: 10 },
    );
    expect(days.items.map((d) => [d.date, d.completeness])).toEqual([
      ['2026-03-29', 'complete'],
      ['2026-03-30', 'complete'],
      ['2026-03-31', 'complete'],
      ['2026-04-01', 'complete'],
    ]);
    const march31 = days.items.find((d) => d.date === '2026-03-31');
    expect(march31?.closingBalance.minor).toBe((march31?.openingBalance.minor ?? 0) + 77_00);
  });

  it('keeps two identical legitimate entries (no bank reference) once each, and re-processing stores nothing new', async () => {
    const processor = world.processors.find((p) => p.type === 'camt.053') as BankMessageProcessor;
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
    const message = camt053Message(
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
    const context = {
      bankMessageId: 'TEST-TWINS',
      receivedAt: '2026-01-13T06:00:00.000Z',
      companyId: COMPANY,
    };
    const before = world.events.ofType('IncomingPaymentReceived').length;

    expect((await processor.process(message, context)).summary).toContain('2 entries (2 new)');
    const entries = await entriesOf(world, DEMO_ACCOUNT, '2026-01-12');
    expect(entries.map((e) => e.occurrence)).toEqual([1, 2]);
    expect(new Set(entries.map((e) => e.bankReference)).size).toBe(1);
    expect(world.events.ofType('IncomingPaymentReceived').length - before).toBe(2);

    expect(
      (await processor.process(message, { ...context, bankMessageId: 'TEST-TWINS-AGAIN' })).summary,
    ).toContain('2 entries (0 new)');
    expect(await entriesOf(world, DEMO_ACCOUNT, '2026-01-12')).toHaveLength(2);
    expect(world.events.ofType('IncomingPaymentReceived').length - before).toBe(2);
    const [day] = (
      await world.statements.listDays(
        COMPANY,
        DEMO_ACCOUNT,
        { from: '2026-01-12', to: '2026-01-12' },
        { limit: 1 },
      )
    ).items;
    expect(day).toMatchObject({ entryCount: 2, completeness: 'complete' });
  });

  it('puts entries with UTC timestamps on the Tallinn day when the clocks go back (last Sunday of October)', async () => {
    const processor = world.processors.find((p) => p.type === 'camt.053') as BankMessageProcessor;
    const entry = (id: string, bookedAt: string, minor: number) => ({
      amount: { minor, currency: 'EUR' },
      creditDebit: 'CRDT' as const,
      status: 'BOOK' as const,
      bookingDate: bookedAt,
      accountServicerReference: id,
      transactions: [{ debtor: { name: 'Mari Kask' } }],
    });
    const message = camt053Message('TEST-OCT-DST', {
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
    await processor.process(message, {
      bankMessageId: 'TEST-OCT-DST',
      receivedAt: '2026-10-26T04:00:00.000Z',
      companyId: COMPANY,
    });

    const entries = await entriesOf(world, DEMO_ACCOUNT, '2026-10-24', '2026-10-26');
    expect(entries.map((e) => [e.bankReference, e.bookingDate])).toEqual([
      ['OCT-EARLY', '2026-10-25'],
      ['OCT-LATE', '2026-10-25'],
    ]);
    const days = await world.statements.listDays(
      COMPANY,
      DEMO_ACCOUNT,
      { from: '2026-10-24', to: '2026-10-26' },
      { limit: 5 },
    );
    expect(days.items.map((d) => [d.date, d.entryCount])).toEqual([['2026-10-25', 2]]);
  });

  it("refuses (to quarantine) a statement of an account that is not the company's, storing nothing", async () => {
    const processor = world.processors.find((p) => p.type === 'camt.053') as BankMessageProcessor;
    const message = camt053Message('TEST-FOREIGN', {
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
    const error = await processor
      .process(message, {
        bankMessageId: 'TEST-FOREIGN',
        receivedAt: '2026-01-13T06:00:00.000Z',
        companyId: COMPANY,
      })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(StatementRefusedError);
    expect(error).toMatchObject({ quarantine: true });
    expect(await allDays(world, OTHER_ACCOUNT)).toEqual([]);
    expect(await allDays(world, OTHER_ACCOUNT, OTHER_COMPANY)).toEqual([]);
    expect(await entriesOf(world, OTHER_ACCOUNT, '2026-01-12', '2026-01-12', OTHER_COMPANY)).toEqual([]);
  });
});

describe('a statement day that never arrives', () => {
  let world: World;
  const REFUSED_ACCOUNT = estonianIban(1000301);
  const endUser = { registryCode: '55667788', country: 'EE' };

  beforeAll(async () => {
    world = await createWorld('2026-03-02T04:00:00Z', { backfillDays: 3, notifyAfterAttempts: 2 });
    // The bank's agreement leaves statements out for the account, though the company turned retrieval on:
    // every request is refused and the days stay missing.
    world.h.simulator.addEndUser({
      registryCode: endUser.registryCode,
      name: 'Kadunud Väljavõte OÜ',
      accounts: [{ iban: REFUSED_ACCOUNT, balanceMinor: 100_00, statements: false }],
    });
    world.companies.set(endUser.registryCode, COMPANY);
    await connectCompany(
      { accounts: world.deps.accounts, connections: world.deps.connections } as never,
      COMPANY,
      endUser,
      [{ iban: REFUSED_ACCOUNT, statementRetrieval: true }],
    );
  });

  afterAll(async () => {
    await world?.close();
  });

  it('is asked for again each morning and notified as missing once, after the configured number of attempts', async () => {
    const missing = () =>
      world.outbox.sent.filter((n) => n.type === 'statement_missing').map((n) => n.eventId);
    const attempts = async (date: string) =>
      (await world.deps.statementRequests.records(COMPANY, REFUSED_ACCOUNT, date, date)).get(date)?.attempts;

    // Monday: 1st request for Fri..Sun; a retried run the same morning does not count again.
    world.at('2026-03-02', '06:00');
    await requestDailyStatements(world.deps);
    await requestDailyStatements(world.deps);
    expect(await attempts('2026-03-01')).toBe(1);
    // Tuesday: 2nd request for Sat, Sun; nothing notified yet.
    world.at('2026-03-03', '06:00');
    await requestDailyStatements(world.deps);
    expect(await attempts('2026-03-01')).toBe(2);
    expect(missing()).toEqual([]);
    // Wednesday: Sunday stayed missing after 2 requests → notified; a second run that morning sends nothing more.
    world.at('2026-03-04', '06:00');
    await requestDailyStatements(world.deps);
    await requestDailyStatements(world.deps);
    expect(missing()).toEqual([`statement-missing:${REFUSED_ACCOUNT}:2026-03-01`]);
    // Thursday: Monday's turn; Sunday is not notified again.
    world.at('2026-03-05', '06:00');
    await requestDailyStatements(world.deps);
    await requestDailyStatements(world.deps);
    expect(missing()).toEqual([
      `statement-missing:${REFUSED_ACCOUNT}:2026-03-01`,
      `statement-missing:${REFUSED_ACCOUNT}:2026-03-02`,
    ]);
    const [notification] = world.outbox.sent;
    expect(notification).toMatchObject({ companyId: COMPANY, severity: 'warning' });
    expect(notification?.emailBody).toContain('after 2 requests');
    expect(await attempts('2026-03-01')).toBe(3);
  });

  it('never asks again once statement retrieval is turned off or the connection is revoked', async () => {
    const connection = await world.deps.connections.get(COMPANY, `conn-${COMPANY}`);
    if (!connection) throw new Error('no connection');
    await world.deps.connections.save(
      { ...connection, version: connection.version + 1 },
      connection.version,
      audit(COMPANY, connection.connectionId),
      {
        accountChanges: [
          {
            accountId: REFUSED_ACCOUNT,
            permissions: { paymentInitiation: true, statementRetrieval: false },
            connectionId: connection.connectionId,
          },
        ],
      },
    );
    world.requests.length = 0;
    world.at('2026-03-06', '06:00');
    expect((await requestDailyStatements(world.deps)).accounts).toEqual([]);
    expect(world.requests).toEqual([]);

    // On again, then revoked: off the list as well.
    const reread = await world.deps.connections.get(COMPANY, `conn-${COMPANY}`);
    if (!reread) throw new Error('no connection');
    await world.deps.connections.save(
      { ...reread, version: reread.version + 1 },
      reread.version,
      audit(COMPANY, reread.connectionId),
      {
        accountChanges: [
          {
            accountId: REFUSED_ACCOUNT,
            permissions: { paymentInitiation: true, statementRetrieval: true },
            connectionId: reread.connectionId,
          },
        ],
      },
    );
    world.at('2026-03-07', '06:00');
    expect((await requestDailyStatements(world.deps)).accounts).toHaveLength(1);
    const active = await world.deps.connections.get(COMPANY, `conn-${COMPANY}`);
    if (!active) throw new Error('no connection');
    await world.deps.connections.save(
      { ...active, status: 'revoked', version: active.version + 1 },
      active.version,
      audit(COMPANY, active.connectionId),
      {
        accountChanges: [
          {
            accountId: REFUSED_ACCOUNT,
            permissions: { paymentInitiation: false, statementRetrieval: false },
            connectionId: undefined,
          },
        ],
        releaseBankSlot: true,
      },
    );
    world.requests.length = 0;
    world.at('2026-03-08', '06:00');
    expect((await requestDailyStatements(world.deps)).accounts).toEqual([]);
    expect(world.requests).toEqual([]);
  });
});
