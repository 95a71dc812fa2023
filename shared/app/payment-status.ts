// pain.002 processor: turns the bank's status reports into payment statuses (monotonic, idempotent, safe
// out of order), publishes each change, moves the batch to its next milestone and resumes its workflow.
import type { BankMessage } from '../bank/bank-gateway.ts';
import { canMovePayment, type PaymentStatus } from '../domain/payment.ts';
import { canTransition } from '../domain/payment-batch.ts';
import { AppError } from '../errors.ts';
import { parsePain002 } from '../iso20022/pain002.ts';
import type { ParsedPain002, StatusReason, TransactionStatus } from '../iso20022/types.ts';
import type { BankMessageProcessor, ProcessingContext, ProcessingOutcome } from './bank-messages.ts';
import {
  type BatchWorkflowDependencies,
  paymentInformationIdsOf,
  publishStatusChanges,
  resumeIfWaiting,
  savePaymentStatus,
  withStatus,
} from './batch-workflow.ts';
import type { StoredPayment, StoredPaymentBatch } from './ports.ts';

/** A message that can never be processed as it is: quarantined, archived, alerted. */
export class UnprocessableMessageError extends AppError {
  override name = 'UnprocessableMessageError';
  readonly quarantine = true;
  constructor(message: string) {
    super('message_unprocessable', message);
  }
}

/** ISO transaction status → our payment status; undefined: no change (e.g. RCVD, unknown codes). */
export function paymentStatusFor(status: TransactionStatus | undefined): PaymentStatus | undefined {
  switch (status) {
    case 'ACTC':
    case 'ACCP':
    case 'ACWC':
    case 'ACSP':
      return 'accepted';
    case 'PDNG':
      return 'pending_signature';
    case 'ACSC':
      return 'settled';
    case 'RJCT':
      return 'rejected';
    default:
      return undefined;
  }
}

function reasonCodeOf(reasons: StatusReason[]): string | undefined {
  const reason = reasons.find((r) => r.code ?? r.proprietary);
  return reason?.code ?? reason?.proprietary;
}

interface Verdict {
  status: PaymentStatus;
  reasonCode?: string | undefined;
}

/** The most specific status the report gives for each payment: transaction, then PmtInf, then group level. */
function verdicts(
  report: ParsedPain002,
  payments: StoredPayment[],
  paymentInformationIds: Map<string, string>,
): Map<string, Verdict> {
  const byTransaction = new Map(report.transactions.map((tx) => [tx.originalEndToEndId, tx]));
  const byPaymentInformation = new Map(
    report.paymentInformation.map((pmtInf) => [pmtInf.originalPaymentInformationId, pmtInf]),
  );
  const result = new Map<string, Verdict>();
  for (const payment of payments) {
    const tx = byTransaction.get(payment.endToEndId);
    const pmtInfId = tx?.originalPaymentInformationId ?? paymentInformationIds.get(payment.endToEndId);
    const pmtInf = pmtInfId ? byPaymentInformation.get(pmtInfId) : undefined;
    const [status, reasons] = tx
      ? [tx.status, tx.reasons]
      : pmtInf?.status
        ? [pmtInf.status, pmtInf.reasons]
        : [report.groupStatus, report.groupReasons];
    const target = paymentStatusFor(status);
    if (!target) continue;
    const reasonCode =
      target === 'rejected' ? (reasonCodeOf(reasons) ?? reasonCodeOf(report.groupReasons)) : undefined;
    result.set(payment.paymentId, { status: target, reasonCode });
  }
  return result;
}

function nextBatchStatus(batch: StoredPaymentBatch, payments: StoredPayment[]): StoredPaymentBatch['status'] {
  const wanted = payments.some((p) => p.status === 'pending_signature')
    ? 'awaiting_signature'
    : 'acknowledged';
  if (batch.status === wanted) return batch.status;
  if (canTransition(batch.status, wanted)) return wanted;
  if (wanted === 'awaiting_signature' && canTransition(batch.status, 'acknowledged')) return 'acknowledged';
  return batch.status;
}

