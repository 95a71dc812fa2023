// The one composition root of every Lambda function: `wire(name)` builds, at cold start and from the
// environment only, exactly the parts that shared/function-needs.ts declares for that function. Each part's
// configuration is parsed eagerly, so a missing variable fails the cold start with its name; a part the
// function does not declare is a stand-in that fails on first use, naming the function and the part. The
// local system runs the same handlers with the synthesized environment (only endpoints differ, through the
// AWS SDK's AWS_ENDPOINT_URL), so what runs locally is what deploys.
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { Tracer } from '@aws-lambda-powertools/tracer';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { S3Client } from '@aws-sdk/client-s3';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SNSClient } from '@aws-sdk/client-sns';
import type { BatchWorkflowDependencies } from '../app/batch-workflow.ts';
import { type BatchWorkflowSettings, defaultBatchWorkflowSettings } from '../app/batch-workflow.ts';
import type { CollectorDependencies, CollectorRun } from '../app/collect-bank-messages.ts';
import type { AppDependencies } from '../app/context.ts';
import { advanceBatch, paymentStatusProcessor } from '../app/payment-status.ts';
import { randomIds, systemClock } from '../app/ports.ts';
import type { StatementDependencies, StatementSettings } from '../app/statements/ports.ts';
import { statementProcessors } from '../app/statements/statement-processors.ts';
import { bankGatewayConfigSchema } from '../bank/config.ts';
import { createHttpBankGateway } from '../bank/http-bank-gateway.ts';
import {
  archiveSection,
  bankSection,
  batchRulesSection,
  eventsSection,
  loadConfig,
  loadSection,
  notificationSection,
  registrySection,
  statementSection,
  tableSection,
  workflowSection,
} from '../config.ts';
import { ConfigError } from '../errors.ts';
import { type FunctionName, type FunctionNeeds, needsOf } from '../function-needs.ts';
import { createLogger } from '../observability.ts';
import { BankGatewayAgreements } from './bank/bank-agreements.ts';
import { connectOnFirstUse, credentialsFromSecret } from './bank/secret-credentials.ts';
import { S3BlobStore } from './blob-store.ts';
import {
  DynamoBankMessageArchive,
  DynamoCompanyDirectory,
  DynamoMessageIdRegistry,
  DynamoSigningWatchdog,
} from './dynamodb/bank-messages.ts';
import { createDocumentClient } from './dynamodb/client.ts';
import { DynamoBankAccountRepository, DynamoConnectionRepository } from './dynamodb/connection-repository.ts';
import {
  DynamoAuditLog,
  DynamoIdempotencyStore,
  DynamoNotificationSubscriptionRepository,
  DynamoStatementRepository,
} from './dynamodb/misc-repositories.ts';
import { DynamoNotificationLog } from './dynamodb/notification-log.ts';
import { DynamoPaymentBatchRepository } from './dynamodb/payment-batch-repository.ts';
import { dynamoStatementAdapters } from './dynamodb/statement-work-repositories.ts';
import { EventBridgePublisher } from './eventbridge-publisher.ts';
import { HttpRepresentationRegistry } from './registry/representation-registry.ts';
import { SnsNotifier } from './sns-notifier.ts';
import { SnsNotificationChannels } from './sns-subscriptions.ts';
import { StepFunctionsWorkflowEngine } from './step-functions-workflow-engine.ts';

/** Everything any function may be given; `wire` fills in only what the function declares. */
export type Dependencies = AppDependencies &
  BatchWorkflowDependencies &
  StatementDependencies &
  CollectorDependencies & {
    batches: DynamoPaymentBatchRepository;
    batchSettings: BatchWorkflowSettings;
    settings: Partial<StatementSettings>;
    collector: { budgetMs: number };
    /** Records a collector run's counts as metrics (CloudWatch EMF). */
    observeCollectorRun: (run: CollectorRun) => void;
  };

type Part = Exclude<keyof FunctionNeeds, 'verifiesTokens'>;

