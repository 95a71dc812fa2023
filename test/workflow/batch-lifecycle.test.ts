// The synthesized batch lifecycle state machine, executed locally with the real task handlers and DynamoDB Local.
import { beforeAll, describe, expect, it } from 'vitest';
import { createLocalRuntime, type LocalRuntime } from '../../infra/local/runtime.ts';
import type { StoredPaymentBatch } from '../../shared/app/ports.ts';
import { isolatedTable } from '../support/dynamodb.ts';

function storedBatch(batchId: string, status: StoredPaymentBatch['status']): StoredPaymentBatch {
  return {
    companyId: 'company-w',
    batchId,
    status,
    version: 1,
    paymentCount: 2,
    createdAt: '2026-11-29T08:00:00.000Z',
    createdBy: 'user-w',
    updatedAt: '2026-11-29T08:00:00.000Z',
  };
}

describe('batch lifecycle state machine', () => {
  let runtime: LocalRuntime;

  beforeAll(async () => {
    const table = await isolatedTable();
    runtime = createLocalRuntime({ dynamoDbEndpoint: table.endpoint, tableName: table.tableName });
  });

  it('takes ownership of a confirmed batch under an execution named after the batch', async () => {
    await runtime.dependencies.batches.create(storedBatch('batch-1', 'confirmed'));
    const { executionName } = await runtime.workflow.startBatchWorkflow({
      companyId: 'company-w',
      batchId: 'batch-1',
    });
    expect(executionName).toBe('batch-1');
    const execution = await runtime.workflow.waitForExecution('batch-1');
    expect(execution.status).toBe('SUCCEEDED');
    const batch = await runtime.dependencies.batches.get('company-w', 'batch-1');
    expect(batch).toMatchObject({ status: 'submitting', version: 2, workflowExecutionName: 'batch-1' });
  });

  it('fails the execution, changing nothing, when the batch is not in a state the workflow may take', async () => {
    await runtime.dependencies.batches.create(storedBatch('batch-2', 'draft'));
    await runtime.workflow.startBatchWorkflow({ companyId: 'company-w', batchId: 'batch-2' });
    const execution = await runtime.workflow.waitForExecution('batch-2');
    expect(execution.status).toBe('FAILED');
    expect(execution.error).toMatchObject({
      name: 'DomainError',
      message: 'A batch cannot move from draft to submitting',
    });
    expect(await runtime.dependencies.batches.get('company-w', 'batch-2')).toMatchObject({
      status: 'draft',
      version: 1,
    });
  });
});
