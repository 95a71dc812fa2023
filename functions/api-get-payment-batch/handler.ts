// GET /v1/payment-batches/{batchId}: the batch as the caller's company sees it.
import { awsDependencies, lazyHandler } from '#shared/adapters/aws-dependencies.ts';
import { apiHandler, callerOf, json, pathParameter } from '#shared/adapters/http/api-gateway.ts';
import { getPaymentBatch, type PaymentBatchDependencies } from '#shared/app/payment-batches.ts';
import { presentBatch } from '#shared/app/presenters.ts';

export function makeHandler(deps: Pick<PaymentBatchDependencies, 'batches'>) {
  return apiHandler(async (event) => {
    const caller = callerOf(event);
    const batch = await getPaymentBatch(deps, caller, pathParameter(event, 'batchId'));
    return json(200, presentBatch(batch));
  });
}

export const handler = lazyHandler(() => makeHandler(awsDependencies()));
