// Once-only notifications: a conditional put per event id; whoever writes it first sends the notification.
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { NotificationLog, RenderedNotification } from '../../app/notifications.ts';
import { InfrastructureError } from '../../errors.ts';

const retentionSeconds = 400 * 24 * 3600;

function key(notification: RenderedNotification) {
  return {
    pk: `COMPANY#${notification.companyId ?? 'operator'}`,
    sk: `NOTIFICATION#${notification.eventId}`,
  };
}

export class DynamoNotificationLog implements NotificationLog {
  readonly #client: DynamoDBDocumentClient;
  readonly #tableName: string;
  readonly #now: () => Date;

  constructor(client: DynamoDBDocumentClient, tableName: string, now: () => Date = () => new Date()) {
    this.#client = client;
    this.#tableName = tableName;
    this.#now = now;
  }

  async claim(notification: RenderedNotification): Promise<boolean> {
    const now = this.#now();
    try {
      await this.#client.send(
        new PutCommand({
          TableName: this.#tableName,
          Item: {
            ...key(notification),
            type: 'Notification',
            notificationType: notification.type,
            severity: notification.severity,
            subject: notification.subject,
            sentAt: now.toISOString(),
            expiresAt: Math.floor(now.getTime() / 1000) + retentionSeconds,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw new InfrastructureError('Recording a notification failed', { cause: error });
    }
  }

  async release(notification: RenderedNotification): Promise<void> {
    await this.#client.send(new DeleteCommand({ TableName: this.#tableName, Key: key(notification) }));
  }
}
