// Payment batch lifecycle: the statuses a batch moves through and the only transitions allowed between them.
import { DomainError } from '../errors.ts';

export const batchStatuses = [
  'draft',
  'confirmed',
  /** The workflow owns the batch; a bank submission may be in flight (outcome unknown until acknowledged). */
  'submitting',
  'submitted',
  'acknowledged',
  'awaiting_signature',
  'completed',
  'partially_completed',
  'rejected',
  'failed',
  'expired',
  'cancelled',
] as const;

export type BatchStatus = (typeof batchStatuses)[number];

const allowedTransitions: Record<BatchStatus, readonly BatchStatus[]> = {
  draft: ['confirmed', 'cancelled'],
  confirmed: ['submitting', 'cancelled', 'failed'],
  submitting: ['submitted', 'failed'],
  submitted: ['acknowledged', 'awaiting_signature', 'rejected', 'failed', 'completed', 'partially_completed'],
  acknowledged: ['awaiting_signature', 'completed', 'partially_completed', 'rejected', 'failed', 'expired'],
  awaiting_signature: ['completed', 'partially_completed', 'rejected', 'failed', 'expired'],
  completed: [],
  partially_completed: [],
  rejected: [],
  failed: [],
  expired: [],
  cancelled: [],
};

export function isFinalBatchStatus(status: BatchStatus): boolean {
  return allowedTransitions[status].length === 0;
}

export function canTransition(from: BatchStatus, to: BatchStatus): boolean {
  return allowedTransitions[from].includes(to);
}

/** Throws a DomainError naming both statuses when the move is not allowed. */
export function assertTransition(from: BatchStatus, to: BatchStatus): void {
  if (!canTransition(from, to)) {
    throw new DomainError(
      'illegal_batch_transition',
      `A batch cannot move from ${from} to ${to} (it is ${describeBatchStatus(from)})`,
    );
  }
}

/** Open batches hold their source documents: a bill in an open batch cannot go into another batch. */
export function isOpenBatchStatus(status: BatchStatus): boolean {
  return !isFinalBatchStatus(status);
}

/**
 * Batches whose payments count when looking for possible duplicates: open ones and those that were sent.
 * Cancelled, rejected, failed and expired batches paid nothing.
 */
export function countsForDuplicates(status: BatchStatus): boolean {
  return !['cancelled', 'rejected', 'failed', 'expired'].includes(status);
}

/** Cancelling is possible only before the batch is handed to the bank. */
export function isCancellable(status: BatchStatus): boolean {
  return canTransition(status, 'cancelled');
}

const batchStatusWords: Record<BatchStatus, string> = {
  draft: 'draft (not confirmed yet)',
  confirmed: 'confirmed, waiting to be sent to the bank',
  submitting: 'being sent to the bank',
  submitted: 'sent to the bank',
  acknowledged: 'received by the bank',
  awaiting_signature: 'waiting for signing in the Coop Pank internet bank',
  completed: 'completed: all payments were executed',
  partially_completed: 'partially completed: some payments were rejected',
  rejected: 'rejected by the bank',
  failed: 'failed: it could not be sent to the bank',
  expired: 'expired: it was not signed in time',
  cancelled: 'cancelled before it was sent',
};

export function describeBatchStatus(status: BatchStatus): string {
  return batchStatusWords[status];
}
