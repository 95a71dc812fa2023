// Payment batch use cases. The handlers in functions/ call exactly one of these each.
import { assertTransition } from '../domain/payment-batch.ts';
import { NotFoundError } from '../errors.ts';
import type {
  Clock,
  IdGenerator,
  PaymentBatchRepository,
  StoredPaymentBatch,
  WorkflowEngine,
} from './ports.ts';

export interface PaymentBatchDependencies {
  batches: PaymentBatchRepository;
  workflow: WorkflowEngine;
  clock: Clock;
  ids: IdGenerator;
}

export interface Actor {
  companyId: string;
  userId: string;
}

/** Stores a confirmed batch and hands it to the batch workflow. */
export async function createPaymentBatch(
  deps: PaymentBatchDependencies,
  actor: Actor,
  input: { paymentCount: number },
): Promise<StoredPaymentBatch> {
  const now = deps.clock.now().toISOString();
  const batch: StoredPaymentBatch = {
    companyId: actor.companyId,
    batchId: deps.ids.next(),
    status: 'confirmed',
    version: 1,
    paymentCount: input.paymentCount,
    createdAt: now,
    createdBy: actor.userId,
    updatedAt: now,
  };
  await deps.batches.create(batch);
  const { executionName } = await deps.workflow.startBatchWorkflow({
    companyId: batch.companyId,
    batchId: batch.batchId,
  });
  return { ...batch, workflowExecutionName: executionName };
}

export async function getPaymentBatch(
  deps: Pick<PaymentBatchDependencies, 'batches'>,
  actor: Actor,
  batchId: string,
): Promise<StoredPaymentBatch> {
  const batch = await deps.batches.get(actor.companyId, batchId);
  if (!batch) throw new NotFoundError('Payment batch', batchId);
  return batch;
}

/** First workflow step: the workflow takes ownership of a confirmed batch. Safe to run twice. */
export async function acceptBatchForProcessing(
  deps: Pick<PaymentBatchDependencies, 'batches' | 'clock'>,
  input: { companyId: string; batchId: string; executionName: string },
): Promise<StoredPaymentBatch> {
  const batch = await deps.batches.get(input.companyId, input.batchId);
  if (!batch) throw new NotFoundError('Payment batch', input.batchId);
  if (batch.status === 'submitting' && batch.workflowExecutionName === input.executionName) return batch;
  assertTransition(batch.status, 'submitting');
  const updated: StoredPaymentBatch = {
    ...batch,
    status: 'submitting',
    version: batch.version + 1,
    updatedAt: deps.clock.now().toISOString(),
    workflowExecutionName: input.executionName,
  };
  await deps.batches.update(updated, batch.version);
  return updated;
}
