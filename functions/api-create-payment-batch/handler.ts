// POST /v1/payment-batches: store a batch and start its workflow.
import { z } from 'zod';
import { awsDependencies, lazyHandler } from '#shared/adapters/aws-dependencies.ts';
import { apiHandler, callerOf, json, parseBody } from '#shared/adapters/http/api-gateway.ts';
import { createPaymentBatch, type PaymentBatchDependencies } from '#shared/app/payment-batches.ts';
import { presentBatch } from '#shared/app/presenters.ts';

export const createPaymentBatchBody = z.strictObject({
  paymentCount: z.number().int().min(1).max(100_000),
});

export function makeHandler(deps: PaymentBatchDependencies) {
  return apiHandler(async (event) => {
    const caller = callerOf(event);
    const body = parseBody(event, createPaymentBatchBody);
    const batch = await createPaymentBatch(deps, caller, body);
    return json(201, presentBatch(batch), { location: `/v1/payment-batches/${batch.batchId}` });
  });
}

export const handler = lazyHandler(() => makeHandler(awsDependencies()));
