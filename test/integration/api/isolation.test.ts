// Tenant isolation: company B, with full roles, drives every route that names a resource at company A's
// resources. Always 404, never data. The route list comes from the API's route table, so a new route
// without a case here fails the test.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiRoutes } from '../../../shared/api/routes.ts';
import { type Caller, coopIbans, onboard, paymentLine, startApi } from './harness.ts';

describe('tenant isolation', () => {
  let companyA: Caller;
  let companyB: Caller;
  const ids: Record<string, string> = {};
  const secrets: string[] = [];

  let closeApi: () => Promise<void> = async () => {};
  afterAll(() => closeApi());
  beforeAll(async () => {
    const api = await startApi();
    closeApi = () => api.close();
    companyA = api.as({
      companyId: 'company-a',
      userId: 'alice',
      personalCode: '38001010001',
      roles: ['admin', 'payer'],
    });
    companyB = api.as({
      companyId: 'company-b',
      userId: 'bob',
      personalCode: '38001010001',
      roles: ['admin', 'payer'],
    });
    const { connectionId } = await onboard(companyA, { iban: coopIbans[0] });
    const batch = await companyA.call<{ id: string }>('POST', '/v1/payment-batches', {
      debtorAccountId: coopIbans[0],
      payments: [paymentLine({ creditorName: 'Secret Supplier AS' })],
    });
    const subscription = await companyA.call<{ id: string }>('POST', '/v1/notification-subscriptions', {
      channel: 'email',
      address: 'cfo@company-a.example',
    });
    await api.runtime.store.statements.saveDay('company-a', {
      iban: coopIbans[0],
      date: '2025-01-02',
      openingBalance: { minor: 100, currency: 'EUR' },
      closingBalance: { minor: 200, currency: 'EUR' },
      entryCount: 0,
      completeness: 'complete',
      receivedAt: '2025-01-03T05:00:00.000Z',
    });
    Object.assign(ids, {
      accountId: coopIbans[0],
      connectionId,
      batchId: batch.body.id,
      subscriptionId: subscription.body.id,
    });
    secrets.push(coopIbans[0], 'Secret Supplier', 'cfo@company-a.example', 'company-a', 'Demo Sole');
  });

  const bodies: Record<string, unknown> = {
    'PUT /v1/connections/{connectionId}/accounts': {
      accounts: [{ accountId: coopIbans[0], paymentInitiation: true, statementRetrieval: true }],
    },
    'POST /v1/payment-batches/{batchId}/confirm': {},
  };

  const routesWithIds = apiRoutes.filter((route) => route.path.includes('{'));

  it.each(routesWithIds.map((route) => [`${route.method} ${route.path}`, route] as const))(
    '%s as another company answers 404 without data',
    async (name, route) => {
      const path = route.path.replace(/\{([^}]+)\}/g, (_, parameter: string) => {
        const id = ids[parameter];
        if (!id) throw new Error(`no company A resource for {${parameter}}`);
        return encodeURIComponent(id);
      });
      const response = await companyB.call(route.method, path, bodies[name] ?? undefined, {
        'idempotency-key': `isolation-${route.constructId}`,
      });
      expect(response.status).toBe(404);
      expect(response.headers['content-type']).toBe('application/problem+json');
      // Company B's own request (the path) may be echoed back; nothing else of company A may appear.
      for (const secret of secrets.filter((value) => !path.includes(value))) {
        expect(response.raw).not.toContain(secret);
      }
    },
  );

  it('lists show company B none of company A’s resources', async () => {
    for (const path of ['/v1/bank-accounts', '/v1/payment-batches', '/v1/notification-subscriptions']) {
      const response = await companyB.call<{ items: unknown[] }>('GET', path);
      expect(response.status).toBe(200);
      expect(response.body.items).toEqual([]);
    }
  });

  it('company A still sees everything it owns (the 404s above are not a broken API)', async () => {
    for (const path of [
      `/v1/connections/${ids.connectionId}`,
      `/v1/payment-batches/${ids.batchId}/summary`,
      `/v1/bank-accounts/${ids.accountId}/statement-days`,
    ]) {
      expect((await companyA.call('GET', path)).status).toBe(200);
    }
  });
});
