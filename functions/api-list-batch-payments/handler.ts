// GET /v1/payment-batches/{batchId}/payments: the batch’s payments, paginated.
import { apiHandler, callerOf, json, parseQuery, pathParameter } from '#shared/adapters/http/api-gateway.ts';
import { wire } from '#shared/adapters/wiring.ts';
import { pageQuery } from '#shared/api/schemas.ts';
import type { AppDependencies } from '#shared/app/context.ts';
import { listBatchPayments } from '#shared/app/payment-batches.ts';

export function makeHandler(deps: AppDependencies) {
  return apiHandler(async (event) => {
    const caller = callerOf(event);
    const page = parseQuery(event, pageQuery);
    return json(200, await listBatchPayments(deps, caller, pathParameter(event, 'batchId'), page));
  });
}

export const handler = makeHandler(wire('api-list-batch-payments'));
