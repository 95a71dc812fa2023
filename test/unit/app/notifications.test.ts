import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type NotificationEvent,
  type NotificationLog,
  notifyOnce,
  type RenderedNotification,
  renderNotification,
  smsLimit,
} from '../../../shared/app/notifications.ts';

const base = { eventId: 'e1', companyId: 'company-1', occurredAt: '2026-11-29T10:00:00Z' };

function everyEvent(name: string, count: number): NotificationEvent[] {
  return [
    {
      ...base,
      type: 'payment_rejected',
      batchId: 'b1',
      paymentId: 'p1',
      creditorName: name,
      amount: { minor: 123456, currency: 'EUR' },
      reasonCode: 'AC04',
    },
    {
      ...base,
      type: 'batch_partially_rejected',
      batchId: 'b1',
      rejectedCount: count,
      paymentCount: count * 2,
    },
    {
      ...base,
      type: 'signing_overdue',
      batchId: 'b1',
      paymentCount: count,
      submittedAt: '2026-11-29T09:00:00Z',
    },
    { ...base, type: 'batch_expired', batchId: 'b1', paymentCount: count },
    { ...base, type: 'bank_connection_failing', failure: 'certificate', detail: name },
    { ...base, type: 'statement_missing', iban: 'EE471000001020145685', date: '2026-11-28', attempts: count },
    { ...base, type: 'message_quarantined', bankMessageId: name, messageType: 'camt.053', problem: name },
  ];
}

describe('notifications', () => {
  it('explains a rejected payment in words, with the amount, the code and what to do', () => {
    const rendered = renderNotification(everyEvent('Kõrts & Pood OÜ', 1)[0] as NotificationEvent);
    expect(rendered.subject).toBe('Payment to Kõrts & Pood OÜ was rejected');
    expect(rendered.emailBody).toContain('1234.56 EUR to Kõrts & Pood OÜ');
    expect(rendered.emailBody).toContain(
      "The recipient's account is closed; ask for a new account number. (code AC04)",
    );
    expect(rendered.emailBody).toContain('Correct the payment details in Envoice and pay it again');
    expect(rendered.attributes).toEqual({
      company: 'company-1',
      severity: 'warning',
      type: 'payment_rejected',
    });
  });

  it('never shows a full IBAN in a statement notice', () => {
    const rendered = renderNotification(everyEvent('x', 1)[5] as NotificationEvent);
    expect(`${rendered.emailBody}${rendered.sms}`).not.toContain('EE471000001020145685');
    expect(rendered.sms).toContain('EE47************5685');
  });

  it('keeps every SMS within 160 characters whatever the names and counts', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), fc.integer({ min: 0, max: 1_000_000 }), (name, count) => {
        for (const event of everyEvent(name, count)) {
          expect(renderNotification(event).sms.length).toBeLessThanOrEqual(smsLimit);
        }
      }),
    );
  });

  it('sends a notification once per event id and lets a failed send be retried', async () => {
    const claimed = new Set<string>();
    const log: NotificationLog = {
      claim: async (n: RenderedNotification) => !claimed.has(n.eventId) && Boolean(claimed.add(n.eventId)),
      release: async (n: RenderedNotification) => void claimed.delete(n.eventId),
    };
    const published: string[] = [];
    let failNext = true;
    const notifier = {
      publish: async (n: RenderedNotification) => {
        if (failNext) {
          failNext = false;
          throw new Error('SNS unavailable');
        }
        published.push(n.eventId);
      },
    };
    const event = everyEvent('x', 1)[3] as NotificationEvent;
    await expect(notifyOnce({ notifier, notificationLog: log }, event)).rejects.toThrow('SNS unavailable');
    expect(await notifyOnce({ notifier, notificationLog: log }, event)).toBe(true);
    expect(await notifyOnce({ notifier, notificationLog: log }, event)).toBe(false);
    expect(published).toEqual(['e1']);
  });
});
