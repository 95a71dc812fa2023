// The local Notifier: appends every notification to .local/notifications.jsonl and prints it.
import { appendFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { filterPolicyOf } from '../../shared/adapters/sns-subscriptions.ts';
import type { Notifier, RenderedNotification } from '../../shared/app/notifications.ts';
import type { NotificationChannels, StoredNotificationSubscription } from '../../shared/app/ports.ts';

/**
 * The local stand-in for SNS subscriptions: remembers subscribers and applies the same filter policy as SNS,
 * so the outbox shows exactly who would have received each notification.
 */
export class LocalNotificationChannels implements NotificationChannels {
  readonly #subscribers = new Map<string, StoredNotificationSubscription>();

  async subscribe(subscription: StoredNotificationSubscription): Promise<string> {
    const ref = `local:${subscription.subscriptionId}`;
    this.#subscribers.set(ref, subscription);
    return ref;
  }

  async unsubscribe(channelRef: string): Promise<void> {
    this.#subscribers.delete(channelRef);
  }

  /** Subscribers whose filter policy matches the notification's attributes. */
  recipientsOf(notification: RenderedNotification): StoredNotificationSubscription[] {
    return [...this.#subscribers.values()].filter((subscriber) =>
      Object.entries(filterPolicyOf(subscriber)).every(([attribute, allowed]) =>
        allowed.includes(notification.attributes[attribute as keyof RenderedNotification['attributes']]),
      ),
    );
  }
}

export class OutboxNotifier implements Notifier {
  readonly #file: string | undefined;
  readonly #print: (line: string) => void;
  readonly sent: RenderedNotification[] = [];

  readonly #channels: LocalNotificationChannels | undefined;

  constructor(
    options: { file?: string; print?: (line: string) => void; channels?: LocalNotificationChannels } = {},
  ) {
    this.#file = options.file;
    this.#print = options.print ?? ((line) => console.log(line));
    this.#channels = options.channels;
  }

  /** Who would receive it (email/SMS subscribers whose filter policy matches). */
  recipientsOf(notification: RenderedNotification): string[] {
    return (this.#channels?.recipientsOf(notification) ?? []).map((s) => `${s.channel}:${s.address}`);
  }

  async publish(notification: RenderedNotification): Promise<void> {
    this.sent.push(notification);
    if (this.#file) {
      await mkdir(dirname(this.#file), { recursive: true });
      const recipients = this.recipientsOf(notification);
      await appendFile(
        this.#file,
        `${JSON.stringify({ at: new Date().toISOString(), recipients, ...notification })}\n`,
      );
    }
    this.#print(`[notification ${notification.severity}] ${notification.subject} | SMS: ${notification.sms}`);
  }
}
