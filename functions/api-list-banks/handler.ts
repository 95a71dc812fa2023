// GET /v1/banks: the supported banks and their capabilities.
import { apiHandler, callerOf, json } from '#shared/adapters/http/api-gateway.ts';
import { listBanks } from '#shared/app/bank-accounts.ts';

export function makeHandler(_deps?: unknown) {
  return apiHandler(async (event) => {
    callerOf(event);
    return json(200, listBanks());
  });
}

export const handler = makeHandler();
