// NotificationChannels on SNS: one topic subscription per subscriber, filtered on the message attributes the
// notifier sets (company, type, severity), so subscribers only receive their own company's chosen alerts.
import { type SNSClient, SubscribeCommand, UnsubscribeCommand } from '@aws-sdk/client-sns';
import type { NotificationChannels, StoredNotificationSubscription } from '../app/ports.ts';
import { notificationSeverities } from '../domain/notification-subscription.ts';
import { InfrastructureError } from '../errors.ts';

/** The SNS filter policy of a subscription (message attributes scope). */
export function filterPolicyOf(subscription: StoredNotificationSubscription): Record<string, string[]> {
  const from = notificationSeverities.indexOf(subscription.minimumSeverity);
  return {
    company: [subscription.companyId],
    severity: notificationSeverities.slice(Math.max(0, from)),
    ...(subscription.types.length > 0 ? { type: [...subscription.types] } : {}),
  };
}

export class SnsNotificationChannels implements NotificationChannels {
  readonly #client: SNSClient;
  readonly #topicArn: () => string;

  constructor(client: SNSClient, topicArn: () => string) {
    this.#client = client;
    this.#topicArn = topicArn;
  }

  async subscribe(subscription: StoredNotificationSubscription): Promise<string | undefined> {
    try {
      const result = await this.#client.send(
        new SubscribeCommand({
          TopicArn: this.#topicArn(),
          Protocol: subscription.channel === 'email' ? 'email' : 'sms',
          Endpoint: subscription.address,
          ReturnSubscriptionArn: true,
          Attributes: {
            FilterPolicyScope: 'MessageAttributes',
            FilterPolicy: JSON.stringify(filterPolicyOf(subscription)),
          },
        }),
      );
      return result.SubscriptionArn;
    } catch (error) {
      throw new InfrastructureError('Subscribing to notifications failed', { cause: error });
    }
  }

  async unsubscribe(channelRef: string): Promise<void> {
    // An email subscription not yet confirmed has no ARN to remove; SNS deletes it after three days.
    if (!channelRef.startsWith('arn:')) return;
    try {
      await this.#client.send(new UnsubscribeCommand({ SubscriptionArn: channelRef }));
    } catch (error) {
      throw new InfrastructureError('Unsubscribing from notifications failed', { cause: error });
    }
  }
}
