import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { isValidEstonianReference } from '#shared/domain/reference.ts';
import { parseCamt052, parseCamt053, parseCamt054, parsePain002 } from '#shared/iso20022/index.ts';
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

describe('statements, balances and notifications', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ settings: { signing: 'auto' } });
  });
  afterAll(async () => {
    await h.close();
  });

  it('builds a consistent camt.053 from the ledger, with incoming payments carrying Estonian references', async () => {
    // Monday: an outgoing payment and two incoming ones; Tuesday: one incoming.
    await h.gateway.submitPayments({
      endUser: DEMO_END_USER,
      batch: batch([{ iban: EXTERNAL_CREDITOR, minor: 1_000_00 }]),
    });
    const generated = h.simulator.generateIncomingPayments(2, [DEMO_ACCOUNT]);
    expect(generated.every((entry) => isValidEstonianReference(entry.creditorReference ?? ''))).toBe(true);
    h.simulator.advanceTime(86_400_000);
    h.simulator.addIncomingPayment({
      iban: DEMO_ACCOUNT,
      amountMinor: 55_00,
      debtorName: 'Mari Kask',
      reference: '1232',
    });
    h.simulator.advanceTime(86_400_000); // now Wednesday: Monday and Tuesday are complete days
    await drain(h.gateway);

    const receipt = await h.gateway.requestStatement({
      endUser: DEMO_END_USER,
      messageId: 'STM-DEMO-0302-0303',
      iban: DEMO_ACCOUNT,
      fromDate: '2026-03-02',
      toDate: '2026-03-03',
    });
    expect(receipt.outcome).toBe('accepted');
    const message = await h.gateway.nextMessage({ type: 'camt.053' });
    expect(message).toMatchObject({ type: 'camt.053', requestId: receipt.requestId, endUser: DEMO_END_USER });
    const statement = parseCamt053(message?.body ?? '');
    expect(statement.findings).toEqual([]);
    const [monday, tuesday] = statement.statements;
    const balance = (s: typeof monday, type: string) => s?.balances.find((b) => b.type === type)?.signedMinor;
    expect(monday?.entries).toHaveLength(3);
    expect(balance(monday, 'OPBD')).toBe(25_000_00);
    const mondayNet = (monday?.entries ?? []).reduce((sum, e) => sum + e.signedMinor, 0);
    expect(balance(monday, 'CLBD')).toBe(25_000_00 + mondayNet);
    expect(balance(tuesday, 'OPBD')).toBe(balance(monday, 'CLBD'));
    expect(balance(tuesday, 'CLBD')).toBe((balance(monday, 'CLBD') ?? 0) + 55_00);
    expect(tuesday?.entries[0]?.transactions[0]?.remittance.structured).toEqual(['1232']);
    await h.gateway.acknowledge(message?.responseId ?? '');
  });

  it('refuses an intraday statement and a repeated request id', async () => {
    const today = {
      endUser: DEMO_END_USER,
      iban: DEMO_ACCOUNT,
      fromDate: '2026-03-04',
      toDate: '2026-03-04',
    };
    await expect(h.gateway.requestStatement({ ...today, messageId: 'STM-TODAY' })).rejects.toMatchObject({
      name: 'BankRequestRejectedError',
      bankErrorCode: 'STATEMENT_PERIOD_INVALID',
    });
    const yesterday = { ...today, fromDate: '2026-03-03', toDate: '2026-03-03', messageId: 'STM-ONCE' };
    await h.gateway.requestStatement(yesterday);
    await expect(h.gateway.requestStatement(yesterday)).rejects.toMatchObject({
      name: 'BankDuplicateMessageError',
    });
    await drain(h.gateway);
  });

  it('answers a balance request with a camt.052 holding the booked and available balance', async () => {
    await h.gateway.requestBalance({ endUser: DEMO_END_USER, messageId: 'BAL-1', iban: DEMO_ACCOUNT });
    const message = await h.gateway.nextMessage({ type: 'camt.052' });
    const report = parseCamt052(message?.body ?? '');
    const booked = report.statements[0]?.balances.find((b) => b.type === 'ITBD');
    expect(booked?.signedMinor).toBe(h.simulator.bank.ledger.get(DEMO_ACCOUNT)?.balanceMinor);
    await h.gateway.acknowledge(message?.responseId ?? '');
  });

  it('sends a camt.054 for each booked transaction, to the account owner', async () => {
    await drain(h.gateway);
    await h.gateway.submitPayments({
      endUser: DEMO_END_USER,
      batch: batch([{ iban: COOP_CREDITOR, minor: 321 }]),
    });
    const notifications = await drain(h.gateway, { type: 'camt.054' });
    expect(notifications).toHaveLength(1); // the creditor account belongs to nobody the operator serves
    const entry = parseCamt054(notifications[0]?.body ?? '').statements[0]?.entries[0];
    expect(entry).toMatchObject({ creditDebit: 'DBIT', amount: { minor: 321, currency: 'EUR' } });
  });
});

