// POST /v1/connections/{connectionId}/revoke: revoke the connection.
import { awsDependencies, lazyHandler } from '#shared/adapters/aws-dependencies.ts';
import { apiHandler, callerOf, json, pathParameter } from '#shared/adapters/http/api-gateway.ts';
import { revokeConnection } from '#shared/app/connections.ts';
import type { AppDependencies } from '#shared/app/context.ts';

export function makeHandler(deps: AppDependencies) {
  return apiHandler(async (event) => {
    const caller = callerOf(event);
    return json(200, await revokeConnection(deps, caller, pathParameter(event, 'connectionId')));
  });
}

export const handler = lazyHandler(() => makeHandler(awsDependencies()));
