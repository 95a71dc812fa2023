// Notifications capability: the SNS topic for people (email/SMS) and the operations topic for alarms.
import { Key } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';

export class Notifications extends Construct {
  readonly customerTopic: Topic;
  readonly operationsTopic: Topic;

  constructor(scope: Construct, id: string) {
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
  }
}
