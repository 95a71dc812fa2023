import { describe, expect, it } from 'vitest';
import {
  assertTransition,
  batchStatuses,
  canTransition,
  isFinalBatchStatus,
} from '../../../shared/domain/payment-batch.ts';
import { DomainError } from '../../../shared/errors.ts';

describe('payment batch lifecycle', () => {
  it('follows the happy path from draft to completed', () => {
    const path = [
      'draft',
      'confirmed',
      'submitting',
      'submitted',
      'acknowledged',
      'awaiting_signature',
      'completed',
    ] as const;
    for (let index = 1; index < path.length; index += 1) {
      expect(canTransition(path[index - 1] as never, path[index] as never)).toBe(true);
    }
  });

  it('never leaves a final status', () => {
    for (const status of batchStatuses.filter(isFinalBatchStatus)) {
      for (const target of batchStatuses) expect(canTransition(status, target)).toBe(false);
    }
    expect(batchStatuses.filter(isFinalBatchStatus)).toEqual([
      'completed',
      'partially_completed',
      'rejected',
      'failed',
      'expired',
      'cancelled',
    ]);
  });

  it('refuses to cancel a batch that was already handed to the bank, naming both statuses', () => {
    expect(() => assertTransition('submitted', 'cancelled')).toThrow(DomainError);
    expect(() => assertTransition('submitted', 'cancelled')).toThrow(
      'A batch cannot move from submitted to cancelled',
    );
  });
});
