// GET /v1/connections/{connectionId}: the connection and its onboarding status.
import { apiHandler, callerOf, json, pathParameter } from '#shared/adapters/http/api-gateway.ts';
import { wire } from '#shared/adapters/wiring.ts';
import { getConnection } from '#shared/app/connections.ts';
import type { AppDependencies } from '#shared/app/context.ts';

export function makeHandler(deps: AppDependencies) {
  return apiHandler(async (event) => {
    const caller = callerOf(event);
    return json(200, await getConnection(deps, caller, pathParameter(event, 'connectionId')));
  });
}

export const handler = makeHandler(wire('api-get-connection'));