/** A dependency the function did not declare: using it is a wiring defect, reported with what to change. */
function notDeclared(name: string, part: Part, member: string): never {
  return new Proxy(
    {},
    {
      get(_target, property) {
        // Promise resolution and inspection probe these; they are not uses.
        if (property === 'then' || typeof property === 'symbol') return undefined;
        throw new ConfigError(
          `functions/${name} uses ${member}.${String(property)}, which needs "${part}": declare it in shared/function-needs.ts`,
        );
      },
    },
  ) as never;
}

const cached = new Map<string, Dependencies>();

/** The dependencies of function `name`, built once per cold start from its environment. */
export function wire(name: FunctionName): Dependencies {
  const existing = cached.get(name);
  if (existing) return existing;
  const needs = needsOf(name);
  const runtime = loadConfig();
  const logger = createLogger(`coop-pank-connector-${name}`, runtime.logLevel);
  // X-Ray subsegments for every AWS SDK call.
  const tracer = new Tracer({ serviceName: `coop-pank-connector-${name}` });
  const traced = <Client>(client: Client): Client => tracer.captureAWSv3Client(client);
  const region = runtime.region;
  const missing = (part: Part, member: string) => notDeclared(name, part, member);
  let secrets: SecretsManagerClient | undefined;
  const secretsClient = () => {
    secrets ??= traced(new SecretsManagerClient({ region }));
    return secrets;
  };

  const clock = systemClock;
  const deps: Record<string, unknown> = { clock, ids: randomIds };

  if (needs.table) {
    const { tableName } = loadSection(tableSection);
    const client = createDocumentClient({ region });
    const batches = new DynamoPaymentBatchRepository(client, tableName);
    Object.assign(deps, {
      batches,
      connections: new DynamoConnectionRepository(client, tableName),
      accounts: new DynamoBankAccountRepository(client, tableName),
      statements: new DynamoStatementRepository(client, tableName),
      subscriptions: new DynamoNotificationSubscriptionRepository(client, tableName),
      audit: new DynamoAuditLog(client, tableName),
      idempotency: new DynamoIdempotencyStore(client, tableName, clock),
      messageIds: new DynamoMessageIdRegistry(client, tableName),
      directory: new DynamoCompanyDirectory(client, tableName),
      watchdog: new DynamoSigningWatchdog(client, tableName),
      notificationLog: new DynamoNotificationLog(client, tableName),
      ...dynamoStatementAdapters(client, tableName),
    });
    if (needs.archive) {
      const { archiveBucket } = loadSection(archiveSection);
      deps.archive = new DynamoBankMessageArchive(
        client,
        tableName,
        new S3BlobStore(traced(new S3Client({ region })), archiveBucket),
      );
    }
  }

  if (needs.startsWorkflow || needs.respondsToWorkflow) {
    const client = traced(new SFNClient({ region }));
    const stateMachineArn = needs.startsWorkflow
      ? loadSection(workflowSection).batchStateMachineArn
      : undefined;
    deps.workflow = new StepFunctionsWorkflowEngine(client, stateMachineArn, name);
  }

  if (needs.bank) {
    const bank = loadSection(bankSection);
    const parsedBankConfig = bankGatewayConfigSchema.safeParse(bank.bankGatewayConfig);
    if (!parsedBankConfig.success) {
      const problems = parsedBankConfig.error.issues.map(
        (issue) => `${issue.path.join('.')}: ${issue.message}`,
      );
      throw new ConfigError(`Invalid configuration: BANK_GATEWAY_CONFIG: ${problems.join('; ')}`);
    }
    const bankConfig = parsedBankConfig.data;
    const gateway = connectOnFirstUse(async () =>
      createHttpBankGateway(bankConfig, {
        credentials: await credentialsFromSecret(secretsClient(), bank.bankCertificateSecretArn),
        logger: {
          debug: (message, details) => logger.debug(message, { ...details }),
          info: (message, details) => logger.info(message, { ...details }),
          warn: (message, details) => logger.warn(message, { ...details }),
        },
      }),
    );
    deps.bank = gateway;
    deps.agreements = new BankGatewayAgreements(() => gateway);
  }

  if (needs.registry) {
    const registry = loadSection(registrySection);
    let apiKey: Promise<string | undefined> | undefined;
    const readApiKey = () => {
      apiKey ??= secretsClient()
        .send(new GetSecretValueCommand({ SecretId: registry.apiKeySecretArn }))
        .then((answer) => answer.SecretString?.trim() || undefined)
        .catch((error: unknown) => {
          apiKey = undefined;
          throw error;
        });
      return apiKey;
    };
    deps.registry = new HttpRepresentationRegistry(registry, readApiKey);
  }

  if (needs.notify || needs.subscriptions) {
    const { notificationTopicArn } = loadSection(notificationSection);
    const sns = traced(new SNSClient({ region }));
    if (needs.notify) deps.notifier = new SnsNotifier(sns, notificationTopicArn);
    if (needs.subscriptions) deps.channels = new SnsNotificationChannels(sns, () => notificationTopicArn);
  }

  if (needs.events) {
    const { eventBusName } = loadSection(eventsSection);
    deps.events = new EventBridgePublisher(traced(new EventBridgeClient({ region })), eventBusName);
  }

  if (needs.batchRules) {
    const rules = loadSection(batchRulesSection);
    deps.batchSettings = {
      ...defaultBatchWorkflowSettings,
      maxPaymentsPerMessage: rules.maxPaymentsPerMessage,
      signingOverdue:
        rules.signingOverdue === 'next-cutoff'
          ? defaultBatchWorkflowSettings.signingOverdue
          : { kind: 'after', minutes: rules.signingOverdue },
    } satisfies BatchWorkflowSettings;
    deps.collector = { budgetMs: rules.collectorBudgetMs };
  }
  if (needs.statementRules) deps.settings = loadSection(statementSection);

  deps.log = (line: string, details?: Record<string, unknown>) => logger.info(line, { ...details });

  // Undeclared parts: stand-ins that name the missing declaration when used.
  const standIns: Record<string, Part> = {
    batches: 'table',
    connections: 'table',
    accounts: 'table',
    statements: 'table',
    subscriptions: 'table',
    audit: 'table',
    idempotency: 'table',
    messageIds: 'table',
    directory: 'table',
    watchdog: 'table',
    notificationLog: 'table',
    statementAccounts: 'table',
    statementRequests: 'table',
    statementEntryEffects: 'table',
    paymentBookings: 'table',
    archive: 'archive',
    workflow: 'respondsToWorkflow',
    bank: 'bank',
    agreements: 'bank',
    registry: 'registry',
    notifier: 'notify',
    channels: 'subscriptions',
    events: 'events',
    batchSettings: 'batchRules',
    collector: 'batchRules',
    settings: 'statementRules',
  };
  for (const [member, part] of Object.entries(standIns)) {
    if (!(member in deps)) deps[member] = missing(part, member);
  }

  const built = deps as unknown as Dependencies;
  const metrics = new Metrics({ namespace: 'CoopPankConnector', serviceName: name });
  const processing = needs.table && needs.bank && needs.archive;
  Object.assign(built, {
    processors: processing ? [paymentStatusProcessor(built), ...statementProcessors(built)] : [],
    onBatchesTouched: async (touched: Array<{ companyId: string; batchId: string }>) => {
      for (const ref of touched)
        await advanceBatch(built, ref.companyId, ref.batchId, clock.now().toISOString());
    },
    observeCollectorRun(run: CollectorRun) {
      metrics.addMetric('BankMessagesProcessed', MetricUnit.Count, run.processed);
      metrics.addMetric('BankMessagesQuarantined', MetricUnit.Count, run.quarantined);
      metrics.addMetric('BankMessagesRedelivered', MetricUnit.Count, run.alreadyDone);
      metrics.addMetric('SigningOverdueNotified', MetricUnit.Count, run.overdueNotified);
      metrics.publishStoredMetrics();
    },
  });
  cached.set(name, built);
  return built;
}
