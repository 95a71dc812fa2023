// Notifications capability: the SNS topic for people (email/SMS, filtered per company), the operations topic
// for alarms, and the EventBridge bus on which Envoice receives payment and incoming-payment events.
import { ArnFormat, Stack } from 'aws-cdk-lib';
import { EventBus } from 'aws-cdk-lib/aws-events';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
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
      description: 'Encrypts the connector customer notification topic',
      enableKeyRotation: true,
    });
    this.customerTopic = new Topic(this, 'CustomerTopic', {
      displayName: 'Coop Pank payments and statements',
      masterKey: key,
      enforceSSL: true,
    });
    // CloudWatch publishes alarms itself, so the operations topic needs a key and a topic policy that let the
    // account's alarms (and nothing else through that service) use it; the customer topic's key stays closed.
    const alarms = {
      StringEquals: { 'aws:SourceAccount': Stack.of(this).account },
      ArnLike: {
        'aws:SourceArn': Stack.of(this).formatArn({
          service: 'cloudwatch',
          resource: 'alarm',
          resourceName: '*',
          arnFormat: ArnFormat.COLON_RESOURCE_NAME,
        }),
      },
    };
    const cloudWatch = new ServicePrincipal('cloudwatch.amazonaws.com');
    const operationsKey = new Key(this, 'OperationsKey', {
      description: 'Encrypts the connector operations (alarm) topic',
      enableKeyRotation: true,
    });
    operationsKey.addToResourcePolicy(
      new PolicyStatement({
        sid: 'AllowAccountAlarmsToUseTheKey',
        principals: [cloudWatch],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: alarms,
      }),
    );
    this.operationsTopic = new Topic(this, 'OperationsTopic', {
      displayName: 'Coop Pank connector operations',
      masterKey: operationsKey,
      enforceSSL: true,
    });
    this.operationsTopic.addToResourcePolicy(
      new PolicyStatement({
        sid: 'AllowAccountAlarmsToPublish',
        principals: [cloudWatch],
        actions: ['sns:Publish'],
        resources: [this.operationsTopic.topicArn],
        conditions: alarms,
      }),
    );
    for (const email of props.operations.emails)
      this.operationsTopic.addSubscription(new EmailSubscription(email));
    for (const phone of props.operations.phoneNumbers)
      this.operationsTopic.addSubscription(new SmsSubscription(phone));
    this.eventBus = new EventBus(this, 'EnvoiceEvents', {
      description: 'PaymentStatusChanged and IncomingPaymentReceived events for Envoice',
    });
  }
}
