// PUT /v1/connections/{connectionId}/accounts: choose accounts and per-account permissions.
import { apiHandler, callerOf, json, parseBody, pathParameter } from '#shared/adapters/http/api-gateway.ts';
import { wire } from '#shared/adapters/wiring.ts';
import { setConnectionAccountsBody } from '#shared/api/schemas.ts';
import { setConnectionAccounts } from '#shared/app/connections.ts';
import type { AppDependencies } from '#shared/app/context.ts';

export function makeHandler(deps: AppDependencies) {
  return apiHandler(async (event) => {
    const caller = callerOf(event);
    const { accounts } = parseBody(event, setConnectionAccountsBody);
    const selection = accounts.map((a) => ({
      ...a,
      accountId: a.accountId.replace(/\s+/g, '').toUpperCase(),
    }));
    return json(
      200,
      await setConnectionAccounts(deps, caller, pathParameter(event, 'connectionId'), selection),
    );
  });
}

export const handler = makeHandler(wire('api-set-connection-accounts'));
