// POST /v1/payment-batches/{batchId}/cancel: cancel a batch not yet sent; its documents are freed.
import { apiHandler, callerOf, json, pathParameter } from '#shared/adapters/http/api-gateway.ts';
import { wire } from '#shared/adapters/wiring.ts';
import type { AppDependencies } from '#shared/app/context.ts';
import { cancelBatch } from '#shared/app/payment-batches.ts';

export function makeHandler(deps: AppDependencies) {
  return apiHandler(async (event) => {
    const caller = callerOf(event);
    return json(200, await cancelBatch(deps, caller, pathParameter(event, 'batchId')));
  });
}

export const handler = makeHandler(wire('api-cancel-payment-batch'));
