// Composition root of the workers (batch workflow steps, bank message collector, statement processors) in
// Lambda: the API's dependencies plus the bank (mTLS credentials from Secrets Manager), the message archive
// (S3 + DynamoDB), EventBridge and SNS.
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { Tracer } from '@aws-lambda-powertools/tracer';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SNSClient } from '@aws-sdk/client-sns';
import { type BatchWorkflowDependencies, defaultBatchWorkflowSettings } from '../app/batch-workflow.ts';
import type { CollectorDependencies, CollectorRun } from '../app/collect-bank-messages.ts';
import type { AppDependencies } from '../app/context.ts';
import { advanceBatch, paymentStatusProcessor } from '../app/payment-status.ts';
import type { StatementDependencies } from '../app/statements/ports.ts';
import { statementProcessors } from '../app/statements/statement-processors.ts';
import type { BankGateway } from '../bank/bank-gateway.ts';
import { parseBankGatewayConfig } from '../bank/config.ts';
import { createHttpBankGateway } from '../bank/http-bank-gateway.ts';
import { loadConfig, loadNotificationConfig, loadStatementConfig, loadWorkerConfig } from '../config.ts';
import { createLogger } from '../observability.ts';
import { awsDependencies, useBankGateway } from './aws-dependencies.ts';
import { connectOnFirstUse, credentialsFromSecret } from './bank/secret-credentials.ts';
import { S3BlobStore } from './blob-store.ts';
import {
  DynamoBankMessageArchive,
  DynamoCompanyDirectory,
  DynamoMessageIdRegistry,
  DynamoSigningWatchdog,
} from './dynamodb/bank-messages.ts';
import { createDocumentClient } from './dynamodb/client.ts';
import { DynamoNotificationLog } from './dynamodb/notification-log.ts';
import type { DynamoPaymentBatchRepository } from './dynamodb/payment-batch-repository.ts';
import { dynamoStatementAdapters } from './dynamodb/statement-work-repositories.ts';
import { EventBridgePublisher } from './eventbridge-publisher.ts';
import { SnsNotifier } from './sns-notifier.ts';

export type WorkerDependencies = AppDependencies &
  BatchWorkflowDependencies &
  StatementDependencies &
  CollectorDependencies & {
    collector: { budgetMs: number };
    /** Records a collector run's counts as metrics (CloudWatch EMF in AWS; nothing locally). */
    observeCollectorRun?: (run: CollectorRun) => void;
  };

let cached: WorkerDependencies | undefined;

export function awsWorkerDependencies(): WorkerDependencies {
  if (cached) return cached;
  const runtime = loadConfig();
  const worker = loadWorkerConfig();
  const base = awsDependencies();
  const client = createDocumentClient({ region: runtime.region, endpoint: runtime.dynamoDbEndpoint });
  const logger = createLogger('coop-pank-connector', runtime.logLevel);
  const bankConfig = parseBankGatewayConfig(worker.bankGatewayConfig as never);
  // X-Ray segments for every AWS SDK call the workers make.
  const tracer = new Tracer({ serviceName: 'coop-pank-connector' });
  const traced = <Client>(client: Client): Client => tracer.captureAWSv3Client(client);
  const secrets = traced(new SecretsManagerClient({ region: runtime.region }));
  const bank: BankGateway = connectOnFirstUse(async () =>
    createHttpBankGateway(bankConfig, {
      credentials: await credentialsFromSecret(secrets, worker.bankCertificateSecretArn),
      logger: {
        debug: (message, details) => logger.debug(message, { ...details }),
        info: (message, details) => logger.info(message, { ...details }),
        warn: (message, details) => logger.warn(message, { ...details }),
      },
    }),
  );
  useBankGateway(() => bank);
  const statementAdapters = dynamoStatementAdapters(client, runtime.tableName);
  const deps: Omit<WorkerDependencies, 'processors'> = {
    ...base,
    ...statementAdapters,
    batches: base.batches as DynamoPaymentBatchRepository,
    bank,
    messageIds: new DynamoMessageIdRegistry(client, runtime.tableName),
    archive: new DynamoBankMessageArchive(
      client,
      runtime.tableName,
      new S3BlobStore(traced(new S3Client({ region: runtime.region })), worker.archiveBucket),
    ),
    directory: new DynamoCompanyDirectory(client, runtime.tableName),
    watchdog: new DynamoSigningWatchdog(client, runtime.tableName),
    notifier: new SnsNotifier(
      new SNSClient({ region: runtime.region }),
      loadNotificationConfig().notificationTopicArn,
    ),
    notificationLog: new DynamoNotificationLog(client, runtime.tableName),
    events: new EventBridgePublisher(
      traced(new EventBridgeClient({ region: runtime.region })),
      worker.eventBusName,
    ),
    batchSettings: {
      ...defaultBatchWorkflowSettings,
      maxPaymentsPerMessage: worker.maxPaymentsPerMessage,
      signingOverdue:
        worker.signingOverdue === 'next-cutoff'
          ? defaultBatchWorkflowSettings.signingOverdue
          : { kind: 'after', minutes: worker.signingOverdue },
    },
    settings: loadStatementConfig(),
    collector: { budgetMs: worker.collectorBudgetMs },
    log: (line, details) => logger.info(line, { ...details }),
  };
  const metrics = new Metrics({ namespace: 'CoopPankConnector', serviceName: 'collect-bank-messages' });
  cached = {
    ...deps,
    processors: [paymentStatusProcessor(deps), ...statementProcessors(deps)],
    onBatchesTouched: async (touched) => {
      for (const ref of touched)
        await advanceBatch(deps, ref.companyId, ref.batchId, new Date().toISOString());
    },
    observeCollectorRun(run) {
      metrics.addMetric('BankMessagesProcessed', MetricUnit.Count, run.processed);
      metrics.addMetric('BankMessagesQuarantined', MetricUnit.Count, run.quarantined);
      metrics.addMetric('BankMessagesRedelivered', MetricUnit.Count, run.alreadyDone);
      metrics.addMetric('SigningOverdueNotified', MetricUnit.Count, run.overdueNotified);
      metrics.publishStoredMetrics();
    },
  };
  return cached;
}
