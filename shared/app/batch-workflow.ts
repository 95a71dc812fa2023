// The steps of the batch lifecycle workflow (Step Functions calls one function per step): submit to the bank,
// wait for milestones (task tokens resumed by the collector), finalize, tell people what needs attention,
// expire unsigned batches and record failures. Every step is safe to run twice.
import type { BankGateway, EndUser } from '../bank/bank-gateway.ts';
import { isBusinessDay, nextBusinessDay, tallinnDate, tallinnInstant } from '../domain/calendar.ts';
import { isFinalPaymentStatus, type PaymentStatus } from '../domain/payment.ts';
import { assertTransition, type BatchStatus, isFinalBatchStatus } from '../domain/payment-batch.ts';
import { DomainError, NotFoundError } from '../errors.ts';
import { type FlatPayment, groupPayments } from '../iso20022/pain001.ts';
import { describeReason } from '../iso20022/reason-codes.ts';
import type { Pain001Batch } from '../iso20022/types.ts';
import type { DomainEvent, EventPublisher } from './events.ts';
import { type NotificationLog, type Notifier, notifyOnce } from './notifications.ts';
import type {
  AuditEvent,
  AuditLog,
  BatchMilestone,
  BatchSubmission,
  Clock,
  ConnectionRepository,
  PaymentBatchRepository,
  StoredPayment,
  StoredPaymentBatch,
  WorkflowEngine,
} from './ports.ts';

export const coopPankBankId = 'coop-pank';

export interface BatchWorkflowSettings {
  /** The bank's limit of payments per pain.001 message; larger batches are sent as several messages. */
  maxPaymentsPerMessage: number;
  /** When to tell people that signing is overdue: at the next SEPA cut-off, or a fixed time after submission. */
  signingOverdue: { kind: 'next-cutoff'; cutOff: string } | { kind: 'after'; minutes: number };
  initiatingPartyName: string;
}

export const defaultBatchWorkflowSettings: BatchWorkflowSettings = {
  maxPaymentsPerMessage: 1500,
  signingOverdue: { kind: 'next-cutoff', cutOff: '15:30' },
  initiatingPartyName: 'Envoice',
};

/** Conditional, monotonic payment status writes (implemented by the DynamoDB batch repository). */
export interface PaymentStatusWriter {
  /** Writes `next` if the stored payment still has `expected.status` and `expected.version`; ConflictError otherwise. */
  updatePaymentStatus(
    companyId: string,
    batchId: string,
    paymentId: string,
    expected: { status: PaymentStatus; version: number },
    next: StoredPayment,
  ): Promise<void>;
}

/** Our pain.001 message ids → the batch that sent them (so a pain.002 finds its batch). */
export interface MessageIdRegistry {
  register(messageId: string, owner: { companyId: string; batchId: string }): Promise<void>;
  ownerOf(
    messageId: string,
  ): Promise<{ companyId: string; batchId: string; reportedAt?: string | undefined } | undefined>;
  /** Records that the bank reported on the message: proof that it has our submission. */
  markReported(messageId: string, at: string): Promise<void>;
}

export interface BatchWorkflowDependencies {
  batches: PaymentBatchRepository & PaymentStatusWriter;
  connections: ConnectionRepository;
  audit: AuditLog;
  bank: BankGateway;
  messageIds: MessageIdRegistry;
  notifier: Notifier;
  notificationLog: NotificationLog;
  events: EventPublisher;
  workflow: WorkflowEngine;
  clock: Clock;
  batchSettings: BatchWorkflowSettings;
}

export interface BatchRef {
  companyId: string;
  batchId: string;
}

const systemActor = (name: string) => ({ type: 'system' as const, name });

async function loadBatch(deps: Pick<BatchWorkflowDependencies, 'batches'>, ref: BatchRef) {
  const batch = await deps.batches.get(ref.companyId, ref.batchId);
  if (!batch) throw new NotFoundError('Payment batch', ref.batchId);
  return batch;
}

function audit(
  deps: Pick<BatchWorkflowDependencies, 'clock'>,
  batch: StoredPaymentBatch,
  action: string,
  details?: Record<string, unknown>,
): AuditEvent {
  const at = deps.clock.now().toISOString();
  return {
    companyId: batch.companyId,
    eventId: `${batch.batchId}:${action}:${batch.version + 1}`,
    at,
    actor: systemActor('batch-workflow'),
    entityType: 'PaymentBatch',
    entityId: batch.batchId,
    action,
    details,
  };
}

