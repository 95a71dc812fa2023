// Notifications reach exactly the subscribers of the company they concern, for the types and severities they
// chose: subscriptions made through the API become SNS subscriptions with a filter policy, which the local SNS
// endpoint applies as SNS does. Notifications are published as a notifying function would (its credentials).

import { SNSClient } from '@aws-sdk/client-sns';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localCredentials } from '../../infra/local/functions/function-host.ts';
import { SnsNotifier } from '../../shared/adapters/sns-notifier.ts';
import { filterPolicyOf } from '../../shared/adapters/sns-subscriptions.ts';
import { renderNotification } from '../../shared/app/notifications.ts';
import { type Caller, startApi } from './api/harness.ts';

describe('notification delivery to subscribers', () => {
  let api: Awaited<ReturnType<typeof startApi>>;
  let adminA: Caller;
  let adminB: Caller;

  afterAll(() => api?.close());
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

    // Published as the notify-batch-problems function publishes (its role may publish to the topic).
    const publisher = api.runtime.functionNamed('notify-batch-problems');
    const sns = new SNSClient({
      region: api.runtime.model.region,
      endpoint: api.runtime.aws.endpoint,
      credentials: localCredentials(publisher.logicalId),
    });
    const notifier = new SnsNotifier(sns, publisher.environment.NOTIFICATION_TOPIC_ARN ?? '');
    const recipientsOf = async (eventId: string, companyId: string) => {
      await notifier.publish(renderNotification(rejected(companyId, eventId)));
      return api.runtime.notifier.sent.find((n) => n.eventId === eventId)?.recipients;
    };
    expect(await recipientsOf('delivery-test-1', 'company-a')).toEqual(['email:finance@a.example']);

    const removed = await adminA.call('DELETE', `/v1/notification-subscriptions/${a.body.id}`);
    expect(removed.status).toBe(204);
    expect(await recipientsOf('x', 'company-a')).toEqual([]);
    expect(await recipientsOf('y', 'company-b')).toEqual(['email:boss@b.example']);
    sns.destroy();
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
