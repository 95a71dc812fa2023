// Notifications reach exactly the subscribers of the company they concern, for the types and severities they
// chose: the same filter policy that SNS applies in AWS, applied by the local outbox.
import { beforeAll, describe, expect, it } from 'vitest';
import { filterPolicyOf } from '../../shared/adapters/sns-subscriptions.ts';
import { notifyOnce, renderNotification } from '../../shared/app/notifications.ts';
import { type Caller, startApi } from './api/harness.ts';

describe('notification delivery to subscribers', () => {
  let api: Awaited<ReturnType<typeof startApi>>;
  let adminA: Caller;
  let adminB: Caller;

  beforeAll(async () => {
    api = await startApi();
    adminA = api.as({ companyId: 'company-a', userId: 'anna', roles: ['admin'] });
    adminB = api.as({ companyId: 'company-b', userId: 'bert', roles: ['admin'] });
  });

  const rejected = (companyId: string, eventId: string) => ({
    type: 'payment_rejected' as const,
    eventId,
    companyId,
    occurredAt: '2026-11-29T10:00:00Z',
    batchId: 'b1',
    paymentId: '00001',
    creditorName: 'Tarnija OÜ',
    amount: { minor: 12550, currency: 'EUR' },
    reasonCode: 'AC04',
  });

  it("delivers a company's notification to its own matching subscribers only", async () => {
    const a = await adminA.call<{ id: string }>('POST', '/v1/notification-subscriptions', {
      channel: 'email',
      address: 'finance@a.example',
      types: ['payment_rejected'],
      minimumSeverity: 'warning',
    });
    expect(a.status).toBe(201);
    await adminA.call('POST', '/v1/notification-subscriptions', {
      channel: 'sms',
      address: '+37255512345',
      types: [],
      minimumSeverity: 'critical',
    });
    await adminB.call('POST', '/v1/notification-subscriptions', {
      channel: 'email',
      address: 'boss@b.example',
      types: [],
      minimumSeverity: 'info',
    });

    const event = rejected('company-a', 'delivery-test-1');
    expect(await notifyOnce(api.runtime.dependencies, event)).toBe(true);
    const sent = api.runtime.notifier.sent.find((n) => n.eventId === 'delivery-test-1');
    expect(sent && api.runtime.notifier.recipientsOf(sent)).toEqual(['email:finance@a.example']);

    const removed = await adminA.call('DELETE', `/v1/notification-subscriptions/${a.body.id}`);
    expect(removed.status).toBe(204);
    expect(api.runtime.notifier.recipientsOf(renderNotification(rejected('company-a', 'x')))).toEqual([]);
    expect(api.runtime.notifier.recipientsOf(renderNotification(rejected('company-b', 'y')))).toEqual([
      'email:boss@b.example',
    ]);
  });

  it('subscribes in SNS with a filter policy on company, severity and the chosen types', () => {
    expect(
      filterPolicyOf({
        subscriptionId: 's1',
        companyId: 'company-a',
        channel: 'sms',
        address: '+37255512345',
        types: ['batch_expired', 'signing_overdue'],
        minimumSeverity: 'warning',
        createdAt: '2026-11-29T10:00:00Z',
        createdBy: 'anna',
      }),
    ).toEqual({
      company: ['company-a'],
      severity: ['warning', 'critical'],
      type: ['batch_expired', 'signing_overdue'],
    });
  });
});