/** Deterministic message ids: the batch id (compact) alone, or with `-<part>` when the batch is split. */
export function messageIdFor(batchId: string, part: number, parts: number): string {
  const compact = batchId.replace(/[^A-Za-z0-9]/g, '');
  if (parts === 1) return compact.slice(0, 35);
  const suffix = `-${part}`;
  return `${compact.slice(0, 35 - suffix.length)}${suffix}`;
}

function planSubmissions(
  batch: StoredPaymentBatch,
  payments: StoredPayment[],
  settings: BatchWorkflowSettings,
  now: string,
): BatchSubmission[] {
  const size = Math.max(1, settings.maxPaymentsPerMessage);
  const parts = Math.max(1, Math.ceil(payments.length / size));
  return Array.from({ length: parts }, (_, index) => ({
    messageId: messageIdFor(batch.batchId, index + 1, parts),
    part: index + 1,
    endToEndIds: payments.slice(index * size, (index + 1) * size).map((payment) => payment.endToEndId),
    startedAt: now,
    attempts: 0,
  }));
}

async function endUserOf(
  deps: Pick<BatchWorkflowDependencies, 'connections'>,
  companyId: string,
): Promise<EndUser> {
  const connection = await deps.connections.openConnectionFor(companyId, coopPankBankId);
  if (!connection || (connection.status !== 'active' && connection.status !== 'suspended')) {
    throw new DomainError(
      'connection_not_active',
      'The company has no active Coop Pank connection, so the batch cannot be sent',
    );
  }
  return { registryCode: connection.registryCode, country: connection.country };
}

function pain001For(
  batch: StoredPaymentBatch,
  submission: BatchSubmission,
  payments: StoredPayment[],
  debtorName: string,
  settings: BatchWorkflowSettings,
): Pain001Batch {
  const inPart = new Set(submission.endToEndIds);
  const today = tallinnDate(new Date(submission.startedAt));
  const flat: FlatPayment[] = payments
    .filter((payment) => inPart.has(payment.endToEndId))
    .map((payment) => ({
      endToEndId: payment.endToEndId,
      instructionId: payment.endToEndId,
      amount: payment.amount,
      creditor: {
        name: payment.creditorName,
        iban: payment.creditorIban,
        ...(payment.creditorBic ? { bic: payment.creditorBic } : {}),
      },
      ...(payment.reference
        ? { remittance: { kind: 'structured' as const, reference: payment.reference } }
        : payment.remittanceInformation
          ? { remittance: { kind: 'unstructured' as const, text: payment.remittanceInformation } }
          : {}),
      debtor: { name: debtorName, iban: batch.debtorAccountId ?? '' },
      requestedExecutionDate:
        payment.requestedExecutionDate && payment.requestedExecutionDate > today
          ? payment.requestedExecutionDate
          : today,
      serviceLevel: payment.channel === 'instant' ? 'INST' : 'SEPA',
    }));
  return {
    messageId: submission.messageId,
    // The first attempt's time: every re-send of this message is byte-identical.
    createdAt: submission.startedAt,
    initiatingPartyName: settings.initiatingPartyName,
    paymentGroups: groupPayments(submission.messageId, flat),
  };
}

/** Which `PmtInf` (payment information id) each payment was sent in, recomputed deterministically. */
export function paymentInformationIdsOf(
  batch: StoredPaymentBatch,
  payments: StoredPayment[],
): Map<string, string> {
  const ids = new Map<string, string>();
  for (const submission of batch.submissions ?? []) {
    const message = pain001For(batch, submission, payments, '', defaultBatchWorkflowSettings);
    for (const group of message.paymentGroups) {
      for (const payment of group.payments) ids.set(payment.endToEndId, group.paymentInformationId);
    }
  }
  return ids;
}

