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
    throw new DomainError('illegal_batch_transition', `A batch cannot move from ${from} to ${to}`);
  }
}
