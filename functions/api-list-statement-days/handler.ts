// GET /v1/bank-accounts/{accountId}/statement-days: statement days with balances and completeness.
import { apiHandler, callerOf, json, parseQuery, pathParameter } from '#shared/adapters/http/api-gateway.ts';
import { wire } from '#shared/adapters/wiring.ts';
import { dateRangeQuery } from '#shared/api/schemas.ts';
import { listStatementDays } from '#shared/app/bank-accounts.ts';
import type { AppDependencies } from '#shared/app/context.ts';

export function makeHandler(deps: AppDependencies) {
  return apiHandler(async (event) => {
    const caller = callerOf(event);
    const { from, to, ...page } = parseQuery(event, dateRangeQuery);
    const days = await listStatementDays(deps, caller, pathParameter(event, 'accountId'), { from, to }, page);
    return json(200, days);
  });
}

export const handler = makeHandler(wire('api-list-statement-days'));
