// Bank connection capability: the operator's mTLS certificate (Secrets Manager), the raw bank message archive
// (S3), and the bank message collector that drains the bank's queue every minute.
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { Key } from 'aws-cdk-lib/aws-kms';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { BlockPublicAccess, Bucket, BucketEncryption } from 'aws-cdk-lib/aws-s3';
import { Schedule, ScheduleExpression } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ConnectorFunction } from './connector-function.ts';
import { archivePrefix, type ConnectorResources } from './function-access.ts';
import { arnInFinding, scheduleTargetRole } from './nag-findings.ts';

export interface BankConnectionProps {
  retainData: boolean;
}

export class BankConnection extends Construct {
  readonly clientCertificate: Secret;
  readonly archiveBucket: Bucket;
  readonly deadLetters: Queue;
  collector?: ConnectorFunction;

  constructor(scope: Construct, id: string, props: BankConnectionProps) {
    super(scope, id);
    const key = new Key(this, 'Key', {
      description: 'Encrypts the Coop Pank Gateway client certificate and the bank message archive',
      enableKeyRotation: true,
    });
    this.clientCertificate = new Secret(this, 'ClientCertificate', {
      description:
        'Coop Pank Gateway operator certificate: JSON {"certificatePem","privateKeyPem","caBundlePem"} or {"pkcs12Base64","passphrase"}; set after deployment',
      encryptionKey: key,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.clientCertificate).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'The mTLS certificate is issued by the bank or SK ID Solutions and renewed by a person; a Lambda cannot rotate it.',
    });
    this.archiveBucket = new Bucket(this, 'MessageArchive', {
      encryption: BucketEncryption.KMS,
      encryptionKey: key,
      bucketKeyEnabled: true,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      versioned: true,
      removalPolicy: props.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
      autoDeleteObjects: false,
    });
    Validations.of(this.archiveBucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'Only the connector’s functions access the archive (IAM-scoped); object-level access is audited through CloudTrail data events instead of S3 server access logs.',
    });
    this.deadLetters = new Queue(this, 'ScheduleDeadLetters', {
      encryption: QueueEncryption.KMS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.deadLetters).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This queue is itself the dead-letter queue of the schedules; an alarm watches its depth.',
    });
  }

  /** The collector function and its every-minute schedule (workers' resources come from the stack). */
  addCollector(resources: ConnectorResources): ConnectorFunction {
    const collector = new ConnectorFunction(this, 'CollectBankMessages', {
      name: 'collect-bank-messages',
      description: 'Drains the Coop Pank message queue: archive, process, acknowledge',
      resources,
      timeout: Duration.seconds(60),
      memorySize: 1024,
    });
    // The workflow's right-after-submission nudge is asynchronous: a failure lands in the dead-letter queue.
    collector.function.configureAsyncInvoke({
      retryAttempts: 0,
      onFailure: new SqsDestination(this.deadLetters),
    });
    const schedule = new Schedule(this, 'EveryMinute', {
      description: 'Collect bank messages every minute',
      schedule: ScheduleExpression.rate(Duration.minutes(1)),
      target: new LambdaInvoke(collector.function, {
        deadLetterQueue: this.deadLetters,
        retryAttempts: 0,
        maxEventAge: Duration.minutes(1),
      }),
    });
    Validations.of(scheduleTargetRole(schedule)).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${arnInFinding(collector.function)}:*]`,
      reason: 'EventBridge Scheduler may invoke any published version of the collector it targets.',
    });
    Validations.of(collector.function.role ?? collector).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${arnInFinding(this.archiveBucket)}/${archivePrefix}*]`,
      reason:
        'The collector writes and reads one object per bank message under the archive prefix; keys are not known in advance.',
    });
    this.collector = collector;
    return collector;
  }
}
