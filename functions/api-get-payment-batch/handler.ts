// GET /v1/payment-batches/{batchId}: status, per-payment status with reasons in words, and the timeline.
import { apiHandler, callerOf, json, parseQuery, pathParameter } from '#shared/adapters/http/api-gateway.ts';
import { wire } from '#shared/adapters/wiring.ts';
import { pageQuery } from '#shared/api/schemas.ts';
import type { AppDependencies } from '#shared/app/context.ts';
import { getBatchStatus } from '#shared/app/payment-batches.ts';

export function makeHandler(deps: AppDependencies) {
  return apiHandler(async (event) => {
    const caller = callerOf(event);
    const page = parseQuery(event, pageQuery);
    return json(200, await getBatchStatus(deps, caller, pathParameter(event, 'batchId'), page));
  });
}

export const handler = makeHandler(wire('api-get-payment-batch'));
