// POST /v1/notification-subscriptions: subscribe an email address or phone number to alerts.
import { apiHandler, callerOf, json, parseBody } from '#shared/adapters/http/api-gateway.ts';
import { wire } from '#shared/adapters/wiring.ts';
import { createSubscriptionBody } from '#shared/api/schemas.ts';
import type { AppDependencies } from '#shared/app/context.ts';
import { createSubscription } from '#shared/app/notification-subscriptions.ts';

export function makeHandler(deps: AppDependencies) {
  return apiHandler(async (event) => {
    const caller = callerOf(event);
    const subscription = await createSubscription(deps, caller, parseBody(event, createSubscriptionBody));
    return json(201, subscription, { location: `/v1/notification-subscriptions/${subscription.id}` });
  });
}

export const handler = makeHandler(wire('api-create-notification-subscription'));
