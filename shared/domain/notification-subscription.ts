// Who in a company gets the connector's alerts, on which channel, for which kinds of event.
export const notificationChannels = ['email', 'sms'] as const;
export type NotificationChannel = (typeof notificationChannels)[number];

export const notificationTypes = [
  'payment_rejected',
  'batch_partially_rejected',
  'signing_overdue',
  'batch_expired',
  'bank_connection_failing',
  'statement_missing',
  'message_quarantined',
] as const;
export type NotificationType = (typeof notificationTypes)[number];

export const notificationSeverities = ['info', 'warning', 'critical'] as const;
export type NotificationSeverity = (typeof notificationSeverities)[number];

export interface NotificationSubscription {
  subscriptionId: string;
  channel: NotificationChannel;
  /** Email address or phone number in E.164 form (+3725...). */
  address: string;
  /** Event types this subscription receives; all when empty. */
  types: NotificationType[];
  minimumSeverity: NotificationSeverity;
}
