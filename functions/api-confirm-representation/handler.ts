// POST /v1/connections/{connectionId}/representation-confirmations: the signed-in person confirms representation.
import { apiHandler, callerOf, json, pathParameter } from '#shared/adapters/http/api-gateway.ts';
import { wire } from '#shared/adapters/wiring.ts';
import { confirmRepresentation } from '#shared/app/connections.ts';
import type { AppDependencies } from '#shared/app/context.ts';

export function makeHandler(deps: AppDependencies) {
  return apiHandler(async (event) => {
    const caller = callerOf(event);
    return json(200, await confirmRepresentation(deps, caller, pathParameter(event, 'connectionId')));
  });
}

export const handler = makeHandler(wire('api-confirm-representation'));
