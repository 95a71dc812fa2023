// POST /v1/payment-batches: store a draft batch from payment lines (nothing is sent yet).
import { apiHandler, callerOf, json, parseBody } from '#shared/adapters/http/api-gateway.ts';
import { wire } from '#shared/adapters/wiring.ts';
import { createPaymentBatchBody } from '#shared/api/schemas.ts';
import type { AppDependencies } from '#shared/app/context.ts';
import { createDraftBatch } from '#shared/app/payment-batches.ts';
import { presentBatch } from '#shared/app/presenters.ts';

export { createPaymentBatchBody };

export function makeHandler(deps: AppDependencies) {
  return apiHandler(async (event) => {
    const caller = callerOf(event);
    const body = parseBody(event, createPaymentBatchBody);
    const batch = await createDraftBatch(deps, caller, body);
    return json(201, presentBatch(batch), { location: `/v1/payment-batches/${batch.batchId}` });
  });
}

export const handler = makeHandler(wire('api-create-payment-batch'));
