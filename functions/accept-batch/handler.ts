// Workflow task: the batch workflow takes ownership of a confirmed batch (first step of every execution).
import { z } from 'zod';
import { awsDependencies, lazyHandler } from '#shared/adapters/aws-dependencies.ts';
import { acceptBatchForProcessing, type PaymentBatchDependencies } from '#shared/app/payment-batches.ts';
import { parseInput } from '#shared/validation.ts';

const acceptBatchInput = z.object({
  companyId: z.string().min(1),
  batchId: z.string().min(1),
  executionName: z.string().min(1),
});

export function makeHandler(deps: Pick<PaymentBatchDependencies, 'batches' | 'clock'>) {
  return async (event: unknown) => {
    const input = parseInput(event, acceptBatchInput, 'Invalid accept-batch task input');
    const batch = await acceptBatchForProcessing(deps, input);
    return { companyId: batch.companyId, batchId: batch.batchId, status: batch.status };
  };
}

export const handler = lazyHandler(() => makeHandler(awsDependencies()));
