// POST /v1/connections: start connecting the company to a bank (after it signed the Gateway contract).
import { awsDependencies, lazyHandler } from '#shared/adapters/aws-dependencies.ts';
import { apiHandler, callerOf, json, parseBody } from '#shared/adapters/http/api-gateway.ts';
import { createConnectionBody } from '#shared/api/schemas.ts';
import { createConnection } from '#shared/app/connections.ts';
import type { AppDependencies } from '#shared/app/context.ts';

export function makeHandler(deps: AppDependencies) {
  return apiHandler(async (event) => {
    const caller = callerOf(event);
    const body = parseBody(event, createConnectionBody);
    const connection = await createConnection(deps, caller, body);
    return json(201, connection, { location: `/v1/connections/${connection.id}` });
  });
}

export const handler = lazyHandler(() => makeHandler(awsDependencies()));
