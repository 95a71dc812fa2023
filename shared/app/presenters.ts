// Public JSON shapes of stored items: what the API returns, never internal keys or versions.
import type { StoredPaymentBatch } from './ports.ts';

export function presentBatch(batch: StoredPaymentBatch) {
  return {
    id: batch.batchId,
    status: batch.status,
    paymentCount: batch.paymentCount,
    createdAt: batch.createdAt,
    updatedAt: batch.updatedAt,
  };
}
