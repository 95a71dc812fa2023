// POST /v1/connections/{connectionId}/activate: activate the reviewed connection.
import { apiHandler, callerOf, json, pathParameter } from '#shared/adapters/http/api-gateway.ts';
import { wire } from '#shared/adapters/wiring.ts';
import { activateConnection } from '#shared/app/connections.ts';
import type { AppDependencies } from '#shared/app/context.ts';

export function makeHandler(deps: AppDependencies) {
  return apiHandler(async (event) => {
    const caller = callerOf(event);
    return json(200, await activateConnection(deps, caller, pathParameter(event, 'connectionId')));
  });
}

export const handler = makeHandler(wire('api-activate-connection'));
