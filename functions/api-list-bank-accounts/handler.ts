// GET /v1/bank-accounts: the company’s accounts with their permissions.
import { awsDependencies, lazyHandler } from '#shared/adapters/aws-dependencies.ts';
import { apiHandler, callerOf, json, parseQuery } from '#shared/adapters/http/api-gateway.ts';
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

export const handler = lazyHandler(() => makeHandler(awsDependencies()));
