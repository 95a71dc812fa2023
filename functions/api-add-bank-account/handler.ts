// POST /v1/bank-accounts: add a Coop Pank account (IBAN checked: valid and bank code 42).
import { apiHandler, callerOf, json, parseBody } from '#shared/adapters/http/api-gateway.ts';
import { wire } from '#shared/adapters/wiring.ts';
import { addBankAccountBody } from '#shared/api/schemas.ts';
import { addBankAccount } from '#shared/app/bank-accounts.ts';
import type { AppDependencies } from '#shared/app/context.ts';

export function makeHandler(deps: AppDependencies) {
  return apiHandler(async (event) => {
    const caller = callerOf(event);
    const body = parseBody(event, addBankAccountBody);
    const account = await addBankAccount(deps, caller, body);
    return json(201, account, { location: `/v1/bank-accounts/${account.id}` });
  });
}

export const handler = makeHandler(wire('api-add-bank-account'));
