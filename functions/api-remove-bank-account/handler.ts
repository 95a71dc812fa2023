// DELETE /v1/bank-accounts/{accountId}: remove an account no connection selects.
import { apiHandler, callerOf, noContent, pathParameter } from '#shared/adapters/http/api-gateway.ts';
import { wire } from '#shared/adapters/wiring.ts';
import { removeBankAccount } from '#shared/app/bank-accounts.ts';
import type { AppDependencies } from '#shared/app/context.ts';

export function makeHandler(deps: AppDependencies) {
  return apiHandler(async (event) => {
    const caller = callerOf(event);
    await removeBankAccount(deps, caller, pathParameter(event, 'accountId'));
    return noContent();
  });
}

export const handler = makeHandler(wire('api-remove-bank-account'));
