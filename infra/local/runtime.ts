// The local runtime: the same handlers as in Lambda, wired to DynamoDB Local and to the synthesized state
// machine executed in-process, plus an API Gateway stand-in that routes HTTP requests by the synthesized API.

import { mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { APIGatewayProxyResult } from 'aws-lambda';
import type { WorkerDependencies } from '../../shared/adapters/aws-worker-dependencies.ts';
import { BankGatewayAgreements, FixtureBankAgreements } from '../../shared/adapters/bank/bank-agreements.ts';
import { FileBlobStore } from '../../shared/adapters/blob-store.ts';
import {
  DynamoBankMessageArchive,
  DynamoCompanyDirectory,
  DynamoMessageIdRegistry,
  DynamoSigningWatchdog,
} from '../../shared/adapters/dynamodb/bank-messages.ts';
import { createDocumentClient } from '../../shared/adapters/dynamodb/client.ts';
import {
  DynamoBankAccountRepository,
  DynamoConnectionRepository,
} from '../../shared/adapters/dynamodb/connection-repository.ts';
import {
  DynamoAuditLog,
  DynamoIdempotencyStore,
  DynamoNotificationSubscriptionRepository,
  DynamoStatementRepository,
} from '../../shared/adapters/dynamodb/misc-repositories.ts';
import { DynamoNotificationLog } from '../../shared/adapters/dynamodb/notification-log.ts';
import { DynamoPaymentBatchRepository } from '../../shared/adapters/dynamodb/payment-batch-repository.ts';
import { dynamoStatementAdapters } from '../../shared/adapters/dynamodb/statement-work-repositories.ts';
import type { RequestCounter } from '../../shared/adapters/dynamodb/store.ts';
import { AuthenticationError, problemResponse } from '../../shared/adapters/http/api-gateway.ts';
import { FixtureRepresentationRegistry } from '../../shared/adapters/registry/representation-registry.ts';
import { type BatchWorkflowSettings, defaultBatchWorkflowSettings } from '../../shared/app/batch-workflow.ts';
import { type CollectorRun, collectBankMessages } from '../../shared/app/collect-bank-messages.ts';
import { advanceBatch, paymentStatusProcessor } from '../../shared/app/payment-status.ts';
import {
  type BankAgreements,
  type Clock,
  type IdGenerator,
  type RepresentationRegistry,
  randomIds,
  systemClock,
} from '../../shared/app/ports.ts';
import type { StatementSettings } from '../../shared/app/statements/ports.ts';
import { statementProcessors } from '../../shared/app/statements/statement-processors.ts';
import { authorizerContext, createTokenVerifier } from '../../shared/auth/jwt.ts';
import { createLocalIssuer, type LocalIssuer } from '../../shared/auth/local-issuer.ts';
import type { BankGateway } from '../../shared/bank/bank-gateway.ts';
import { ConfigError, NotFoundError } from '../../shared/errors.ts';
import { OutboxEventPublisher } from './event-outbox.ts';
import { LocalNotificationChannels, OutboxNotifier } from './notification-outbox.ts';
import type { Timers } from './workflow/timers.ts';

export type Dependencies = WorkerDependencies;

import { type HttpRequest, toProxyEvent } from './api-gateway-events.ts';
import { apiRoutesOf } from './api-routes.ts';
import { localRegion } from './dynamodb-local.ts';
import { stateMachinesOf } from './state-machine-definition.ts';
import type { CloudFormationTemplate } from './synthesize.ts';
import { LocalWorkflowEngine } from './workflow/local-workflow-engine.ts';

const repositoryRoot = resolve(import.meta.dirname, '../..');

export interface LocalRuntimeOptions {
  dynamoDbEndpoint: string;
  tableName: string;
  clock?: Clock;
  ids?: IdGenerator;
  issuer?: LocalIssuer;
  /** e-Business Register stand-in; default: the local fixture register. */
  registry?: RepresentationRegistry;
  /** Bank agreement check; default: the local fixture list (a BankGatewayAgreements over the simulator also fits). */
  agreements?: BankAgreements;
  /** Counts DynamoDB requests (benchmark). */
  requestCounter?: RequestCounter;
  /** The bank (the HTTP adapter against the bank simulator); without one, bank calls fail clearly. */
  bank?: BankGateway;
  /** Where raw bank messages, notifications and events are written; default: a fresh temporary folder. */
  dataDir?: string;
  /** Timers of the workflow engine (a manual clock in tests). */
  timers?: Timers;
  /** Pause between workflow Retry attempts (tests: 0 ms); default: as the state machine defines. */
  retryIntervalMs?: number;
  batchSettings?: Partial<BatchWorkflowSettings>;
  statementSettings?: Partial<StatementSettings>;
  /** Where the outbox notifier prints; default: console. */
  print?: (line: string) => void;
  /** The synthesized connector template (e.g. from the local cache); default: synthesized now. */
  template?: CloudFormationTemplate;
}

export interface LocalRuntime {
  dependencies: Dependencies;
  workflow: LocalWorkflowEngine;
  issuer: LocalIssuer;
  /** Notifications sent (also appended to `<dataDir>/notifications.jsonl`). */
  notifier: OutboxNotifier;
  /** Events published for Envoice (also appended to `<dataDir>/events.jsonl`). */
  events: OutboxEventPublisher;
  /** Runs the bank message collector once, as the every-minute schedule does. */
  collect(options?: { budgetMs?: number; maxMessages?: number }): Promise<CollectorRun>;
  /** Handles one HTTP request as API Gateway + the Lambda authorizer + the route's handler would. */
  handleHttp(request: HttpRequest): Promise<APIGatewayProxyResult>;
}

type HandlerModule = {
  makeHandler: (deps: Dependencies) => (event: unknown, context?: unknown) => Promise<unknown>;
};

export function createLocalRuntime(options: LocalRuntimeOptions): LocalRuntime {
  const template = options.template ?? synthesizeNow();
  const documentClient = createDocumentClient({ region: localRegion, endpoint: options.dynamoDbEndpoint });
  const handlers = new Map<string, Promise<(event: unknown) => Promise<unknown>>>();
  const handlerFor = (entry: string) => {
    let handler = handlers.get(entry);
    if (!handler) {
      handler = import(pathToFileURL(resolve(repositoryRoot, entry)).href).then((module: HandlerModule) => {
        if (typeof module.makeHandler !== 'function') throw new Error(`${entry} does not export makeHandler`);
        return module.makeHandler(dependencies);
      });
      handlers.set(entry, handler);
    }
    return handler;
  };

  const [batchStateMachine] = stateMachinesOf(template);
  if (!batchStateMachine) throw new Error('The synthesized template has no state machine');
  const workflow = new LocalWorkflowEngine({
    logicalId: batchStateMachine.logicalId,
    definition: batchStateMachine.definition,
    ...(options.timers ? { timers: options.timers } : {}),
    ...(options.retryIntervalMs !== undefined ? { retryIntervalMs: options.retryIntervalMs } : {}),
    onAsyncError: (functionArn, error) =>
      console.error(`Asynchronous invocation of ${functionArn} failed:`, error),
    invoke: async (functionArn, payload) => {
      const entry = batchStateMachine.functionEntries.get(functionArn);
      if (!entry) throw new Error(`No handler is bound to ${functionArn}`);
      const handler = await handlerFor(entry);
      // Lambda payloads cross a JSON boundary; so do ours.
      return handler(JSON.parse(JSON.stringify(payload ?? null)));
    },
  });

  const clock = options.clock ?? systemClock;
  const counter = options.requestCounter;
  const table = options.tableName;
  const dataDir = options.dataDir ?? mkdtempSync(resolve(tmpdir(), 'connector-local-'));
  const channels = new LocalNotificationChannels();
  const notifier = new OutboxNotifier({
    channels,
    file: resolve(dataDir, 'notifications.jsonl'),
    ...(options.print ? { print: options.print } : {}),
  });
  const events = new OutboxEventPublisher({ file: resolve(dataDir, 'events.jsonl') });
  const bank = options.bank ?? missingBank();
  const batches = new DynamoPaymentBatchRepository(documentClient, table, counter);
  const base = {
    batches,
    connections: new DynamoConnectionRepository(documentClient, table, counter),
    accounts: new DynamoBankAccountRepository(documentClient, table, counter),
    statements: new DynamoStatementRepository(documentClient, table, counter),
    subscriptions: new DynamoNotificationSubscriptionRepository(documentClient, table, counter),
    channels,
    audit: new DynamoAuditLog(documentClient, table, counter),
    idempotency: new DynamoIdempotencyStore(documentClient, table, clock, counter),
    workflow,
    registry: options.registry ?? new FixtureRepresentationRegistry(),
    // With a bank, ask it (a heartbeat with the end-user headers), as in AWS; without one, the fixture list.
    agreements:
      options.agreements ??
      (options.bank ? new BankGatewayAgreements(() => bank) : new FixtureBankAgreements()),
    clock,
    ids: options.ids ?? randomIds,
    ...dynamoStatementAdapters(documentClient, table, counter),
    bank,
    messageIds: new DynamoMessageIdRegistry(documentClient, table),
    archive: new DynamoBankMessageArchive(
      documentClient,
      table,
      new FileBlobStore(resolve(dataDir, 'archive')),
    ),
    directory: new DynamoCompanyDirectory(documentClient, table),
    watchdog: new DynamoSigningWatchdog(documentClient, table),
    notifier,
    notificationLog: new DynamoNotificationLog(documentClient, table, () => clock.now()),
    events,
    batchSettings: { ...defaultBatchWorkflowSettings, ...options.batchSettings },
    settings: options.statementSettings,
    collector: { budgetMs: 45_000 },
    log: (line: string, details?: Record<string, unknown>) =>
      (options.print ?? console.log)(`[collector] ${line} ${JSON.stringify(details ?? {})}`),
  };
  const dependencies: Dependencies = {
    ...base,
    processors: [paymentStatusProcessor(base), ...statementProcessors(base)],
    onBatchesTouched: async (touched) => {
      for (const ref of touched)
        await advanceBatch(base, ref.companyId, ref.batchId, clock.now().toISOString());
    },
  };

  const issuer = options.issuer ?? createLocalIssuer();
  const verify = createTokenVerifier({
    issuer: issuer.issuer,
    audience: issuer.audience,
    publicKeys: { [issuer.keyId]: issuer.publicKeyPem },
  });
  const routes = apiRoutesOf(template);

  return {
    dependencies,
    workflow,
    issuer,
    notifier,
    events,
    collect: (collectOptions = {}) =>
      collectBankMessages(dependencies, {
        budgetMs: collectOptions.budgetMs ?? dependencies.collector.budgetMs,
        ...(collectOptions.maxMessages !== undefined ? { maxMessages: collectOptions.maxMessages } : {}),
      }),
    async handleHttp(request) {
      const method = request.method.toUpperCase();
      for (const route of routes) {
        const pathParameters = route.method === method ? route.match(request.path) : undefined;
        if (!pathParameters) continue;
        let context: Record<string, string> | undefined;
        if (route.authorized) {
          const header = Object.entries(request.headers ?? {}).find(
            ([name]) => name.toLowerCase() === 'authorization',
          );
          try {
            context = authorizerContext(verify((header?.[1] ?? '').replace(/^Bearer\s+/i, '')));
          } catch {
            return problemResponse(new AuthenticationError(), request.path);
          }
        }
        const handler = await handlerFor(route.entry);
        const event = toProxyEvent(request, { pathTemplate: route.pathTemplate, pathParameters }, context);
        return (await handler(event)) as APIGatewayProxyResult;
      }
      return problemResponse(new NotFoundError('Route', `${method} ${request.path}`), request.path);
    },
  };
}

/**
 * Synthesizes the CDK app now. It is loaded only here (not imported at the top) because importing aws-cdk-lib
 * takes seconds, and `npm start` passes a cached template instead (template-cache.ts).
 */
function synthesizeNow(): CloudFormationTemplate {
  const load = createRequire(import.meta.url);
  return (load('./synthesize.ts') as typeof import('./synthesize.ts')).synthesizeConnectorTemplate();
}

/** Without a configured bank every bank call fails with a clear configuration error. */
function missingBank(): BankGateway {
  const refuse = () =>
    Promise.reject(new ConfigError('No bank gateway is configured for this local runtime'));
  return {
    heartbeat: refuse,
    submitPayments: refuse,
    requestStatement: refuse,
    requestBalance: refuse,
    nextMessage: refuse,
    getMessage: refuse,
    acknowledge: refuse,
    acknowledgeMany: refuse,
  };
}