describe('message queue', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h.close();
  });
  beforeEach(async () => {
    await drain(h.gateway);
    h.simulator.bank.queue.setDeliveryOrder('oldest-first');
  });

  it('redelivers the same message until it is acknowledged, then the next one', async () => {
    const payment = batch([{ iban: EXTERNAL_CREDITOR, minor: 1 }]);
    await h.gateway.submitPayments({ endUser: DEMO_END_USER, batch: payment });
    const first = await h.gateway.nextMessage();
    const again = await h.gateway.nextMessage();
    expect(again?.responseId).toBe(first?.responseId);
    expect(await h.gateway.getMessage(first?.responseId ?? '')).toMatchObject({
      responseId: first?.responseId,
    });
    await h.gateway.acknowledge(first?.responseId ?? '');
    expect(await h.gateway.getMessage(first?.responseId ?? '')).toBeUndefined();
    const second = await h.gateway.nextMessage();
    expect(second?.responseId).not.toBe(first?.responseId);
  });

  it('acknowledges a batch of messages in one call and reports the ones already gone', async () => {
    await h.gateway.submitPayments({
      endUser: DEMO_END_USER,
      batch: batch([{ iban: EXTERNAL_CREDITOR, minor: 1 }]),
    });
    const ids = h.simulator.bank.queue.pending().map((m) => m.responseId);
    expect(ids).toHaveLength(2);
    const results = await h.gateway.acknowledgeMany([...ids, 'MSG-UNKNOWN']);
    expect(results.map((r) => r.outcome)).toEqual(['acknowledged', 'acknowledged', 'already-gone']);
    expect(await h.gateway.nextMessage()).toBeUndefined();
  });

  it('delivers duplicates and out of order on demand', async () => {
    h.simulator.bank.queue.duplicateNext(1);
    const payment = batch([{ iban: EXTERNAL_CREDITOR, minor: 1 }]);
    await h.gateway.submitPayments({ endUser: DEMO_END_USER, batch: payment });
    h.simulator.bank.queue.setDeliveryOrder('newest-first');
    const messages = await drain(h.gateway);
    const statuses = messages.map((m) => parsePain002(m.body).groupStatus);
    expect(statuses).toEqual(['PDNG', 'ACTC', 'ACTC']); // newest first, the ACTC twice under two ids
    expect(new Set(messages.map((m) => m.responseId)).size).toBe(3);
    // an acknowledged message can come back under its old id (at-least-once delivery)
    h.simulator.bank.queue.redeliver(messages[0]?.responseId ?? '');
    expect((await h.gateway.nextMessage())?.responseId).toBe(messages[0]?.responseId);
  });

  it('filters by end user when the headers are sent', async () => {
    await h.gateway.submitPayments({
      endUser: DEMO_END_USER,
      batch: batch([{ iban: EXTERNAL_CREDITOR, minor: 1 }]),
    });
    expect(
      await h.gateway.nextMessage({ endUser: { registryCode: '87654321', country: 'EE' } }),
    ).toBeUndefined();
    expect(await h.gateway.nextMessage({ endUser: DEMO_END_USER })).toBeDefined();
  });
});