/** The payment after a status change: history appended, version incremented. */
export function withStatus(
  payment: StoredPayment,
  to: PaymentStatus,
  at: string,
  reasonCode?: string,
): StoredPayment {
  return {
    ...payment,
    status: to,
    ...(reasonCode ? { reasonCode } : {}),
    statusHistory: [...payment.statusHistory, { status: to, at, ...(reasonCode ? { reasonCode } : {}) }],
    version: payment.version + 1,
  };
}

/** Writes a status change, conditional on the payment still being as read (ConflictError otherwise). */
export function savePaymentStatus(
  deps: Pick<BatchWorkflowDependencies, 'batches'>,
  before: StoredPayment,
  next: StoredPayment,
): Promise<void> {
  return deps.batches.updatePaymentStatus(
    before.companyId,
    before.batchId,
    before.paymentId,
    { status: before.status, version: before.version },
    next,
  );
}

export async function markPayments(
  deps: Pick<BatchWorkflowDependencies, 'batches' | 'clock'>,
  payments: StoredPayment[],
  to: PaymentStatus,
  filter: (payment: StoredPayment) => boolean,
  reasonCode?: string,
): Promise<StoredPayment[]> {
  const at = deps.clock.now().toISOString();
  const changed: StoredPayment[] = [];
  for (const payment of payments) {
    if (!filter(payment) || payment.status === to) continue;
    const next = withStatus(payment, to, at, reasonCode);
    await savePaymentStatus(deps, payment, next);
    changed.push(next);
  }
  return changed;
}

export interface SubmitResult extends BatchRef {
  status: BatchStatus;
  messageIds: string[];
}

/**
 * Sends the batch to the bank. Takes ownership of a confirmed batch (confirmed → submitting), plans its
 * messages once (deterministic MsgIds, fixed creation time), and sends each message not yet accepted. A message
 * whose earlier attempt has an unknown outcome is first looked for among the bank's status reports and only
 * re-sent (with the same MsgId, which the bank refuses as a duplicate if it has it) when none is found.
 */
export async function submitBatch(
  deps: BatchWorkflowDependencies,
  input: BatchRef & { executionName: string },
): Promise<SubmitResult> {
  let batch = await loadBatch(deps, input);
  const done = (b: StoredPaymentBatch): SubmitResult => ({
    companyId: b.companyId,
    batchId: b.batchId,
    status: b.status,
    messageIds: (b.submissions ?? []).map((s) => s.messageId),
  });
  if (batch.status !== 'confirmed' && batch.status !== 'submitting') {
    if (batch.submissions?.length) return done(batch); // already sent: a re-run of this step
    assertTransition(batch.status, 'submitting'); // throws with a clear message
  }
  const endUser = await endUserOf(deps, batch.companyId);
  const debtorName = (await deps.connections.openConnectionFor(batch.companyId, coopPankBankId))?.companyName;
  const payments = (await deps.batches.allPayments(batch.companyId, batch.batchId)).filter(
    (payment) => payment.status !== 'cancelled',
  );

  if (batch.status === 'confirmed') {
    const now = deps.clock.now().toISOString();
    const submissions = planSubmissions(batch, payments, deps.batchSettings, now);
    // Pointers first: a status report may arrive before this step finishes.
    for (const submission of submissions) await deps.messageIds.register(submission.messageId, input);
    const next: StoredPaymentBatch = {
      ...batch,
      status: 'submitting',
      version: batch.version + 1,
      updatedAt: now,
      workflowExecutionName: input.executionName,
      submissions,
    };
    await deps.batches.update(next, batch.version, audit(deps, batch, 'PaymentBatchSubmissionStarted'));
    batch = next;
  }

  for (const submission of batch.submissions ?? []) {
    if (submission.acceptedAt) continue;
    const partPayments = payments.filter((payment) => submission.endToEndIds.includes(payment.endToEndId));
    if (submission.attempts > 0 && (await deps.messageIds.ownerOf(submission.messageId))?.reportedAt) {
      batch = await recordAcceptance(deps, batch, submission.messageId, {});
      continue;
    }
    // Record the attempt before sending: after a crash we know the outcome of this attempt is unknown.
    batch = await updateSubmission(deps, batch, submission.messageId, { attempts: submission.attempts + 1 });
    await markPayments(deps, partPayments, 'sent', (payment) => payment.status === 'pending');
    let requestId: string | undefined;
    try {
      const receipt = await deps.bank.submitPayments({
        endUser,
        batch: pain001For(batch, submission, payments, debtorName ?? batch.companyId, deps.batchSettings),
      });
      requestId = receipt.requestId;
    } catch (error) {
      // Message ids are ours and deterministic per batch: a duplicate refusal means an earlier attempt of
      // this very message (whose answer was lost) reached the bank. It is accepted, not failed.
      if ((error as { name?: string }).name !== 'BankDuplicateMessageError') throw error;
    }
    batch = await recordAcceptance(deps, batch, submission.messageId, requestId ? { requestId } : {});
  }

  if (batch.status === 'submitting') {
    const next: StoredPaymentBatch = {
      ...batch,
      status: 'submitted',
      version: batch.version + 1,
      updatedAt: deps.clock.now().toISOString(),
    };
    await deps.batches.update(
      next,
      batch.version,
      audit(deps, batch, 'PaymentBatchSubmitted', { messageIds: next.submissions?.map((s) => s.messageId) }),
    );
    batch = next;
  }
  return done(batch);
}

