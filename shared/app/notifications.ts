// What people are told when something needs their attention: one event type per situation, each rendered
// as an email (subject + body) and an SMS of at most 160 characters, with attributes for SNS filter policies.
// Every event has a stable id, and a notification is sent once per event id however often it is raised.

import { maskIban } from '../domain/iban.ts';
import { formatDecimal, type Money } from '../domain/money.ts';
import { describeReason } from '../iso20022/reason-codes.ts';

export type Severity = 'info' | 'warning' | 'critical';

interface EventBase {
  /** Stable identity of the situation (e.g. `payment-rejected:<batch>:<payment>`): sent once per id. */
  eventId: string;
  /** Absent for operator-wide events (e.g. the bank certificate is refused). */
  companyId?: string;
  occurredAt: string;
}

export type NotificationEvent = EventBase &
  (
    | {
        type: 'payment_rejected';
        batchId: string;
        paymentId: string;
        creditorName: string;
        amount: Money;
        reasonCode?: string;
        bankText?: string;
      }
    | { type: 'batch_partially_rejected'; batchId: string; rejectedCount: number; paymentCount: number }
    | { type: 'signing_overdue'; batchId: string; paymentCount: number; submittedAt: string }
    | { type: 'batch_expired'; batchId: string; paymentCount: number }
    | {
        type: 'bank_connection_failing';
        failure: 'certificate' | 'authentication' | 'unavailable';
        detail: string;
      }
    | { type: 'statement_missing'; iban: string; date: string; attempts: number }
    | { type: 'message_quarantined'; bankMessageId: string; messageType: string; problem: string }
  );

export type NotificationType = NotificationEvent['type'];

export interface RenderedNotification {
  eventId: string;
  type: NotificationType;
  companyId?: string;
  severity: Severity;
  subject: string;
  emailBody: string;
  /** At most 160 characters (one SMS). */
  sms: string;
  /** SNS message attributes used by per-company subscription filter policies. */
  attributes: { company: string; severity: Severity; type: NotificationType };
}

export const smsLimit = 160;

