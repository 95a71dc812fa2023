// What the worker functions (workflow steps, collector, statements) share: their configuration and the
// grants each kind of work needs. Every worker gets the same environment; grants follow what it does.
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { ITopic } from 'aws-cdk-lib/aws-sns';

/** Key prefix of raw bank messages in the archive bucket (see shared/adapters/dynamodb/bank-messages.ts). */
export const archivePrefix = 'bank-messages/';

export interface WorkerResources {
  table: ITableV2;
  bankCertificate: ISecret;
  archiveBucket: IBucket;
  eventBus: IEventBus;
  customerTopic: ITopic;
  /** The worker configuration (see `workerSection` in shared/config.ts) plus the base runtime variables. */
  environment: Record<string, string>;
}

export interface WorkerNeeds {
  /** Calls the bank (reads the mTLS certificate secret). */
  bank?: boolean;
  /** Archives raw bank messages. */
  archive?: boolean;
  /** Publishes events for Envoice. */
  events?: boolean;
  /** Sends notifications. */
  notify?: boolean;
}

export function grantWorker(fn: IFunction, resources: WorkerResources, needs: WorkerNeeds): void {
  resources.table.grantReadWriteData(fn);
  if (needs.bank) resources.bankCertificate.grantRead(fn);
  if (needs.archive) {
    // Only objects under the archive prefix, only put and get: no listing, no deletion.
    fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['s3:PutObject', 's3:GetObject'],
        resources: [resources.archiveBucket.arnForObjects(`${archivePrefix}*`)],
      }),
    );
    resources.archiveBucket.encryptionKey?.grantEncryptDecrypt(fn);
  }
  if (needs.events) resources.eventBus.grantPutEventsTo(fn);
  if (needs.notify) resources.customerTopic.grantPublish(fn);
}
