// Composition root for Lambda: builds the adapters once per cold start from the parsed configuration.
import type { PaymentBatchDependencies } from '../app/payment-batches.ts';
import { randomIds, systemClock } from '../app/ports.ts';
import { loadConfig } from '../config.ts';
import { ConfigError } from '../errors.ts';
import { createDocumentClient } from './dynamodb/client.ts';
import { DynamoPaymentBatchRepository } from './dynamodb/payment-batch-repository.ts';
import { StepFunctionsWorkflowEngine } from './step-functions-workflow-engine.ts';

export type Dependencies = PaymentBatchDependencies;

let cached: Dependencies | undefined;

export function awsDependencies(): Dependencies {
  if (cached) return cached;
  const config = loadConfig();
  const documentClient = createDocumentClient({ region: config.region, endpoint: config.dynamoDbEndpoint });
  const stateMachineArn = config.batchStateMachineArn;
  cached = {
    batches: new DynamoPaymentBatchRepository(documentClient, config.tableName),
    workflow: stateMachineArn
      ? new StepFunctionsWorkflowEngine(stateMachineArn)
      : {
          startBatchWorkflow: () => Promise.reject(new ConfigError('BATCH_STATE_MACHINE_ARN is not set')),
          resumeTask: () => Promise.reject(new ConfigError('BATCH_STATE_MACHINE_ARN is not set')),
          failTask: () => Promise.reject(new ConfigError('BATCH_STATE_MACHINE_ARN is not set')),
        },
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
