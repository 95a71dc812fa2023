// GET /v1/notification-subscriptions: the company’s alert subscriptions.
import { apiHandler, callerOf, json } from '#shared/adapters/http/api-gateway.ts';
import { wire } from '#shared/adapters/wiring.ts';
import type { AppDependencies } from '#shared/app/context.ts';
import { listSubscriptions } from '#shared/app/notification-subscriptions.ts';

export function makeHandler(deps: AppDependencies) {
  return apiHandler(async (event) => json(200, await listSubscriptions(deps, callerOf(event))));
}

export const handler = makeHandler(wire('api-list-notification-subscriptions'));
