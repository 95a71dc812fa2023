// GET /v1/payment-batches: the company’s batches, paginated.
import { apiHandler, callerOf, json, parseQuery } from '#shared/adapters/http/api-gateway.ts';
import { wire } from '#shared/adapters/wiring.ts';
import { pageQuery } from '#shared/api/schemas.ts';
import type { AppDependencies } from '#shared/app/context.ts';
import { listBatches } from '#shared/app/payment-batches.ts';

export function makeHandler(deps: AppDependencies) {
  return apiHandler(async (event) => {
    const caller = callerOf(event);
    return json(200, await listBatches(deps, caller, parseQuery(event, pageQuery)));
  });
}

export const handler = makeHandler(wire('api-list-payment-batches'));
