// GET /v1/bank-accounts: the company’s accounts with their permissions.
import { apiHandler, callerOf, json, parseQuery } from '#shared/adapters/http/api-gateway.ts';
import { wire } from '#shared/adapters/wiring.ts';
import { pageQuery } from '#shared/api/schemas.ts';
import { listBankAccounts } from '#shared/app/bank-accounts.ts';
import type { AppDependencies } from '#shared/app/context.ts';

export function makeHandler(deps: AppDependencies) {
  return apiHandler(async (event) => {
    const caller = callerOf(event);
    const page = parseQuery(event, pageQuery);
    return json(200, await listBankAccounts(deps, caller, page));
  });
}

export const handler = makeHandler(wire('api-list-bank-accounts'));