describe('scenario rules as data', () => {
  it('rejects, delays, never answers and duplicates as the rules say', async () => {
    const h = await startHarness({
      scenarios: [
        { match: { creditorName: { contains: 'fraud' } }, action: { type: 'reject', reasonCode: 'RR04' } },
        { match: { amountMinor: 777 }, action: { type: 'delay', ms: 3_600_000 } },
        { match: { endToEndId: { regex: '-SILENT-' } }, action: { type: 'never-answer' } },
        { match: { amountMinor: 888 }, action: { type: 'duplicate-messages', copies: 1 }, times: 1 },
      ],
      settings: { signing: 'auto' },
    });
    try {
      const rejected = batch([
        { iban: EXTERNAL_CREDITOR, minor: 10, name: 'Fraud Ltd' },
        { iban: EXTERNAL_CREDITOR, minor: 20 },
      ]);
      await h.gateway.submitPayments({ endUser: DEMO_END_USER, batch: rejected });
      const final = parsePain002(
        (await drain(h.gateway)).filter((m) => m.type === 'pain.002').at(-1)?.body ?? '',
      );
      expect(final.groupStatus).toBe('PART');
      expect(final.transactions[0]?.reasons[0]?.code).toBe('RR04');

      const delayed = batch([{ iban: EXTERNAL_CREDITOR, minor: 777 }]);
      await h.gateway.submitPayments({ endUser: DEMO_END_USER, batch: delayed });
      expect(
        (await drain(h.gateway, { type: 'pain.002' })).map((m) => parsePain002(m.body).groupStatus),
      ).toEqual(['ACTC', 'PDNG', 'ACSP']);
      h.simulator.advanceTime(3_600_000);
      expect(parsePain002((await drain(h.gateway, { type: 'pain.002' }))[0]?.body ?? '').groupStatus).toBe(
        'ACSC',
      );

      const silent = batch([{ iban: EXTERNAL_CREDITOR, minor: 5 }], { messageId: 'MSG-SILENT-1' });
      await h.gateway.submitPayments({ endUser: DEMO_END_USER, batch: silent });
      expect(
        (await drain(h.gateway, { type: 'pain.002' })).map((m) => parsePain002(m.body).groupStatus),
      ).toEqual(['ACTC']);

      const doubled = batch([{ iban: EXTERNAL_CREDITOR, minor: 888 }]);
      await h.gateway.submitPayments({ endUser: DEMO_END_USER, batch: doubled });
      expect(await drain(h.gateway, { type: 'pain.002' })).toHaveLength(6);
    } finally {
      await h.close();
    }
  });

  it('loads rules from a JSON file and refuses invalid ones', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const file = join(mkdtempSync(join(tmpdir(), 'scenarios-')), 'rules.json');
    writeFileSync(
      file,
      JSON.stringify({
        rules: [{ match: { messageId: 'MSG-X' }, action: { type: 'reject-message', reasonCode: 'FF01' } }],
      }),
    );
    const h = await startHarness({ scenarioFile: file });
    try {
      await h.gateway.submitPayments({
        endUser: DEMO_END_USER,
        batch: batch([{ iban: EXTERNAL_CREDITOR, minor: 1 }], { messageId: 'MSG-X' }),
      });
      const report = parsePain002((await drain(h.gateway))[0]?.body ?? '');
      expect(report).toMatchObject({ groupStatus: 'RJCT', groupReasons: [{ code: 'FF01' }] });
      expect(() =>
        h.simulator.addScenario({ action: { type: 'reject', reasonCode: 'nope' } } as never),
      ).toThrow();
    } finally {
      await h.close();
    }
  });
});

describe('configuration only: header names, paths and message versions', () => {
  it('runs the same flow with other end-user header names, paths and pain.001/.002 versions', async () => {
    const headers = {
      endUserCode: 'X-End-User-Registry-Code',
      endUserCountry: 'X-End-User-Country',
      responseType: 'X-Message-Type',
    };
    const paths = { payment: '/v2/payments', nextMessage: '/v2/inbox/next', message: '/v2/inbox/{id}' };
    const h = await startHarness(
      {
        settings: {
          headers,
          paths,
          basePath: '/gateway',
          pain002Version: 'pain.002.001.10',
          signing: 'auto',
          messageTypeHeaderValues: { 'pain.002': 'PAYMENT_STATUS' },
        },
      },
      {
        headers,
        paths,
        messageVersions: { pain001: 'pain.001.001.09' },
        messageTypeAliases: { PAYMENT_STATUS: 'pain.002' },
      },
    );
    try {
      const payment = batch([{ iban: EXTERNAL_CREDITOR, minor: 99 }]);
      const receipt = await h.gateway.submitPayments({ endUser: DEMO_END_USER, batch: payment });
      expect(receipt.version).toBe('pain.001.001.09');
      expect(h.simulator.bank.batch(payment.messageId)?.version).toBe('pain.001.001.09');
      const messages = await drain(h.gateway, { type: 'pain.002' });
      expect(messages.map((m) => [m.type, m.typeHeader])).toEqual([
        ['pain.002', 'PAYMENT_STATUS'],
        ['pain.002', 'PAYMENT_STATUS'],
        ['pain.002', 'PAYMENT_STATUS'],
      ]);
      const final = parsePain002(messages.at(-1)?.body ?? '');
      expect(final.version).toBe('pain.002.001.10');
      expect(final.groupStatus).toBe('ACSC');
      // and the default names no longer work against this bank
      const defaults = h.makeGateway({ headers: {}, paths: {} });
      await expect(
        defaults.submitPayments({
          endUser: DEMO_END_USER,
          batch: batch([{ iban: EXTERNAL_CREDITOR, minor: 1 }]),
        }),
      ).rejects.toMatchObject({
        status: 404,
      });
    } finally {
      await h.close();
    }
  });
});
