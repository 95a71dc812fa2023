// Ports the use cases depend on. Adapters (DynamoDB, Step Functions, the local runtime) implement them.
import type { BatchStatus } from '../domain/payment-batch.ts';

export interface Clock {
  now(): Date;
}

export interface IdGenerator {
  /** A new unique, URL-safe identifier. */
  next(): string;
}

export interface StoredPaymentBatch {
  companyId: string;
  batchId: string;
  status: BatchStatus;
  /** Incremented on every write; writes are conditional on the version read. */
  version: number;
  paymentCount: number;
  createdAt: string;
  createdBy: string;
  updatedAt: string;
  workflowExecutionName?: string | undefined;
}

export interface PaymentBatchRepository {
  /** Stores a new batch; fails with ConflictError when the id is taken. */
  create(batch: StoredPaymentBatch): Promise<void>;
  get(companyId: string, batchId: string): Promise<StoredPaymentBatch | undefined>;
  /** Writes the changed batch if its stored version is still `expectedVersion`; ConflictError otherwise. */
  update(batch: StoredPaymentBatch, expectedVersion: number): Promise<void>;
}

export interface WorkflowEngine {
  /** Starts the batch lifecycle; the execution name is the batch id so a second start is refused. */
  startBatchWorkflow(input: { companyId: string; batchId: string }): Promise<{ executionName: string }>;
  resumeTask(taskToken: string, output: unknown): Promise<void>;
  failTask(taskToken: string, error: string, cause: string): Promise<void>;
}

export const systemClock: Clock = { now: () => new Date() };

export const randomIds: IdGenerator = { next: () => crypto.randomUUID() };
