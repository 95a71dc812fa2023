// GET /v1/bank-accounts/{accountId}/transactions: statement entries, filtered and paginated.
import { apiHandler, callerOf, json, parseQuery, pathParameter } from '#shared/adapters/http/api-gateway.ts';
import { wire } from '#shared/adapters/wiring.ts';
import { transactionsQuery } from '#shared/api/schemas.ts';
import { listTransactions } from '#shared/app/bank-accounts.ts';
import type { AppDependencies } from '#shared/app/context.ts';

export function makeHandler(deps: AppDependencies) {
  return apiHandler(async (event) => {
    const caller = callerOf(event);
    const { limit, cursor, ...filter } = parseQuery(event, transactionsQuery);
    const entries = await listTransactions(deps, caller, pathParameter(event, 'accountId'), filter, {
      limit,
      cursor,
    });
    return json(200, entries);
  });
}

export const handler = makeHandler(wire('api-list-transactions'));