async function updateSubmission(
  deps: Pick<BatchWorkflowDependencies, 'batches' | 'clock'>,
  batch: StoredPaymentBatch,
  messageId: string,
  change: Partial<BatchSubmission>,
): Promise<StoredPaymentBatch> {
  const next: StoredPaymentBatch = {
    ...batch,
    submissions: (batch.submissions ?? []).map((s) => (s.messageId === messageId ? { ...s, ...change } : s)),
    version: batch.version + 1,
    updatedAt: deps.clock.now().toISOString(),
  };
  await deps.batches.update(next, batch.version);
  return next;
}

function recordAcceptance(
  deps: Pick<BatchWorkflowDependencies, 'batches' | 'clock'>,
  batch: StoredPaymentBatch,
  messageId: string,
  extra: Partial<BatchSubmission>,
): Promise<StoredPaymentBatch> {
  return updateSubmission(deps, batch, messageId, { acceptedAt: deps.clock.now().toISOString(), ...extra });
}

/**
 * Bills and expense reports whose payment ended unpaid (rejected, expired) may go into a new batch: their
 * claim is released. Paid ones stay claimed, so the same bill cannot be paid twice.
 */
async function releaseUnpaidDocuments(
  deps: Pick<BatchWorkflowDependencies, 'batches'>,
  batch: StoredPaymentBatch,
  payments: StoredPayment[],
): Promise<void> {
  const unpaid = payments.filter((p) => p.status === 'rejected' || p.status === 'expired');
  if (unpaid.length === 0) return;
  await deps.batches.releaseSourceDocuments(
    batch.companyId,
    batch.batchId,
    unpaid.map((payment) => payment.sourceDocument),
  );
}

/** Whether the batch has reached a milestone the workflow waits for. */
export function milestoneReached(
  batch: StoredPaymentBatch,
  payments: StoredPayment[],
  milestone: BatchMilestone,
): boolean {
  if (milestone === 'acknowledged') return Boolean(batch.bankAcknowledgedAt) || allFinal(payments);
  return allFinal(payments);
}

function allFinal(payments: StoredPayment[]): boolean {
  return payments.length > 0 && payments.every((payment) => isFinalPaymentStatus(payment.status));
}

/**
 * A waiting workflow task registers its token on the batch. If the milestone was already reached (the bank
 * was faster than the workflow), the task is resumed at once.
 */
export async function awaitMilestone(
  deps: Pick<BatchWorkflowDependencies, 'batches' | 'clock' | 'workflow' | 'batchSettings'>,
  input: BatchRef & { milestone: BatchMilestone; taskToken: string },
): Promise<{ registered: true }> {
  for (let attempt = 0; ; attempt += 1) {
    const batch = await loadBatch(deps, input);
    const now = deps.clock.now();
    const next: StoredPaymentBatch = {
      ...batch,
      awaiting: { milestone: input.milestone, taskToken: input.taskToken, since: now.toISOString() },
      ...(input.milestone === 'final' && !batch.signingOverdueAt
        ? { signingOverdueAt: signingOverdueAt(deps.batchSettings, now).toISOString() }
        : {}),
      version: batch.version + 1,
      updatedAt: now.toISOString(),
    };
    try {
      await deps.batches.update(next, batch.version);
    } catch (error) {
      // The collector changed the batch meanwhile: read again and retry (it could not see our token).
      if (attempt < 5 && (error as { name?: string }).name === 'ConflictError') continue;
      throw error;
    }
    const payments = await deps.batches.allPayments(batch.companyId, batch.batchId);
    if (milestoneReached(next, payments, input.milestone)) {
      await resumeIfWaiting(deps, next, payments);
    }
    return { registered: true };
  }
}