function shorten(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, Math.max(0, max - 1))}…`;
}

function sms(parts: { lead: string; variable: string; tail: string }): string {
  const fixed = parts.lead.length + parts.tail.length;
  return shorten(
    `${parts.lead}${shorten(parts.variable, Math.max(0, smsLimit - fixed))}${parts.tail}`,
    smsLimit,
  );
}

const footer = '\n\nThis message was sent by Envoice about your Coop Pank connection.';

export function renderNotification(event: NotificationEvent): RenderedNotification {
  const { subject, body, text, severity } = content(event);
  return {
    eventId: event.eventId,
    type: event.type,
    ...(event.companyId ? { companyId: event.companyId } : {}),
    severity,
    subject,
    emailBody: `${body}${footer}`,
    sms: text,
    attributes: { company: event.companyId ?? 'operator', severity, type: event.type },
  };
}

function content(event: NotificationEvent): {
  subject: string;
  body: string;
  text: string;
  severity: Severity;
} {
  switch (event.type) {
    case 'payment_rejected': {
      const amount = `${formatDecimal(event.amount)} ${event.amount.currency}`;
      const reason = event.reasonCode ? describeReason(event.reasonCode) : undefined;
      const why = reason?.en ?? 'The bank did not give a reason.';
      const advice =
        reason?.class === 'fix-and-resubmit'
          ? 'Correct the payment details in Envoice and pay it again in a new batch.'
          : reason?.class === 'retry-later'
            ? 'Nothing was paid. Try the payment again later.'
            : 'Nothing was paid. Contact the recipient or Coop Pank if the payment is still needed.';
      return {
        severity: 'warning',
        subject: `Payment to ${shorten(event.creditorName, 60)} was rejected`,
        body: [
          `Coop Pank rejected the payment of ${amount} to ${event.creditorName} (batch ${event.batchId}).`,
          `Reason: ${why}${event.reasonCode ? ` (code ${event.reasonCode})` : ''}`,
          ...(event.bankText ? [`Bank's note: ${event.bankText}`] : []),
          '',
          advice,
        ].join('\n'),
        text: sms({
          lead: `Envoice: payment ${amount} to `,
          variable: event.creditorName,
          tail: ` rejected: ${why}`,
        }),
      };
    }
    case 'batch_partially_rejected':
      return {
        severity: 'warning',
        subject: `${event.rejectedCount} of ${event.paymentCount} payments in a batch were rejected`,
        body: [
          `Coop Pank executed part of batch ${event.batchId}: ${event.rejectedCount} of ${event.paymentCount} payments were rejected.`,
          'The other payments were executed. Open the batch in Envoice to see each rejected payment and why.',
        ].join('\n'),
        text: `Envoice: ${event.rejectedCount} of ${event.paymentCount} payments in your Coop Pank batch were rejected. See Envoice for reasons.`,
      };
    case 'signing_overdue':
      return {
        severity: 'warning',
        subject: 'Payments are waiting for your signature in Coop Pank',
        body: [
          `Batch ${event.batchId} (${event.paymentCount} payments) was sent to Coop Pank at ${event.submittedAt} and has not been signed yet.`,
          'Sign it in the Coop Pank internet bank, or the payments will not be made.',
        ].join('\n'),
        text: `Envoice: ${event.paymentCount} payments wait for signing in Coop Pank internet bank. Sign them or they will not be paid.`,
      };
    case 'batch_expired':
      return {
        severity: 'critical',
        subject: 'Unsigned payments expired and were not made',
        body: [
          `Batch ${event.batchId} (${event.paymentCount} payments) was never signed in Coop Pank and has expired.`,
          'None of its payments were made. Create a new batch in Envoice if they are still due.',
        ].join('\n'),
        text: `Envoice: ${event.paymentCount} unsigned Coop Pank payments expired and were NOT paid. Create a new batch if still due.`,
      };
    case 'bank_connection_failing': {
      const what = {
        certificate: 'Coop Pank refuses our connection certificate',
        authentication: 'Coop Pank refuses our authentication',
        unavailable: 'Coop Pank Gateway is not answering',
      }[event.failure];
      return {
        severity: 'critical',
        subject: `Bank connection failing: ${what}`,
        body: `${what}. Payments and statements are delayed until this is fixed.\nDetail: ${event.detail}`,
        text: shorten(`Envoice ops: ${what}. Payments and statements are delayed.`, smsLimit),
      };
    }
    case 'statement_missing': {
      const account = maskIban(event.iban);
      return {
        severity: 'warning',
        subject: `Statement for ${event.date} is missing`,
        body: [
          `The Coop Pank statement of account ${account} for ${event.date} has not arrived after ${event.attempts} requests.`,
          'Transactions of that day are not in Envoice yet. We keep asking; contact Coop Pank if this continues.',
        ].join('\n'),
        text: `Envoice: Coop Pank statement of ${account} for ${event.date} is missing. We keep requesting it.`,
      };
    }
    case 'message_quarantined':
      return {
        severity: 'critical',
        subject: `A ${event.messageType} message from Coop Pank could not be read`,
        body: [
          `Bank message ${event.bankMessageId} (${event.messageType}) was kept aside unprocessed: ${event.problem}`,
          'It is archived unchanged; operations will look at it. Nothing was lost.',
        ].join('\n'),
        text: shorten(
          `Envoice ops: bank message ${event.bankMessageId} (${event.messageType}) quarantined.`,
          smsLimit,
        ),
      };
  }
}

/** Where rendered notifications go: SNS in AWS, an outbox file and the console locally. */
export interface Notifier {
  publish(notification: RenderedNotification): Promise<void>;
}

/** Remembers which events were notified, so that each is sent once. */
export interface NotificationLog {
  /** True when this call is the first to claim the event id. */
  claim(notification: RenderedNotification): Promise<boolean>;
  /** Gives the claim back (publishing failed), so a retry can send it. */
  release(notification: RenderedNotification): Promise<void>;
}

/** Sends the notification for an event unless it was sent before. Returns whether it was sent now. */
export async function notifyOnce(
  deps: { notifier: Notifier; notificationLog: NotificationLog },
  event: NotificationEvent,
): Promise<boolean> {
  const rendered = renderNotification(event);
  if (!(await deps.notificationLog.claim(rendered))) return false;
  try {
    await deps.notifier.publish(rendered);
  } catch (error) {
    await deps.notificationLog.release(rendered);
    throw error;
  }
  return true;
}
