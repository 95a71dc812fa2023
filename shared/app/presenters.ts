// Public JSON shapes of stored items: what the API returns, never internal keys or versions.
import { formatDecimal, type Money } from '../domain/money.ts';
import { describePaymentStatus } from '../domain/payment.ts';
import { describeBatchStatus } from '../domain/payment-batch.ts';
import type { StatementDay, StatementEntry } from '../domain/statement.ts';
import { describeReason } from '../iso20022/reason-codes.ts';
import type {
  AuditEvent,
  StoredBankAccount,
  StoredConnection,
  StoredNotificationSubscription,
  StoredPayment,
  StoredPaymentBatch,
} from './ports.ts';

export const presentMoney = (value: Money) => ({ amount: formatDecimal(value), currency: value.currency });

export function presentBatch(batch: StoredPaymentBatch) {
  return {
    id: batch.batchId,
    name: batch.name,
    status: batch.status,
    statusText: describeBatchStatus(batch.status),
    statusReason: batch.statusReason,
    debtorAccountId: batch.debtorAccountId,
    paymentCount: batch.paymentCount,
    totals: (batch.totals ?? []).map(presentMoney),
    createdAt: batch.createdAt,
    createdBy: batch.createdBy,
    updatedAt: batch.updatedAt,
    confirmedAt: batch.confirmation?.at,
    confirmedBy: batch.confirmation?.by,
  };
}

export function presentPayment(payment: StoredPayment, batch: Pick<StoredPaymentBatch, 'status'>) {
  // A cancelled batch's unsent payments are cancelled too (not rewritten one by one).
  const status = batch.status === 'cancelled' && payment.status === 'pending' ? 'cancelled' : payment.status;
  const reason = payment.reasonCode ? describeReason(payment.reasonCode) : undefined;
  return {
    id: payment.paymentId,
    position: payment.position,
    endToEndId: payment.endToEndId,
    creditorName: payment.creditorName,
    creditorIban: payment.creditorIban,
    creditorBic: payment.creditorBic,
    ...presentMoney(payment.amount),
    reference: payment.reference,
    remittanceInformation: payment.remittanceInformation,
    requestedExecutionDate: payment.requestedExecutionDate,
    sourceDocument: payment.sourceDocument,
    channel: payment.channel,
    status,
    statusText: describePaymentStatus(status),
    reasonCode: reason?.code,
    reason: reason?.en,
    statusHistory: payment.statusHistory,
    issues: payment.issues,
  };
}

export function presentTimeline(events: readonly AuditEvent[]) {
  return events.map((event) => ({
    at: event.at,
    action: event.action,
    by: event.actor.type === 'user' ? { userId: event.actor.userId } : { system: event.actor.name },
    details: event.details,
  }));
}

export function presentConnection(connection: StoredConnection) {
  return {
    id: connection.connectionId,
    bankId: connection.bankId,
    registryCode: connection.registryCode,
    country: connection.country,
    companyName: connection.companyName,
    status: connection.status,
    representation: {
      confirmedBy: connection.representationConfirmations.map((c) => ({
        name: c.name,
        representation: c.representation,
        at: c.at,
      })),
    },
    accountIds: connection.accountIds,
    createdAt: connection.createdAt,
    updatedAt: connection.updatedAt,
  };
}

export function presentAccount(account: StoredBankAccount) {
  return {
    id: account.accountId,
    iban: account.iban,
    bankId: account.bankId,
    name: account.name,
    currency: account.currency,
    permissions: account.permissions,
    connectionId: account.connectionId,
    createdAt: account.createdAt,
  };
}

export function presentStatementDay(day: StatementDay) {
  return {
    date: day.date,
    openingBalance: presentMoney(day.openingBalance),
    closingBalance: presentMoney(day.closingBalance),
    entryCount: day.entryCount,
    completeness: day.completeness,
    receivedAt: day.receivedAt,
  };
}

export function presentEntry(entry: StatementEntry) {
  return {
    id: `${entry.bookingDate}:${entry.bankReference}:${entry.occurrence}`,
    bookingDate: entry.bookingDate,
    valueDate: entry.valueDate,
    direction: entry.direction,
    ...presentMoney(entry.amount),
    counterpartyName: entry.counterpartyName,
    counterpartyIban: entry.counterpartyIban,
    reference: entry.reference,
    remittanceInformation: entry.remittanceInformation,
    endToEndId: entry.endToEndId,
    bankReference: entry.bankReference,
    payment: entry.payment,
  };
}

export function presentSubscription(subscription: StoredNotificationSubscription) {
  return {
    id: subscription.subscriptionId,
    channel: subscription.channel,
    address: subscription.address,
    types: subscription.types,
    minimumSeverity: subscription.minimumSeverity,
    createdAt: subscription.createdAt,
  };
}
