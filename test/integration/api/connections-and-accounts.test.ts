// Onboarding through the API: banks, bank accounts, connections with representation checks (register and
// bank agreement), permissions, activation and revocation; statements read side; notification subscriptions.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { coopIbans, creditorIbans, startApi } from './harness.ts';

type Connection = {
  id: string;
  status: string;
  representationOutcome?: string;
  code?: string;
  detail?: string;
};

describe('connections, accounts, statements and subscriptions', () => {
  let api: Awaited<ReturnType<typeof startApi>>;
  const as = (companyId: string, personalCode: string | undefined, roles = ['admin', 'payer']) =>
    api.as({
      companyId,
      userId: `user-${personalCode ?? 'none'}`,
      ...(personalCode ? { personalCode } : {}),
      roles,
    });

  afterAll(() => api?.close());
  beforeAll(async () => {
    api = await startApi();
  });

  it('lists Coop Pank first with its capabilities', async () => {
    const banks = await as('any', undefined).call<{ items: { id: string; capabilities: object }[] }>(
      'GET',
      '/v1/banks',
    );
    expect(banks.status).toBe(200);
    expect(banks.body.items[0]).toMatchObject({
      id: 'coop-pank',
      bic: 'EKRDEE22',
      capabilities: { paymentInitiation: true },
    });
  });

  it('adds Coop Pank accounts only, refuses duplicates, lists and removes them', async () => {
    const admin = as('accounts-co', '38001010001');
    const notCoop = await admin.call('POST', '/v1/bank-accounts', { iban: creditorIbans[0] });
    expect(notCoop.status).toBe(400);
    expect(notCoop.body.errors).toEqual([{ path: 'iban', message: expect.stringContaining('bank code 42') }]);
    const broken = await admin.call('POST', '/v1/bank-accounts', { iban: 'EE654200000000100008' });
    expect(broken.status).toBe(400);
    expect(
      (await admin.call('POST', '/v1/bank-accounts', { iban: coopIbans[0].replace(/(.{4})/g, '$1 ') }))
        .status,
    ).toBe(201);
    const again = await admin.call('POST', '/v1/bank-accounts', { iban: coopIbans[0] });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('account_exists');
    const list = await admin.call<{ items: { iban: string; permissions: object }[] }>(
      'GET',
      '/v1/bank-accounts',
    );
    expect(list.body.items).toEqual([
      expect.objectContaining({
        iban: coopIbans[0],
        permissions: { paymentInitiation: false, statementRetrieval: false },
      }),
    ]);
    const viewer = as('accounts-co', undefined, ['viewer']);
    expect((await viewer.call('DELETE', `/v1/bank-accounts/${coopIbans[0]}`)).status).toBe(403);
    expect((await admin.call('DELETE', `/v1/bank-accounts/${coopIbans[0]}`)).status).toBe(204);
    expect((await admin.call('DELETE', `/v1/bank-accounts/${coopIbans[0]}`)).status).toBe(404);
  });

  it('walks a sole representative through connect → confirm → accounts → activate → revoke', async () => {
    const admin = as('sole-co', '38001010001');
    await admin.call('POST', '/v1/bank-accounts', { iban: coopIbans[1] });
    const created = await admin.call<Connection>('POST', '/v1/connections', { registryCode: '10000001' });
    expect(created.status).toBe(201);
    expect(created.body.status).toBe('contract_pending');
    const second = await admin.call<Connection>('POST', '/v1/connections', { registryCode: '10000001' });
    expect(second.status).toBe(409);
    expect(second.body.code).toBe('connection_exists');
    const early = await admin.call<Connection>('POST', `/v1/connections/${created.body.id}/activate`);
    expect(early.status).toBe(409);

    const confirmed = await admin.call<Connection>(
      'POST',
      `/v1/connections/${created.body.id}/representation-confirmations`,
    );
    expect(confirmed.body).toMatchObject({ status: 'representation_confirmed', companyName: 'Demo Sole OÜ' });
    const unknownAccount = await admin.call('PUT', `/v1/connections/${created.body.id}/accounts`, {
      accounts: [{ accountId: coopIbans[3], paymentInitiation: true, statementRetrieval: true }],
    });
    expect(unknownAccount.status).toBe(422);
    expect(unknownAccount.body.errors).toEqual([
      { path: 'accounts.0.accountId', message: 'no such bank account; add it first' },
    ]);
    const nothingGranted = await admin.call<Connection>(
      'PUT',
      `/v1/connections/${created.body.id}/accounts`,
      {
        accounts: [{ accountId: coopIbans[1], paymentInitiation: false, statementRetrieval: false }],
      },
    );
    expect(nothingGranted.body.status).toBe('accounts_selected');
    const refused = await admin.call<Connection>('POST', `/v1/connections/${created.body.id}/activate`);
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('no_permissions_granted');
    await admin.call('PUT', `/v1/connections/${created.body.id}/accounts`, {
      accounts: [{ accountId: coopIbans[1], paymentInitiation: true, statementRetrieval: false }],
    });
    const active = await admin.call<Connection>('POST', `/v1/connections/${created.body.id}/activate`);
    expect(active.body.status).toBe('active');
    const inUse = await admin.call('DELETE', `/v1/bank-accounts/${coopIbans[1]}`);
    expect(inUse.status).toBe(409);
    expect(inUse.body.code).toBe('account_in_use');

    const revoked = await admin.call<Connection>('POST', `/v1/connections/${created.body.id}/revoke`);
    expect(revoked.body.status).toBe('revoked');
    const account = await admin.call<{ items: { permissions: object; connectionId?: string }[] }>(
      'GET',
      '/v1/bank-accounts',
    );
    expect(account.body.items[0]).toMatchObject({
      permissions: { paymentInitiation: false, statementRetrieval: false },
    });
    expect(account.body.items[0]?.connectionId).toBeUndefined();
    expect((await admin.call('POST', '/v1/connections', { registryCode: '10000001' })).status).toBe(201);
  });

  it('joint representation needs a second, different board member', async () => {
    const first = as('joint-co', '38001010002');
    const other = as('joint-co', '48001010003');
    const created = await first.call<Connection>('POST', '/v1/connections', { registryCode: '10000002' });
    const path = `/v1/connections/${created.body.id}/representation-confirmations`;
    const partly = await first.call<Connection>('POST', path);
    expect(partly.body).toMatchObject({
      status: 'contract_pending',
      representationOutcome: 'awaiting_other_representative',
    });
    const twice = await first.call<Connection>('POST', path);
    expect(twice.status).toBe(409);
    expect(twice.body.code).toBe('representation_already_confirmed_by_you');
    const done = await other.call<Connection>('POST', path);
    expect(done.body).toMatchObject({
      status: 'representation_confirmed',
      representationOutcome: 'confirmed',
    });
  });

  it('explains each representation refusal', async () => {
    const stranger = as('refusals-co', '39999999999');
    const created = await stranger.call<Connection>('POST', '/v1/connections', { registryCode: '10000001' });
    const path = `/v1/connections/${created.body.id}/representation-confirmations`;
    const notRepresentative = await stranger.call<Connection>('POST', path);
    expect(notRepresentative.status).toBe(403);
    expect(notRepresentative.body.code).toBe('not_a_representative');
    const noCode = await as('refusals-co', undefined).call<Connection>('POST', path);
    expect(noCode.status).toBe(403);
    expect(noCode.body.code).toBe('personal_code_missing');

    const noAgreement = as('no-agreement-co', '38001010004');
    const other = await noAgreement.call<Connection>('POST', '/v1/connections', { registryCode: '10000003' });
    const refused = await noAgreement.call<Connection>(
      'POST',
      `/v1/connections/${other.body.id}/representation-confirmations`,
    );
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('bank_agreement_missing');

    const unregistered = as('ghost-co', '38001010001');
    const ghost = await unregistered.call<Connection>('POST', '/v1/connections', {
      registryCode: '99999999',
    });
    const missing = await unregistered.call<Connection>(
      'POST',
      `/v1/connections/${ghost.body.id}/representation-confirmations`,
    );
    expect(missing.status).toBe(422);
    expect(missing.body.code).toBe('company_not_in_register');
  });

  it('reads statement days and transactions with filters and pagination', async () => {
    const admin = as('statements-co', '38001010001');
    await admin.call('POST', '/v1/bank-accounts', { iban: coopIbans[2] });
    const statements = api.runtime.store.statements;
    for (const date of ['2025-03-01', '2025-03-02', '2025-03-03']) {
      await statements.saveDay('statements-co', {
        iban: coopIbans[2],
        date,
        openingBalance: { minor: 1000, currency: 'EUR' },
        closingBalance: { minor: 1500, currency: 'EUR' },
        entryCount: 2,
        completeness: 'complete',
        receivedAt: `${date}T06:00:00.000Z`,
      });
      for (const [occurrence, direction] of [
        [1, 'credit'],
        [2, 'debit'],
      ] as const) {
        await statements.saveEntry('statements-co', {
          iban: coopIbans[2],
          bookingDate: date,
          bankReference: `REF-${date}`,
          occurrence,
          direction,
          amount: { minor: 250, currency: 'EUR' },
          reference: direction === 'credit' ? '1234561' : undefined,
        });
      }
    }
    expect(
      await statements.saveEntry('statements-co', {
        iban: coopIbans[2],
        bookingDate: '2025-03-01',
        bankReference: 'REF-2025-03-01',
        occurrence: 1,
        direction: 'credit',
        amount: { minor: 250, currency: 'EUR' },
      }),
    ).toBe(false);
    const days = await admin.call<{ items: { date: string; closingBalance: object }[] }>(
      'GET',
      `/v1/bank-accounts/${coopIbans[2]}/statement-days`,
      undefined,
      {},
      { from: '2025-03-02' },
    );
    expect(days.body.items.map((d) => d.date)).toEqual(['2025-03-02', '2025-03-03']);
    expect(days.body.items[0]?.closingBalance).toEqual({ amount: '15.00', currency: 'EUR' });
    const credits: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await admin.call<{ items: { id: string; direction: string }[]; nextCursor?: string }>(
        'GET',
        `/v1/bank-accounts/${coopIbans[2]}/transactions`,
        undefined,
        {},
        { direction: 'credit', limit: '2', ...(cursor ? { cursor } : {}) },
      );
      expect(page.status).toBe(200);
      credits.push(...page.body.items.map((entry) => entry.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(credits).toEqual([
      '2025-03-01:REF-2025-03-01:1',
      '2025-03-02:REF-2025-03-02:1',
      '2025-03-03:REF-2025-03-03:1',
    ]);
    const badDate = await admin.call(
      'GET',
      `/v1/bank-accounts/${coopIbans[2]}/transactions`,
      undefined,
      {},
      { from: '1.3.2025' },
    );
    expect(badDate.status).toBe(400);
    expect(badDate.body.errors).toEqual([{ path: 'from', message: 'expected a date YYYY-MM-DD' }]);
  });

  it('manages notification subscriptions and validates addresses per channel', async () => {
    const admin = as('alerts-co', '38001010001');
    const badSms = await admin.call('POST', '/v1/notification-subscriptions', {
      channel: 'sms',
      address: 'cfo@example.com',
    });
    expect(badSms.status).toBe(400);
    expect(badSms.body.errors).toEqual([{ path: 'address', message: 'a phone number like +37255512345' }]);
    const created = await admin.call<{ id: string; minimumSeverity: string }>(
      'POST',
      '/v1/notification-subscriptions',
      {
        channel: 'email',
        address: 'cfo@example.com',
        types: ['payment_rejected'],
      },
    );
    expect(created.status).toBe(201);
    expect(created.body.minimumSeverity).toBe('warning');
    const list = await admin.call<{ items: unknown[] }>('GET', '/v1/notification-subscriptions');
    expect(list.body.items).toHaveLength(1);
    expect((await admin.call('DELETE', `/v1/notification-subscriptions/${created.body.id}`)).status).toBe(
      204,
    );
    expect((await admin.call('DELETE', `/v1/notification-subscriptions/${created.body.id}`)).status).toBe(
      404,
    );
  });
});