export function signingOverdueAt(settings: BatchWorkflowSettings, submittedAt: Date): Date {
  if (settings.signingOverdue.kind === 'after') {
    return new Date(submittedAt.getTime() + settings.signingOverdue.minutes * 60_000);
  }
  const today = tallinnDate(submittedAt);
  const cutOffToday = tallinnInstant(today, settings.signingOverdue.cutOff);
  if (isBusinessDay(today) && submittedAt < cutOffToday) return cutOffToday;
  return tallinnInstant(nextBusinessDay(today), settings.signingOverdue.cutOff);
}

/**
 * Resumes the batch's waiting workflow task when its milestone is reached; clears the token first so that
 * only one resumer wins. Safe to call from the collector and from `awaitMilestone` concurrently.
 */
export async function resumeIfWaiting(
  deps: Pick<BatchWorkflowDependencies, 'batches' | 'clock' | 'workflow'>,
  batch: StoredPaymentBatch,
  payments: StoredPayment[],
): Promise<boolean> {
  const awaiting = batch.awaiting;
  if (!awaiting || !milestoneReached(batch, payments, awaiting.milestone)) return false;
  const cleared: StoredPaymentBatch = {
    ...batch,
    awaiting: undefined,
    version: batch.version + 1,
    updatedAt: deps.clock.now().toISOString(),
  };
  try {
    await deps.batches.update(cleared, batch.version);
  } catch (error) {
    if ((error as { name?: string }).name === 'ConflictError') return false; // someone else resumes
    throw error;
  }
  try {
    await deps.workflow.resumeTask(awaiting.taskToken, { milestone: awaiting.milestone });
  } catch (error) {
    // A token that timed out or was already used is dead: the workflow moved on without us.
    if (
      (error as { name?: string }).name === 'TaskTimedOut' ||
      /TaskTimedOut|InvalidToken/.test(String(error))
    ) {
      return true;
    }
    // Step Functions could not be told: put the token back so the next collector run tries again.
    await deps.batches
      .update({ ...cleared, awaiting, version: cleared.version + 1 }, cleared.version)
      .catch(() => {});
    throw error;
  }
  return true;
}

export interface FinalizeResult extends BatchRef {
  status: BatchStatus;
  settled: number;
  rejected: number;
}

/** Decides the batch's final status from its payments: completed, partially completed or rejected. */
export async function finalizeBatch(
  deps: Pick<BatchWorkflowDependencies, 'batches' | 'clock'>,
  input: BatchRef,
): Promise<FinalizeResult> {
  const batch = await loadBatch(deps, input);
  const payments = await deps.batches.allPayments(batch.companyId, batch.batchId);
  const settled = payments.filter((p) => p.status === 'settled' || p.status === 'booked').length;
  const rejected = payments.filter((p) => p.status === 'rejected').length;
  const result = { companyId: batch.companyId, batchId: batch.batchId, settled, rejected };
  if (isFinalBatchStatus(batch.status)) return { ...result, status: batch.status };
  if (!allFinal(payments)) {
    throw new DomainError(
      'batch_not_final',
      `Batch ${batch.batchId} still has payments without a final status`,
    );
  }
  const status: BatchStatus =
    rejected === 0 ? 'completed' : settled === 0 ? 'rejected' : 'partially_completed';
  const next: StoredPaymentBatch = {
    ...batch,
    status,
    statusReason:
      status === 'completed'
        ? undefined
        : `${rejected} of ${payments.length} payments were rejected by the bank`,
    awaiting: undefined,
    finalizedAt: deps.clock.now().toISOString(),
    version: batch.version + 1,
    updatedAt: deps.clock.now().toISOString(),
  };
  await deps.batches.update(next, batch.version, audit(deps, batch, 'PaymentBatchFinalized', { status }));
  await releaseUnpaidDocuments(deps, batch, payments);
  return { ...result, status };
}

