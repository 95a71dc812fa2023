// Notifier on SNS: one publish per notification, with email and SMS variants (MessageStructure json) and
// message attributes that per-company subscription filter policies match on.
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { Notifier, RenderedNotification } from '../app/notifications.ts';
import { InfrastructureError } from '../errors.ts';

export function snsMessage(topicArn: string, notification: RenderedNotification) {
  return {
    TopicArn: topicArn,
    Subject: notification.subject.slice(0, 99),
    MessageStructure: 'json',
    Message: JSON.stringify({
      default: `${notification.subject}\n\n${notification.emailBody}`,
      email: notification.emailBody,
      'email-json': JSON.stringify(notification),
      sms: notification.sms,
    }),
    MessageAttributes: {
      company: { DataType: 'String', StringValue: notification.attributes.company },
      severity: { DataType: 'String', StringValue: notification.attributes.severity },
      type: { DataType: 'String', StringValue: notification.attributes.type },
    },
  };
}

export class SnsNotifier implements Notifier {
  readonly #client: SNSClient;
  readonly #topicArn: string;

  constructor(client: SNSClient, topicArn: string) {
    this.#client = client;
    this.#topicArn = topicArn;
  }

  async publish(notification: RenderedNotification): Promise<void> {
    try {
      await this.#client.send(new PublishCommand(snsMessage(this.#topicArn, notification)));
    } catch (error) {
      throw new InfrastructureError(`Publishing notification ${notification.type} failed`, { cause: error });
    }
  }
}
