// Payment batches through the HTTP API: draft, summary, confirm (idempotency, permissions, duplicates,
// concurrency), cancel and status, against DynamoDB Local and the locally executed state machine.
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoredPayment } from '../../../shared/app/ports.ts';
import {
  type Caller,
  coopIbans,
  creditorIbans,
  onboard,
  paymentLine,
  reference,
  startApi,
  untilSubmitted,
} from './harness.ts';

type Batch = {
  id: string;
  status: string;
  paymentCount: number;
  totals: { amount: string; currency: string }[];
  code?: string;
  detail?: string;
  errors?: { path: string; message: string }[];
};

describe('payment batches', () => {
  let api: Awaited<ReturnType<typeof startApi>>;
  let payer: Caller;
  let viewer: Caller;
  let restricted: Caller;

  const countItems = async (companyId: string) => {
    const result = await api.table.client.send(
      new QueryCommand({
        TableName: api.table.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': `COMPANY#${companyId}` },
        Select: 'COUNT',
      }),
    );
    return result.Count ?? 0;
  };

  const createDraft = async (caller: Caller, payments: unknown[], debtorAccountId: string = coopIbans[0]) =>
    caller.call<Batch>('POST', '/v1/payment-batches', { debtorAccountId, payments });

  const confirm = (caller: Caller, id: string, key: string, body: unknown = {}) =>
    caller.call<Batch & { code?: string; detail?: string }>(
      'POST',
      `/v1/payment-batches/${id}/confirm`,
      body,
      { 'idempotency-key': key },
    );

  afterAll(() => api?.close());
  beforeAll(async () => {
    api = await startApi();
    payer = api.as({
      companyId: 'acme',
      userId: 'ann',
      personalCode: '38001010001',
      roles: ['admin', 'payer'],
    });
    viewer = api.as({ companyId: 'acme', userId: 'vic', roles: ['viewer'] });
    await onboard(payer, { iban: coopIbans[0] });
    // A second company whose account may only read statements.
    restricted = api.as({
      companyId: 'reader',
      userId: 'rita',
      personalCode: '38001010001',
      roles: ['admin', 'payer'],
    });
    await onboard(restricted, { iban: coopIbans[1], paymentInitiation: false });
  });

  it('stores a draft with totals in minor-unit-exact decimals and shows it', async () => {
    const created = await createDraft(payer, [
      paymentLine({ amount: '0.29' }),
      paymentLine({ amount: '1000000.01', creditorIban: creditorIbans[1] }),
      paymentLine({ amount: '12.5', sourceDocument: { type: 'expense_report', id: 'er-1' } }),
    ]);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ status: 'draft', paymentCount: 3 });
    expect(created.body.totals).toEqual([{ amount: '1000012.80', currency: 'EUR' }]);
    expect(created.headers.location).toBe(`/v1/payment-batches/${created.body.id}`);

    const shown = await payer.call<
      Batch & { payments: { items: { amount: string; status: string }[] }; timeline: { action: string }[] }
    >('GET', `/v1/payment-batches/${created.body.id}`);
    expect(shown.status).toBe(200);
    expect(shown.body.payments.items.map((p) => p.amount)).toEqual(['0.29', '1000000.01', '12.50']);
    expect(shown.body.timeline.map((event) => event.action)).toEqual(['PaymentBatchDrafted']);
  });

  it('refuses malformed lines with field paths and stores nothing', async () => {
    const before = await countItems('acme');
    const refused = await createDraft(payer, [
      paymentLine(),
      paymentLine({ amount: 12.5 }),
      paymentLine({ amount: '1.234' }),
      paymentLine({ sourceDocument: { type: 'invoice', id: 'x' } }),
    ]);
    expect(refused.status).toBe(400);
    expect(refused.headers['content-type']).toBe('application/problem+json');
    const paths = (refused.body.errors as { path: string }[]).map((issue) => issue.path);
    expect(paths).toEqual(['payments.1.amount', 'payments.2.amount', 'payments.3.sourceDocument.type']);
    expect(refused.raw).not.toMatch(/at \w+ \(|node_modules/);
    expect(await countItems('acme')).toBe(before);
  });

  it('refuses the same bill twice in one batch, naming the line', async () => {
    const line = paymentLine();
    const refused = await createDraft(payer, [line, paymentLine(), { ...line, amount: '1.00' }]);
    expect(refused.status).toBe(400);
    expect(refused.body.errors).toEqual([
      { path: 'payments.2.sourceDocument.id', message: 'same document as payments.0' },
    ]);
  });

  it('refuses a bill that sits in another open batch, and frees it when that batch is cancelled', async () => {
    const line = paymentLine();
    const first = await createDraft(payer, [line]);
    expect(first.status).toBe(201);
    const before = await countItems('acme');
    const second = await createDraft(payer, [paymentLine(), line]);
    expect(second.status).toBe(409);
    expect(second.body.code).toBe('source_document_in_open_batch');
    expect(second.body.detail).toContain(first.body.id);
    expect(await countItems('acme')).toBe(before);

    const cancelled = await payer.call<Batch>('POST', `/v1/payment-batches/${first.body.id}/cancel`);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.status).toBe('cancelled');
    expect((await createDraft(payer, [line])).status).toBe(201);
  });

  it('refuses callers without the payer role (403) and unknown debtor accounts (422)', async () => {
    const forbidden = await createDraft(viewer, [paymentLine()]);
    expect(forbidden.status).toBe(403);
    expect(forbidden.body.code).toBe('role_missing');
    const unknown = await createDraft(payer, [paymentLine()], coopIbans[3]);
    expect(unknown.status).toBe(422);
    expect(unknown.body.errors).toEqual([
      { path: 'debtorAccountId', message: 'no such bank account; add it first' },
    ]);
  });

  it('summarizes counts, totals, instant vs SEPA, issues per line and possible duplicates', async () => {
    const earlier = await createDraft(payer, [paymentLine({ amount: '77.00', reference: reference(777) })]);
    const created = await createDraft(payer, [
      paymentLine({ amount: '10.00' }),
      paymentLine({ amount: '150000.00', reference: undefined, remittanceInformation: 'Arve 15' }),
      paymentLine({ creditorIban: 'EE382200221020145686', amount: '5.00' }),
      paymentLine({ requestedExecutionDate: '2999-01-01', amount: '1.00', creditorName: 'Õunapuu OÜ' }),
      paymentLine({ amount: '77.00', reference: reference(777) }),
    ]);
    const summary = await payer.call<{
      paymentCount: number;
      totals: unknown[];
      channels: { instant: { count: number }; sepa: { count: number; totals: unknown[] } };
      validation: {
        errorCount: number;
        lines: { position: number; issues: { path: string; code: string }[] }[];
      };
      possibleDuplicates: { paymentId: string; matches: { batchId: string }[] }[];
      readyToConfirm: boolean;
      blockers: { code: string }[];
    }>('GET', `/v1/payment-batches/${created.body.id}/summary`);
    expect(summary.status).toBe(200);
    expect(summary.body.paymentCount).toBe(5);
    expect(summary.body.totals).toEqual([{ amount: '150093.00', currency: 'EUR' }]);
    expect(summary.body.channels.instant.count).toBe(3);
    expect(summary.body.channels.sepa).toEqual({
      count: 2,
      totals: [{ amount: '150001.00', currency: 'EUR' }],
    });
    expect(summary.body.validation.errorCount).toBe(1);
    expect(summary.body.validation.lines).toEqual([
      expect.objectContaining({
        position: 3,
        issues: [expect.objectContaining({ path: 'payments.2.creditorIban', code: 'invalid_iban' })],
      }),
      expect.objectContaining({
        position: 4,
        issues: [
          expect.objectContaining({
            path: 'payments.3.creditorName',
            code: 'characters_replaced',
            severity: 'warning',
          }),
        ],
      }),
    ]);
    expect(summary.body.possibleDuplicates).toEqual([
      expect.objectContaining({
        paymentId: '00005',
        matches: [expect.objectContaining({ batchId: earlier.body.id })],
      }),
    ]);
    expect(summary.body.readyToConfirm).toBe(false);
    expect(summary.body.blockers.map((b) => b.code)).toEqual([
      'invalid_payments',
      'duplicates_need_acknowledgement',
    ]);

    const invalid = await confirm(payer, created.body.id, 'key-invalid-lines');
    expect(invalid.status).toBe(422);
    expect(invalid.body.code).toBe('batch_has_invalid_payments');
    expect((invalid.body as unknown as { errors: { path: string }[] }).errors[0]?.path).toBe(
      'payments.2.creditorIban',
    );
  });

  it('needs an explicit acknowledgement for possible duplicates before confirming', async () => {
    const line = { amount: '33.30', reference: reference(3330) };
    await createDraft(payer, [paymentLine(line)]);
    const created = await createDraft(payer, [paymentLine(line)]);
    const refused = await confirm(payer, created.body.id, 'dup-key-1');
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('duplicates_not_acknowledged');
    const accepted = await confirm(payer, created.body.id, 'dup-key-2', {
      acknowledgedDuplicates: ['00001'],
    });
    expect(accepted.status).toBe(202);
    await untilSubmitted(api.runtime, created.body.id);
  });

  it('confirms: the batch workflow runs and the status shows who confirmed and when', async () => {
    const created = await createDraft(payer, [paymentLine(), paymentLine()]);
    const confirmed = await confirm(payer, created.body.id, 'confirm-key-0001');
    expect(confirmed.status).toBe(202);
    expect(confirmed.body.status).toBe('confirmed');
    // The workflow submits the batch to the simulated bank and waits for its answers (no collector runs
    // here; the bank path is tested in test/workflow).
    const execution = await untilSubmitted(api.runtime, created.body.id);
    const entered = execution.events.filter((e) => e.type === 'StateEntered').map((e) => e.stateName);
    expect(entered[0]).toBe('SubmitToBank');
    const shown = await payer.call<{
      status: string;
      confirmedBy: string;
      timeline: { action: string; by: unknown }[];
    }>('GET', `/v1/payment-batches/${created.body.id}`);
    expect(shown.body.status).not.toBe('confirmed');
    expect(shown.body.confirmedBy).toBe('ann');
    expect(shown.body.timeline.map((e) => e.action).slice(0, 2)).toEqual([
      'PaymentBatchDrafted',
      'PaymentBatchConfirmed',
    ]);
    expect(shown.body.timeline[1]?.by).toEqual({ userId: 'ann' });

    const cancelLate = await payer.call('POST', `/v1/payment-batches/${created.body.id}/cancel`);
    expect(cancelLate.status).toBe(409);
    expect(cancelLate.body.code).toBe('batch_not_cancellable');
  });

  it('replays the first answer for a repeated Idempotency-Key and refuses the key with another body (422)', async () => {
    const created = await createDraft(payer, [paymentLine()]);
    const first = await confirm(payer, created.body.id, 'repeat-key-0001');
    const again = await confirm(payer, created.body.id, 'repeat-key-0001');
    expect(first.status).toBe(202);
    expect(again.status).toBe(202);
    expect(again.body).toEqual(first.body);
    expect(again.headers['idempotent-replayed']).toBe('true');
    const otherBody = await confirm(payer, created.body.id, 'repeat-key-0001', {
      acknowledgedDuplicates: ['00001'],
    });
    expect(otherBody.status).toBe(422);
    expect(otherBody.body.code).toBe('idempotency_key_reused');
    const otherKey = await confirm(payer, created.body.id, 'another-key-0001');
    expect(otherKey.status).toBe(409);
    expect(otherKey.body.code).toBe('batch_not_draft');
    await untilSubmitted(api.runtime, created.body.id);
  });

  it('requires the Idempotency-Key header', async () => {
    const created = await createDraft(payer, [paymentLine()]);
    const missing = await payer.call('POST', `/v1/payment-batches/${created.body.id}/confirm`, {});
    expect(missing.status).toBe(400);
    expect(missing.body.errors).toEqual([{ path: 'Idempotency-Key', message: 'required' }]);
  });

  it('of two confirms at the same moment exactly one wins and the workflow starts once', async () => {
    const created = await createDraft(payer, [paymentLine(), paymentLine(), paymentLine()]);
    const starts: string[] = [];
    const engine = api.runtime.workflow;
    const original = engine.startExecution.bind(engine);
    engine.startExecution = async (name, input) => {
      starts.push(name);
      return original(name, input);
    };
    try {
      const results = await Promise.all([
        confirm(payer, created.body.id, 'race-key-aaaa'),
        confirm(payer, created.body.id, 'race-key-bbbb'),
        confirm(payer, created.body.id, 'race-key-cccc'),
      ]);
      const statuses = results.map((r) => r.status).sort();
      expect(statuses).toEqual([202, 409, 409]);
      expect(starts).toEqual([created.body.id]);
    } finally {
      engine.startExecution = original;
    }
    await untilSubmitted(api.runtime, created.body.id);
  });

  it('refuses to confirm from an account without payment initiation (409 with a clear problem)', async () => {
    const created = await createDraft(restricted, [paymentLine()], coopIbans[1]);
    expect(created.status).toBe(201);
    const refused = await confirm(restricted, created.body.id, 'no-initiation-1');
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('payment_initiation_not_permitted');
    expect(refused.body.detail).toContain(coopIbans[1]);
  });

  it('lists batches and their payments page by page with cursors', async () => {
    const created = await createDraft(
      payer,
      Array.from({ length: 7 }, () => paymentLine()),
    );
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await payer.call<{ items: { id: string }[]; nextCursor?: string }>(
        'GET',
        `/v1/payment-batches/${created.body.id}/payments`,
        undefined,
        {},
        { limit: '3', ...(cursor ? { cursor } : {}) },
      );
      expect(page.status).toBe(200);
      seen.push(...page.body.items.map((p) => p.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(['00001', '00002', '00003', '00004', '00005', '00006', '00007']);

    const batches = await payer.call<{ items: unknown[]; nextCursor?: string }>(
      'GET',
      '/v1/payment-batches',
      undefined,
      {},
      { limit: '2' },
    );
    expect(batches.body.items).toHaveLength(2);
    expect(batches.body.nextCursor).toBeDefined();
    const badCursor = await payer.call('GET', '/v1/payment-batches', undefined, {}, { cursor: 'nonsense' });
    expect(badCursor.status).toBe(400);
    expect(badCursor.body.errors).toEqual([{ path: 'cursor', message: 'invalid cursor' }]);
  });

  it('lists batches newest first, every batch once across cursor pages', async () => {
    const made: string[] = [];
    for (let index = 0; index < 3; index++) {
      made.push((await createDraft(payer, [paymentLine()])).body.id);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const listed: { id: string; createdAt: string }[] = [];
    let cursor: string | undefined;
    do {
      const page = await payer.call<{ items: { id: string; createdAt: string }[]; nextCursor?: string }>(
        'GET',
        '/v1/payment-batches',
        undefined,
        {},
        { limit: '2', ...(cursor ? { cursor } : {}) },
      );
      expect(page.status).toBe(200);
      listed.push(...page.body.items);
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(listed.slice(0, 3).map((batch) => batch.id)).toEqual([...made].reverse());
    const times = listed.map((batch) => batch.createdAt);
    expect(times).toEqual([...times].sort().reverse());
    expect(new Set(listed.map((batch) => batch.id)).size).toBe(listed.length);
  });

  it('of two drafts claiming the same bill at the same moment exactly one is stored', async () => {
    const shared = paymentLine();
    const results = await Promise.all([
      createDraft(payer, [shared, ...Array.from({ length: 40 }, () => paymentLine())]),
      createDraft(payer, [...Array.from({ length: 40 }, () => paymentLine()), shared]),
    ]);
    expect(results.map((result) => result.status).sort()).toEqual([201, 409]);
    const loser = results.find((result) => result.status === 409);
    expect(loser?.body.code).toBe('source_document_in_open_batch');
  });

  describe('payment storage for the batch workflow', () => {
    const repository = () => api.runtime.store.batches;

    it('finds a payment by its end-to-end id and nothing for ids that are not ours', async () => {
      const created = await createDraft(
        payer,
        Array.from({ length: 3 }, () => paymentLine()),
      );
      const payments = await repository().allPayments('acme', created.body.id);
      for (const payment of payments) {
        await expect(repository().findPaymentByEndToEndId(payment.endToEndId)).resolves.toEqual({
          companyId: 'acme',
          batchId: created.body.id,
          paymentId: payment.paymentId,
        });
      }
      const [first] = payments;
      const prefix = first?.endToEndId.slice(0, first.endToEndId.lastIndexOf('-')) ?? '';
      await expect(repository().findPaymentByEndToEndId(`${prefix}-00004`)).resolves.toBeUndefined();
      await expect(repository().findPaymentByEndToEndId('NOTPROVIDED')).resolves.toBeUndefined();
      await expect(repository().findPaymentByEndToEndId('abc-00001')).resolves.toBeUndefined();
    });

    it('updates a payment status only from the expected status and version, one winner per race', async () => {
      const created = await createDraft(
        payer,
        Array.from({ length: 3 }, () => paymentLine()),
      );
      const batchId = created.body.id;
      const initial = await repository().getPayment('acme', batchId, '00002');
      expect(initial).toMatchObject({ status: 'pending', version: 1 });
      const at = new Date().toISOString();
      const next = (from: StoredPayment, status: StoredPayment['status']): StoredPayment => ({
        ...from,
        status,
        version: from.version + 1,
        statusHistory: [...from.statusHistory, { status, at }],
      });
      const sent = next(initial as StoredPayment, 'sent');
      const race = await Promise.allSettled([
        repository().updatePaymentStatus('acme', batchId, '00002', { status: 'pending', version: 1 }, sent),
        repository().updatePaymentStatus('acme', batchId, '00002', { status: 'pending', version: 1 }, sent),
      ]);
      expect(race.map((result) => result.status).sort()).toEqual(['fulfilled', 'rejected']);
      const refused = race.find((result) => result.status === 'rejected') as PromiseRejectedResult;
      expect(refused.reason).toMatchObject({ code: 'payment_changed' });

      const accepted = next(sent, 'accepted');
      await expect(
        repository().updatePaymentStatus(
          'acme',
          batchId,
          '00002',
          { status: 'pending', version: 1 },
          accepted,
        ),
      ).rejects.toMatchObject({ code: 'payment_changed' });
      await repository().updatePaymentStatus(
        'acme',
        batchId,
        '00002',
        { status: 'sent', version: 2 },
        accepted,
      );
      await expect(
        repository().updatePaymentStatus('acme', batchId, '00002', { status: 'sent', version: 2 }, accepted),
      ).rejects.toMatchObject({ code: 'payment_changed' });

      const all = await repository().allPayments('acme', batchId);
      expect(all.map((payment) => [payment.paymentId, payment.status, payment.version])).toEqual([
        ['00001', 'pending', 1],
        ['00002', 'accepted', 3],
        ['00003', 'pending', 1],
      ]);
      const page = await repository().listPayments('acme', batchId, { limit: 2 });
      expect(page.items.map((payment) => payment.status)).toEqual(['pending', 'accepted']);
      const shown = await payer.call<{ items: { id: string; status: string }[] }>(
        'GET',
        `/v1/payment-batches/${batchId}/payments`,
      );
      expect(shown.body.items.map((payment) => payment.status)).toEqual(['pending', 'accepted', 'pending']);
    });

    it('keeps a 5,000-payment batch in a few chunk items and pages through it', async () => {
      const lines = Array.from({ length: 5000 }, (_, index) =>
        paymentLine({ amount: `${(index % 500) + 1}.00`, remittanceInformation: `Arve ${index}` }),
      );
      const created = await createDraft(payer, lines);
      expect(created.status).toBe(201);
      const batchId = created.body.id;
      const result = await api.table.client.send(
        new QueryCommand({
          TableName: api.table.tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: { ':pk': 'COMPANY#acme', ':prefix': `PAYMENTCHUNK#${batchId}#` },
          Select: 'COUNT',
        }),
      );
      expect(result.Count).toBeLessThanOrEqual(25);
      const all = await repository().allPayments('acme', batchId);
      expect(all.map((payment) => payment.position)).toEqual(lines.map((_, index) => index + 1));
      const page = await repository().listPayments('acme', batchId, { limit: 500 });
      const second = await repository().listPayments('acme', batchId, {
        limit: 500,
        cursor: page.nextCursor as string,
      });
      expect(second.items[0]?.paymentId).toBe('00501');
      expect(second.items.at(-1)?.paymentId).toBe('01000');
      await expect(repository().getPayment('acme', batchId, '04999')).resolves.toMatchObject({
        position: 4999,
        status: 'pending',
      });
      const cancelled = await payer.call('POST', `/v1/payment-batches/${batchId}/cancel`);
      expect(cancelled.status).toBe(200);
      // The bills are free again.
      expect((await createDraft(payer, lines.slice(0, 10))).status).toBe(201);
    });
  });

  it('answers 404 for an unknown batch and 401 without a token', async () => {
    expect((await payer.call('GET', '/v1/payment-batches/nope/summary')).status).toBe(404);
    const anonymous = await api.runtime.handleHttp({ method: 'GET', path: '/v1/payment-batches' });
    expect(anonymous.statusCode).toBe(401);
  });
});