/** Tells people about rejected payments (each once) and a partially rejected batch. */
export async function notifyBatchProblems(
  deps: Pick<BatchWorkflowDependencies, 'batches' | 'clock' | 'notifier' | 'notificationLog'>,
  input: BatchRef,
): Promise<{ notifications: number }> {
  const batch = await loadBatch(deps, input);
  const payments = await deps.batches.allPayments(batch.companyId, batch.batchId);
  const rejected = payments.filter((payment) => payment.status === 'rejected');
  const occurredAt = deps.clock.now().toISOString();
  let sent = 0;
  for (const payment of rejected) {
    const bankText = payment.statusHistory.findLast((change) => change.status === 'rejected')?.reasonCode;
    const wasSent = await notifyOnce(deps, {
      type: 'payment_rejected',
      eventId: `payment-rejected:${batch.batchId}:${payment.paymentId}`,
      companyId: batch.companyId,
      occurredAt,
      batchId: batch.batchId,
      paymentId: payment.paymentId,
      creditorName: payment.creditorName,
      amount: payment.amount,
      ...(payment.reasonCode ? { reasonCode: payment.reasonCode } : bankText ? { reasonCode: bankText } : {}),
    });
    if (wasSent) sent += 1;
  }
  if (rejected.length > 0 && rejected.length < payments.length) {
    const wasSent = await notifyOnce(deps, {
      type: 'batch_partially_rejected',
      eventId: `batch-partially-rejected:${batch.batchId}`,
      companyId: batch.companyId,
      occurredAt,
      batchId: batch.batchId,
      rejectedCount: rejected.length,
      paymentCount: payments.length,
    });
    if (wasSent) sent += 1;
  }
  return { notifications: sent };
}

/** The signing deadline passed: payments not executed expire, the batch expires, people are told. */
export async function expireBatch(deps: BatchWorkflowDependencies, input: BatchRef): Promise<FinalizeResult> {
  const batch = await loadBatch(deps, input);
  const payments = await deps.batches.allPayments(batch.companyId, batch.batchId);
  const count = (status: PaymentStatus) => payments.filter((p) => p.status === status).length;
  if (isFinalBatchStatus(batch.status)) {
    return {
      ...input,
      status: batch.status,
      settled: count('settled') + count('booked'),
      rejected: count('rejected'),
    };
  }
  if (allFinal(payments)) {
    // The bank finished just as the deadline passed (or its last word got lost on the way): not an expiry.
    const result = await finalizeBatch(deps, input);
    await notifyBatchProblems(deps, input);
    return result;
  }
  const expired = await markPayments(deps, payments, 'expired', (p) => !isFinalPaymentStatus(p.status));
  await publishStatusChanges(deps, payments, expired);
  const settled = count('settled') + count('booked');
  const rejected = count('rejected');
  // Some payments were signed and executed before the deadline: those are paid, the rest expired.
  const status: BatchStatus = settled > 0 ? 'partially_completed' : 'expired';
  const next: StoredPaymentBatch = {
    ...batch,
    status,
    statusReason:
      settled > 0
        ? `${settled} payments were executed; ${expired.length} were not signed in time and were not paid`
        : 'The batch was not signed in the Coop Pank internet bank before its deadline',
    awaiting: undefined,
    finalizedAt: deps.clock.now().toISOString(),
    version: batch.version + 1,
    updatedAt: deps.clock.now().toISOString(),
  };
  await deps.batches.update(
    next,
    batch.version,
    audit(deps, batch, 'PaymentBatchExpired', { expired: expired.length }),
  );
  await releaseUnpaidDocuments(deps, batch, await deps.batches.allPayments(batch.companyId, batch.batchId));
  await notifyOnce(deps, {
    type: 'batch_expired',
    eventId: `batch-expired:${batch.batchId}`,
    companyId: batch.companyId,
    occurredAt: deps.clock.now().toISOString(),
    batchId: batch.batchId,
    paymentCount: expired.length,
  });
  return { companyId: batch.companyId, batchId: batch.batchId, status, settled, rejected };
}

