// DELETE /v1/notification-subscriptions/{subscriptionId}: stop sending alerts there.
import { apiHandler, callerOf, noContent, pathParameter } from '#shared/adapters/http/api-gateway.ts';
import { wire } from '#shared/adapters/wiring.ts';
import type { AppDependencies } from '#shared/app/context.ts';
import { removeSubscription } from '#shared/app/notification-subscriptions.ts';

export function makeHandler(deps: AppDependencies) {
  return apiHandler(async (event) => {
    await removeSubscription(deps, callerOf(event), pathParameter(event, 'subscriptionId'));
    return noContent();
  });
}

export const handler = makeHandler(wire('api-remove-notification-subscription'));