export function paymentStatusProcessor(deps: BatchWorkflowDependencies): BankMessageProcessor {
  return {
    type: 'pain.002',
    async process(message: BankMessage, context: ProcessingContext): Promise<ProcessingOutcome> {
      // Another collector may be changing the same payments (duplicate reports processed side by side): a lost
      // race re-reads and re-applies, which is safe because the changes are monotonic and idempotent.
      for (let attempt = 1; ; attempt += 1) {
        try {
          return await applyReport(deps, message, context);
        } catch (error) {
          if ((error as { name?: string }).name !== 'ConflictError' || attempt >= 5) throw error;
        }
      }
    },
  };
}

async function applyReport(
  deps: BatchWorkflowDependencies,
  message: BankMessage,
  context: ProcessingContext,
): Promise<ProcessingOutcome> {
  const report = parsePain002(message.body);
  const owner = await deps.messageIds.ownerOf(report.originalMessageId);
  if (!owner) {
    throw new UnprocessableMessageError(`Status report for unknown message ${report.originalMessageId}`);
  }
  if (context.companyId && context.companyId !== owner.companyId) {
    throw new UnprocessableMessageError(
      `Status report for message ${report.originalMessageId} came for another end user than the one that sent it`,
    );
  }
  await deps.messageIds.markReported(report.originalMessageId, deps.clock.now().toISOString());
  const batch = await deps.batches.get(owner.companyId, owner.batchId);
  if (!batch) throw new UnprocessableMessageError(`Batch of message ${report.originalMessageId} is gone`);
  const sentInMessage = new Set(
    batch.submissions?.find((s) => s.messageId === report.originalMessageId)?.endToEndIds ?? [],
  );
  const before = (await deps.batches.allPayments(owner.companyId, owner.batchId)).filter((p) =>
    sentInMessage.has(p.endToEndId),
  );
  const decided = verdicts(report, before, paymentInformationIdsOf(batch, before));
  const at = deps.clock.now().toISOString();
  const changed: StoredPayment[] = [];
  for (const payment of before) {
    const verdict = decided.get(payment.paymentId);
    // Monotonic: a report older than what we know (out of order, duplicate) changes nothing.
    if (!verdict || !canMovePayment(payment.status, verdict.status)) continue;
    const next = withStatus(payment, verdict.status, at, verdict.reasonCode);
    await savePaymentStatus(deps, payment, next);
    changed.push(next);
  }
  await publishStatusChanges(deps, before, changed);
  await advanceBatch(deps, owner.companyId, owner.batchId, at);
  return {
    summary: `pain.002 for ${report.originalMessageId}: ${changed.length} payment status changes`,
    touchedBatches: [owner],
  };
}

/** Records the bank's acknowledgement and the batch's progress, then resumes its workflow if it waits. */
export async function advanceBatch(
  deps: Pick<BatchWorkflowDependencies, 'batches' | 'clock' | 'workflow'>,
  companyId: string,
  batchId: string,
  at: string,
): Promise<void> {
  for (let attempt = 0; attempt < 6; attempt += 1) {
    const batch = await deps.batches.get(companyId, batchId);
    if (!batch) return;
    const payments = await deps.batches.allPayments(companyId, batchId);
    const status = nextBatchStatus(batch, payments);
    const acknowledgedAt = batch.bankAcknowledgedAt ?? at;
    if (status === batch.status && acknowledgedAt === batch.bankAcknowledgedAt) {
      await resumeIfWaiting(deps, batch, payments);
      return;
    }
    const next: StoredPaymentBatch = {
      ...batch,
      status,
      bankAcknowledgedAt: acknowledgedAt,
      version: batch.version + 1,
      updatedAt: deps.clock.now().toISOString(),
    };
    try {
      await deps.batches.update(next, batch.version);
    } catch (error) {
      if ((error as { name?: string }).name === 'ConflictError') continue;
      throw error;
    }
    await resumeIfWaiting(deps, next, payments);
    return;
  }
}
