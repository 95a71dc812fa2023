// GET /v1/payment-batches/{batchId}/summary: the preview shown before "Pay with Coop Pank".
import { apiHandler, callerOf, json, pathParameter } from '#shared/adapters/http/api-gateway.ts';
import { wire } from '#shared/adapters/wiring.ts';
import type { AppDependencies } from '#shared/app/context.ts';
import { summarizeBatch } from '#shared/app/payment-batches.ts';

export function makeHandler(deps: AppDependencies) {
  return apiHandler(async (event) => {
    const caller = callerOf(event);
    return json(200, await summarizeBatch(deps, caller, pathParameter(event, 'batchId')));
  });
}

export const handler = makeHandler(wire('api-summarize-payment-batch'));