/**
 * A step failed for good (the bank refused the message, the connection is gone, retries ran out): the batch
 * fails with the reason in words, payments that cannot have been paid are marked rejected, people are told.
 */
export async function recordBatchFailure(
  deps: BatchWorkflowDependencies,
  input: BatchRef & { error: string; cause?: string },
): Promise<FinalizeResult> {
  const batch = await loadBatch(deps, input);
  const payments = await deps.batches.allPayments(batch.companyId, batch.batchId);
  const reason = failureReason(input.error, batch);
  if (!isFinalBatchStatus(batch.status)) {
    const next: StoredPaymentBatch = {
      ...batch,
      status: 'failed',
      statusReason: reason,
      awaiting: undefined,
      finalizedAt: deps.clock.now().toISOString(),
      version: batch.version + 1,
      updatedAt: deps.clock.now().toISOString(),
    };
    if (canFail(batch.status)) {
      await deps.batches.update(
        next,
        batch.version,
        audit(deps, batch, 'PaymentBatchFailed', { error: input.error }),
      );
    }
  }
  const definitelyUnpaid =
    input.error === 'BankRequestRejectedError' || input.error === 'BankNotPermittedError';
  const rejected = definitelyUnpaid
    ? await markPayments(
        deps,
        payments,
        'rejected',
        (p) => p.status === 'sent' || p.status === 'pending',
        'NARR',
      )
    : [];
  await publishStatusChanges(deps, payments, rejected);
  await releaseUnpaidDocuments(deps, batch, await deps.batches.allPayments(batch.companyId, batch.batchId));
  await notifyOnce(deps, {
    type: 'bank_connection_failing',
    eventId: `batch-failed:${batch.batchId}`,
    companyId: batch.companyId,
    occurredAt: deps.clock.now().toISOString(),
    failure: input.error === 'BankAuthenticationError' ? 'authentication' : 'unavailable',
    detail: `Batch ${batch.batchId}: ${reason}`,
  });
  return {
    companyId: batch.companyId,
    batchId: batch.batchId,
    status: 'failed',
    settled: 0,
    rejected: rejected.length,
  };
}

function canFail(status: BatchStatus): boolean {
  try {
    assertTransition(status, 'failed');
    return true;
  } catch {
    return false;
  }
}

function failureReason(error: string, batch: StoredPaymentBatch): string {
  const sentAlready = (batch.submissions ?? []).some((s) => s.attempts > 0);
  switch (error) {
    case 'BankRequestRejectedError':
    case 'BankNotPermittedError':
      return 'Coop Pank refused the payment file; nothing was paid. Check the account permissions and try again.';
    case 'BankAuthenticationError':
      return 'Coop Pank refused our connection certificate; the batch was not sent.';
    case 'DomainError':
      return 'The batch could not be sent: the company has no active Coop Pank connection.';
    default:
      return sentAlready
        ? 'We could not confirm that Coop Pank received the batch. Do not pay these bills again until the bank statement shows whether they were paid.'
        : 'Coop Pank could not be reached; the batch was not sent.';
  }
}

/** Publishes `PaymentStatusChanged` for payments whose status changed (stable event ids). */
export async function publishStatusChanges(
  deps: Pick<BatchWorkflowDependencies, 'events'>,
  before: StoredPayment[],
  after: StoredPayment[],
): Promise<void> {
  const previous = new Map(before.map((payment) => [payment.paymentId, payment.status]));
  const events: DomainEvent[] = after.map((payment) => {
    const from = previous.get(payment.paymentId) ?? 'pending';
    const last = payment.statusHistory.at(-1);
    return {
      type: 'PaymentStatusChanged',
      eventId: `payment-status:${payment.batchId}:${payment.paymentId}:${payment.status}`,
      companyId: payment.companyId,
      occurredAt: last?.at ?? new Date().toISOString(),
      detail: {
        batchId: payment.batchId,
        paymentId: payment.paymentId,
        endToEndId: payment.endToEndId,
        from,
        to: payment.status,
        ...(payment.reasonCode
          ? { reasonCode: payment.reasonCode, reason: describeReason(payment.reasonCode).en }
          : {}),
        sourceDocument: payment.sourceDocument,
      },
    };
  });
  if (events.length > 0) await deps.events.publish(events);
}
