// POST /v1/connections: start connecting the company to a bank (after it signed the Gateway contract).
import { apiHandler, callerOf, json, parseBody } from '#shared/adapters/http/api-gateway.ts';
import { wire } from '#shared/adapters/wiring.ts';
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

export const handler = makeHandler(wire('api-create-connection'));
