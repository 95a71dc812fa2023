// POST /v1/payment-batches/{batchId}/confirm: "Pay with Coop Pank" (Idempotency-Key required).
import {
  apiHandler,
  callerOf,
  json,
  parseBody,
  parseHeader,
  pathParameter,
} from '#shared/adapters/http/api-gateway.ts';
import { wire } from '#shared/adapters/wiring.ts';
import { confirmPaymentBatchBody, idempotencyKeySchema } from '#shared/api/schemas.ts';
import type { AppDependencies } from '#shared/app/context.ts';
import { confirmBatch } from '#shared/app/payment-batches.ts';

export function makeHandler(deps: AppDependencies) {
  return apiHandler(async (event) => {
    const caller = callerOf(event);
    const idempotencyKey = parseHeader(event, 'Idempotency-Key', idempotencyKeySchema);
    const body = parseBody(event, confirmPaymentBatchBody);
    const result = await confirmBatch(deps, caller, pathParameter(event, 'batchId'), {
      idempotencyKey,
      ...body,
    });
    return json(result.statusCode, result.body, result.replayed ? { 'idempotent-replayed': 'true' } : {});
  });
}

export const handler = makeHandler(wire('api-confirm-payment-batch'));
