// Who gets the connector's alerts (email, SMS) in a company.
import type { NotificationSubscription } from '../domain/notification-subscription.ts';
import { type Actor, type AppDependencies, auditEvent, requireRole, roles } from './context.ts';
import type { StoredNotificationSubscription } from './ports.ts';
import { presentSubscription } from './presenters.ts';

export async function createSubscription(
  deps: AppDependencies,
  actor: Actor,
  input: Omit<NotificationSubscription, 'subscriptionId'>,
) {
  requireRole(actor, roles.manageConnection, 'manage notification subscriptions');
  const draft: StoredNotificationSubscription = {
    ...input,
    subscriptionId: deps.ids.next(),
    companyId: actor.companyId,
    createdAt: deps.clock.now().toISOString(),
    createdBy: actor.userId,
  };
  // Delivery first: a stored subscription always has a channel behind it.
  const channelRef = await deps.channels.subscribe(draft);
  const subscription: StoredNotificationSubscription = { ...draft, ...(channelRef ? { channelRef } : {}) };
  await deps.subscriptions.create(
    subscription,
    auditEvent(
      deps,
      actor,
      'NotificationSubscription',
      subscription.subscriptionId,
      'NotificationSubscribed',
      {
        channel: input.channel,
        types: input.types,
      },
    ),
  );
  return presentSubscription(subscription);
}

export async function listSubscriptions(deps: AppDependencies, actor: Actor) {
  return { items: (await deps.subscriptions.list(actor.companyId)).map(presentSubscription) };
}

export async function removeSubscription(deps: AppDependencies, actor: Actor, subscriptionId: string) {
  requireRole(actor, roles.manageConnection, 'manage notification subscriptions');
  const existing = (await deps.subscriptions.list(actor.companyId)).find(
    (s) => s.subscriptionId === subscriptionId,
  );
  await deps.subscriptions.remove(
    actor.companyId,
    subscriptionId,
    auditEvent(deps, actor, 'NotificationSubscription', subscriptionId, 'NotificationUnsubscribed'),
  );
  if (existing?.channelRef) await deps.channels.unsubscribe(existing.channelRef);
}
