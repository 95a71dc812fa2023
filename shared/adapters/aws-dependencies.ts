// Composition root for Lambda: builds the adapters once per cold start from the parsed configuration.
import { SNSClient } from '@aws-sdk/client-sns';
import type { AppDependencies } from '../app/context.ts';
import { type RepresentationRegistry, randomIds, systemClock } from '../app/ports.ts';
import type { BankGateway } from '../bank/bank-gateway.ts';
import { loadConfig, loadNotificationConfig, loadRegistryConfig } from '../config.ts';
import { ConfigError } from '../errors.ts';
import { BankGatewayAgreements } from './bank/bank-agreements.ts';
import { createDocumentClient } from './dynamodb/client.ts';
import { DynamoBankAccountRepository, DynamoConnectionRepository } from './dynamodb/connection-repository.ts';
import {
  DynamoAuditLog,
  DynamoIdempotencyStore,
  DynamoNotificationSubscriptionRepository,
  DynamoStatementRepository,
} from './dynamodb/misc-repositories.ts';
import { DynamoPaymentBatchRepository } from './dynamodb/payment-batch-repository.ts';
import { HttpRepresentationRegistry } from './registry/representation-registry.ts';
import { SnsNotificationChannels } from './sns-subscriptions.ts';
import { StepFunctionsWorkflowEngine } from './step-functions-workflow-engine.ts';

export type Dependencies = AppDependencies;

let cached: Dependencies | undefined;

/** The HTTP registry, configured on first use (`registrySection` in config.ts: REGISTRY_*). */
function registryFromConfig(): RepresentationRegistry {
  let registry: RepresentationRegistry | undefined;
  return {
    representativesOf(company) {
      registry ??= new HttpRepresentationRegistry(loadRegistryConfig());
      return registry.representativesOf(company);
    },
  };
}

/** The bank gateway is wired by the batch workflow's composition (issue 6); until then agreement checks fail loudly. */
let bankGatewayFactory: (() => BankGateway) | undefined;
export function useBankGateway(factory: () => BankGateway): void {
  bankGatewayFactory = factory;
}

export function awsDependencies(): Dependencies {
  if (cached) return cached;
  const config = loadConfig();
  const client = createDocumentClient({ region: config.region, endpoint: config.dynamoDbEndpoint });
  const table = config.tableName;
  const stateMachineArn = config.batchStateMachineArn;
  cached = {
    batches: new DynamoPaymentBatchRepository(client, table),
    connections: new DynamoConnectionRepository(client, table),
    accounts: new DynamoBankAccountRepository(client, table),
    statements: new DynamoStatementRepository(client, table),
    subscriptions: new DynamoNotificationSubscriptionRepository(client, table),
    channels: new SnsNotificationChannels(
      new SNSClient({ region: config.region }),
      () => loadNotificationConfig().notificationTopicArn,
    ),
    audit: new DynamoAuditLog(client, table),
    idempotency: new DynamoIdempotencyStore(client, table, systemClock),
    workflow: stateMachineArn
      ? new StepFunctionsWorkflowEngine(stateMachineArn)
      : {
          startBatchWorkflow: () => Promise.reject(new ConfigError('BATCH_STATE_MACHINE_ARN is not set')),
          resumeTask: () => Promise.reject(new ConfigError('BATCH_STATE_MACHINE_ARN is not set')),
          failTask: () => Promise.reject(new ConfigError('BATCH_STATE_MACHINE_ARN is not set')),
        },
    registry: registryFromConfig(),
    agreements: new BankGatewayAgreements(() => {
      if (!bankGatewayFactory) throw new ConfigError('No bank gateway is configured for agreement checks');
      return bankGatewayFactory();
    }),
    clock: systemClock,
    ids: randomIds,
  };
  return cached;
}

/** Defers building a handler until its first invocation, so importing a handler module has no side effects. */
export function lazyHandler<Event, Result>(
  build: () => (event: Event, context: never) => Promise<Result>,
): (event: Event, context: never) => Promise<Result> {
  let built: ((event: Event, context: never) => Promise<Result>) | undefined;
  return (event, context) => {
    built ??= build();
    return built(event, context);
  };
}
