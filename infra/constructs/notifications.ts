// Notifications capability: the SNS topic for people (email/SMS, filtered per company), the operations topic
// for alarms, and the EventBridge bus on which Envoice receives payment and incoming-payment events.
import { EventBus } from 'aws-cdk-lib/aws-events';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription, SmsSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';

export interface NotificationsProps {
  /** People who receive operations alarms (email addresses and E.164 phone numbers). */
  operations: { emails: string[]; phoneNumbers: string[] };
}

export class Notifications extends Construct {
  readonly customerTopic: Topic;
  readonly operationsTopic: Topic;
  readonly eventBus: EventBus;

  constructor(scope: Construct, id: string, props: NotificationsProps) {
    super(scope, id);
    const key = new Key(this, 'Key', {
      description: 'Encrypts connector notification topics',
      enableKeyRotation: true,
    });
    this.customerTopic = new Topic(this, 'CustomerTopic', {
      displayName: 'Coop Pank payments and statements',
      masterKey: key,
      enforceSSL: true,
    });
    this.operationsTopic = new Topic(this, 'OperationsTopic', {
      displayName: 'Coop Pank connector operations',
      masterKey: key,
      enforceSSL: true,
    });
    for (const email of props.operations.emails)
      this.operationsTopic.addSubscription(new EmailSubscription(email));
    for (const phone of props.operations.phoneNumbers)
      this.operationsTopic.addSubscription(new SmsSubscription(phone));
    this.eventBus = new EventBus(this, 'EnvoiceEvents', {
      description: 'PaymentStatusChanged and IncomingPaymentReceived events for Envoice',
    });
  }
}
