// A function's environment and IAM grants, both derived from its entry in shared/function-needs.ts: the same
// table the function's wiring builds from, so an environment variable or a permission cannot be forgotten or
// given where it is not used. Resources are filled in by the stack as they are created.
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import { type IGrantable, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { type FunctionNeeds, needsOf } from '../../shared/function-needs.ts';

/** Key prefix of raw bank messages in the archive bucket (see shared/adapters/dynamodb/bank-messages.ts). */
export const archivePrefix = 'bank-messages/';

/** Everything a function may be given; the stack fills these in as it creates them. */
export interface ConnectorResources {
  stage: string;
  logLevel: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
  table?: { table: ITableV2; key: IKey };
  /** The batch state machine, for functions that start executions. */
  stateMachine?: IStateMachine;
  bank?: { config: Record<string, unknown>; certificate: ISecret };
  registry?: { baseUrl: string; path?: string | undefined; timeoutMs?: number | undefined; apiKey: ISecret };
  customerTopic?: ITopic;
  archiveBucket?: IBucket;
  eventBus?: IEventBus;
  batchRules?: { maxPaymentsPerMessage: number; signingOverdue: string | number; collectorBudgetMs?: number };
  statementRules?: { backfillDays?: number; maxDaysPerRequest?: number; notifyAfterAttempts?: number };
  auth?: { issuer: string; audience: string; publicKeys: Record<string, string> };
}

function required<Value>(value: Value | undefined, name: string, need: string): Value {
  if (value === undefined) {
    throw new Error(
      `functions/${name} needs ${need}, which the stack has not created where this function is defined`,
    );
  }
  return value;
}

/** The environment variables the function's wiring reads (shared/config.ts sections), nothing else. */
export function environmentFor(name: string, resources: ConnectorResources): Record<string, string> {
  const needs: FunctionNeeds = needsOf(name);
  const environment: Record<string, string> = { STAGE: resources.stage, LOG_LEVEL: resources.logLevel };
  if (needs.table) environment.TABLE_NAME = required(resources.table, name, 'the table').table.tableName;
  if (needs.startsWorkflow) {
    environment.BATCH_STATE_MACHINE_ARN = required(
      resources.stateMachine,
      name,
      'the batch state machine',
    ).stateMachineArn;
  }
  if (needs.bank) {
    const bank = required(resources.bank, name, 'the bank connection');
    environment.BANK_GATEWAY_CONFIG = JSON.stringify(bank.config);
    environment.BANK_CERTIFICATE_SECRET_ARN = bank.certificate.secretArn;
  }
  if (needs.registry) {
    const registry = required(resources.registry, name, 'the registry settings');
    environment.REGISTRY_BASE_URL = registry.baseUrl;
    if (registry.path) environment.REGISTRY_PATH = registry.path;
    if (registry.timeoutMs) environment.REGISTRY_TIMEOUT_MS = String(registry.timeoutMs);
    environment.REGISTRY_API_KEY_SECRET_ARN = registry.apiKey.secretArn;
  }
  if (needs.notify || needs.subscriptions) {
    environment.NOTIFICATION_TOPIC_ARN = required(
      resources.customerTopic,
      name,
      'the customer topic',
    ).topicArn;
  }
  if (needs.archive) {
    environment.ARCHIVE_BUCKET = required(resources.archiveBucket, name, 'the archive').bucketName;
  }
  if (needs.events)
    environment.EVENT_BUS_NAME = required(resources.eventBus, name, 'the event bus').eventBusName;
  if (needs.batchRules) {
    const rules = required(resources.batchRules, name, 'the batch rules');
    environment.BATCH_MAX_PAYMENTS_PER_MESSAGE = String(rules.maxPaymentsPerMessage);
    environment.SIGNING_OVERDUE = String(rules.signingOverdue);
    if (rules.collectorBudgetMs) environment.COLLECTOR_BUDGET_MS = String(rules.collectorBudgetMs);
  }
  if (needs.statementRules) {
    const rules = required(resources.statementRules, name, 'the statement rules');
    if (rules.backfillDays) environment.STATEMENT_BACKFILL_DAYS = String(rules.backfillDays);
    if (rules.maxDaysPerRequest) environment.STATEMENT_MAX_DAYS_PER_REQUEST = String(rules.maxDaysPerRequest);
    if (rules.notifyAfterAttempts) {
      environment.STATEMENT_NOTIFY_AFTER_ATTEMPTS = String(rules.notifyAfterAttempts);
    }
  }
  if (needs.verifiesTokens) {
    const auth = required(resources.auth, name, 'the token settings');
    environment.JWT_ISSUER = auth.issuer;
    environment.JWT_AUDIENCE = auth.audience;
    environment.JWT_PUBLIC_KEYS = JSON.stringify(auth.publicKeys);
  }
  return environment;
}

/** Grants exactly what the function's needs use. */
export function grantNeeds(fn: IFunction & IGrantable, name: string, resources: ConnectorResources): void {
  const needs: FunctionNeeds = needsOf(name);
  const allow = (actions: string[], resourceArns: string[]) =>
    fn.addToRolePolicy(new PolicyStatement({ actions, resources: resourceArns }));
  if (needs.table) {
    const { table, key } = required(resources.table, name, 'the table');
    allow(
      needs.table.actions.map((action) => `dynamodb:${action}`),
      [table.tableArn, ...(needs.table.indexes ?? []).map((index) => `${table.tableArn}/index/${index}`)],
    );
    // The table's customer managed key: DynamoDB uses it on the caller's behalf (see README, IAM check).
    const writes = needs.table.actions.some(
      (action) => !['GetItem', 'Query', 'BatchGetItem'].includes(action),
    );
    key.grant(fn, 'kms:Decrypt', ...(writes ? ['kms:Encrypt', 'kms:GenerateDataKey'] : []));
  }
  if (needs.startsWorkflow) {
    required(resources.stateMachine, name, 'the batch state machine').grantStartExecution(fn);
  }
  if (needs.respondsToWorkflow) {
    // Task-token actions have no resource type in IAM: AWS evaluates them on "*" (a state machine ARN in the
    // policy would never match, so the call would be denied).
    // (cdk-nag's AwsSolutions-IAM5[Resource::*] is acknowledged with this reason by ConnectorFunction.)
    allow(['states:SendTaskSuccess'], ['*']);
  }
  // Secrets: only GetSecretValue (grantRead adds DescribeSecret, which nothing calls) and the key to decrypt it.
  const readSecret = (secret: ISecret) => {
    allow(['secretsmanager:GetSecretValue'], [secret.secretArn]);
    secret.encryptionKey?.grant(fn, 'kms:Decrypt');
  };
  if (needs.bank) readSecret(required(resources.bank, name, 'the bank connection').certificate);
  if (needs.registry) readSecret(required(resources.registry, name, 'the registry settings').apiKey);
  if (needs.notify) {
    // Publishing to an encrypted topic uses its key on the caller's behalf: GenerateDataKey and Decrypt only
    // (grantPublish grants GenerateDataKey*, which includes key pairs).
    const topic = required(resources.customerTopic, name, 'the customer topic');
    allow(['sns:Publish'], [topic.topicArn]);
    topic.masterKey?.grant(fn, 'kms:Decrypt', 'kms:GenerateDataKey');
  }
  if (needs.subscriptions) {
    allow(
      [needs.subscriptions === 'subscribe' ? 'sns:Subscribe' : 'sns:Unsubscribe'],
      [required(resources.customerTopic, name, 'the customer topic').topicArn],
    );
  }
  if (needs.archive) {
    const bucket = required(resources.archiveBucket, name, 'the archive');
    // Write-only: objects under the archive prefix, put only (no reading, listing or deletion: the collector
    // never reads a body back; people review quarantined messages with their own access).
    allow(['s3:PutObject'], [bucket.arnForObjects(`${archivePrefix}*`)]);
    bucket.encryptionKey?.grant(fn, 'kms:GenerateDataKey');
  }
  if (needs.events) required(resources.eventBus, name, 'the event bus').grantPutEventsTo(fn);
}
