// The local runtime: every Lambda of the synthesized template runs its own exported `handler` in its own worker
// thread with the environment the template gives it; only endpoints differ. The functions' AWS SDK clients
// reach one local endpoint (AWS_ENDPOINT_URL) that answers DynamoDB (proxied to DynamoDB Local), Step Functions
// (the synthesized state machine run in-process), SNS, EventBridge, S3 and Secrets Manager, and evaluates every
// call against the calling function's IAM role from the template. API Gateway and the authorizer are stood in
// for by handleHttp, routing by the synthesized API resources.

import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { appendFile, mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { resolve } from 'node:path';
import type { APIGatewayAuthorizerResult, APIGatewayProxyResult } from 'aws-lambda';
import { createDocumentClient } from '../../shared/adapters/dynamodb/client.ts';
import { DynamoStatementRepository } from '../../shared/adapters/dynamodb/misc-repositories.ts';
import { DynamoPaymentBatchRepository } from '../../shared/adapters/dynamodb/payment-batch-repository.ts';
import { AuthenticationError, problemResponse } from '../../shared/adapters/http/api-gateway.ts';
import type { CollectorRun } from '../../shared/app/collect-bank-messages.ts';
import type { DomainEvent } from '../../shared/app/events.ts';
import type { RenderedNotification } from '../../shared/app/notifications.ts';
import { createLocalIssuer, type LocalIssuer } from '../../shared/auth/local-issuer.ts';
import { NotFoundError } from '../../shared/errors.ts';
import { type HttpRequest, toProxyEvent } from './api-gateway-events.ts';
import { apiRoutesOf } from './api-routes.ts';
import { startLocalAws } from './aws/index.ts';
import type { LocalAws, SnsPublishReport } from './aws/types.ts';
import {
  FunctionError,
  FunctionHost,
  type FunctionSpec,
  localCredentials,
  type SharedClock,
} from './functions/function-host.ts';
import { startLocalRegistry } from './registry-server.ts';
import type { CloudFormationTemplate } from './synthesize.ts';
import { createIamAuthorizer, type IamAuthorizer, type IamReport } from './template/iam.ts';
import { createLocalModel, type LocalFunction, type LocalModel } from './template/model.ts';
import { LocalWorkflowEngine } from './workflow/local-workflow-engine.ts';
import type { Timers } from './workflow/timers.ts';

const repositoryRoot = resolve(import.meta.dirname, '../..');

/** The simulated bank as the functions reach it: its URL and the operator certificate the secret holds. */
export interface LocalBankEndpoint {
  url: string;
  clientTls: { cert: string; key: string; ca: string };
}

export interface LocalRuntimeOptions {
  dynamoDbEndpoint: string;
  tableName: string;
  /** The time every function sees (a ManualClock in tests, an OffsetClock for npm start). */
  clock: SharedClock;
  /** The bank simulator; without one, the bank's base URL stays the template's (which cannot resolve). */
  bank?: LocalBankEndpoint;
  issuer?: LocalIssuer;
  /** Where the archive, subscriptions, notifications and events are written; default: a fresh temp folder. */
  dataDir?: string;
  /** Timers of the workflow engine (a manual clock in tests). */
  timers?: Timers;
  /** Pause between workflow Retry attempts (tests: 0 ms); default: as the state machine defines. */
  retryIntervalMs?: number;
  /** Counts DynamoDB requests by operation (benchmark). */
  onDynamoDbRequest?: (operation: string) => void;
  /** Where notifications, function logs and system lines are printed; default: console. */
  print?: (line: string) => void;
  /** Function log lines (default: printed only when LOCAL_FUNCTION_LOGS is set). */
  onFunctionLog?: (functionName: string, line: string) => void;
  /** The synthesized connector template (e.g. from the local cache); default: synthesized now. */
  template?: CloudFormationTemplate;
}

export interface LocalNotification extends RenderedNotification {
  /** `email:…` / `sms:…` of the subscribers whose filter policy matched. */
  recipients: string[];
}

export interface LocalRuntime {
  model: LocalModel;
  workflow: LocalWorkflowEngine;
  issuer: LocalIssuer;
  iam: IamAuthorizer;
  aws: LocalAws;
  functions: FunctionHost;
  /** Notifications published to the customer topic (also appended to `<dataDir>/notifications.jsonl`). */
  notifier: { sent: LocalNotification[] };
  /** Events put on the Envoice bus (also appended to `<dataDir>/events.jsonl`). */
  events: { published: DomainEvent[] };
  /** Read access to the table for tests and local control routes (not a function: no IAM check). */
  store: { batches: DynamoPaymentBatchRepository; statements: DynamoStatementRepository };
  /** The local name (logical id) of the function whose handler file is `functions/<name>/handler.ts`. */
  functionNamed(name: string): LocalFunction;
  /** Invokes a function as Lambda would (RequestResponse). */
  invoke(name: string, event: unknown): Promise<unknown>;
  /** Runs the bank message collector once, as the every-minute schedule does (or by hand, up to n messages). */
  collect(options?: { maxMessages?: number }): Promise<CollectorRun>;
  /** Runs the daily statement requests as the 06:00 schedule does (for `scheduledTime`, default now). */
  requestDailyStatements(scheduledTime?: Date): Promise<unknown>;
  /** Handles one HTTP request as API Gateway + the Lambda authorizer + the route's function would. */
  handleHttp(request: HttpRequest): Promise<APIGatewayProxyResult>;
  iamReport(): Promise<IamReport>;
  close(): Promise<void>;
}

export async function startLocalRuntime(options: LocalRuntimeOptions): Promise<LocalRuntime> {
  const template = options.template ?? synthesizeNow();
  const print = options.print ?? ((line: string) => console.log(line));
  const dataDir = options.dataDir ?? mkdtempSync(resolve(tmpdir(), 'connector-local-'));
  const tableLogicalId = logicalIdOfType(template, 'AWS::DynamoDB::GlobalTable');
  const model = createLocalModel(template, { physicalNames: { [tableLogicalId]: options.tableName } });
  const iam = createIamAuthorizer(model);
  const issuer = options.issuer ?? createLocalIssuer();
  const stops: Array<() => Promise<void> | void> = [];

  const registryApiKey = `local-registry-key-${Math.random().toString(36).slice(2)}`;
  const registry = await startLocalRegistry({ apiKey: registryApiKey });
  stops.push(() => registry.close());

  // The secrets and the topic the functions are given (found by their environment, not by construct ids).
  const referenced = (variable: string) =>
    model.functions.map((fn) => fn.environment[variable]).find((value) => value !== undefined);
  const secretNamedBy = (variable: string) =>
    model.secrets.find((secret) => (secret.arn ?? secret.ref) === referenced(variable));
  const certificateSecret = secretNamedBy('BANK_CERTIFICATE_SECRET_ARN');
  const registrySecret = secretNamedBy('REGISTRY_API_KEY_SECRET_ARN');
  const secrets = [
    ...(certificateSecret && options.bank
      ? [
          {
            arn: certificateSecret.arn ?? certificateSecret.ref,
            name: certificateSecret.name,
            value: JSON.stringify({
              certificatePem: options.bank.clientTls.cert,
              privateKeyPem: options.bank.clientTls.key,
              caBundlePem: options.bank.clientTls.ca,
            }),
          },
        ]
      : []),
    ...(registrySecret
      ? [{ arn: registrySecret.arn ?? registrySecret.ref, name: registrySecret.name, value: registryApiKey }]
      : []),
  ];

  const [stateMachine] = model.stateMachines;
  if (!stateMachine) throw new Error('The synthesized template has no state machine');
  let host: FunctionHost | undefined;
  const functionNameOfArn = (arn: string) => {
    const fn = model.functionOf(arn);
    if (!fn) throw new Error(`No function in the template has the ARN ${arn}`);
    return fn.logicalId;
  };
  const workflow = new LocalWorkflowEngine({
    stateMachineArn: stateMachine.arn ?? stateMachine.ref,
    definition: stateMachine.definition,
    ...(options.timers ? { timers: options.timers } : {}),
    ...(options.retryIntervalMs !== undefined ? { retryIntervalMs: options.retryIntervalMs } : {}),
    onAsyncError: (functionArn, error) =>
      print(`Asynchronous invocation of ${functionArn} failed: ${(error as Error).message}`),
    invoke: async (functionArn, payload) => {
      const name = functionNameOfArn(functionArn);
      const verdict = await iam.authorize({
        principal: stateMachine.roleArn,
        action: 'lambda:InvokeFunction',
        resource: functionArn,
      });
      if (!verdict.allowed)
        throw Object.assign(new Error(verdict.message), { name: 'Lambda.AccessDeniedException' });
      return (host as FunctionHost).invoke(name, payload);
    },
  });

  const notifier = { sent: [] as LocalNotification[] };
  const events = { published: [] as DomainEvent[] };
  const outbox = new Outbox(dataDir);
  const customerTopicArn = referenced('NOTIFICATION_TOPIC_ARN');
  const byAccessKey = new Map(model.functions.map((fn) => [localCredentials(fn.logicalId).accessKeyId, fn]));

  const aws = await startLocalAws({
    region: model.region,
    account: model.account,
    dynamoDbEndpoint: options.dynamoDbEndpoint,
    dataDir,
    topics: model.topics.map((topic) => topic.arn ?? topic.ref),
    buckets: model.buckets.map((bucket) => bucket.name),
    eventBuses: model.eventBuses.map((bus) => bus.name),
    secrets,
    kmsKeyOf: (arn) => model.kmsKeyOf(arn),
    async authorize(call) {
      const fn = byAccessKey.get(call.accessKeyId);
      if (!fn) {
        return {
          allowed: false,
          message: `The security token included in the request is invalid (${call.accessKeyId})`,
        };
      }
      return iam.authorize({
        principal: fn.logicalId,
        action: call.action,
        resource: call.resource,
        ...(call.context ? { context: call.context } : {}),
      });
    },
    workflow: {
      async startExecution({ stateMachineArn, name, input }) {
        if (stateMachineArn !== stateMachine.arn) {
          throw Object.assign(new Error(`State Machine Does Not Exist: '${stateMachineArn}'`), {
            name: 'StateMachineDoesNotExist',
          });
        }
        const started = await workflow.startExecution(name ?? crypto.randomUUID(), JSON.parse(input ?? '{}'));
        return {
          executionArn: `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${started.executionName}`,
          startDate: new Date(),
        };
      },
      sendTaskSuccess: (taskToken, output) => workflow.resumeTask(taskToken, JSON.parse(output || 'null')),
      sendTaskFailure: (taskToken, error, cause) => workflow.failTask(taskToken, error ?? '', cause ?? ''),
    },
    onPublish(report) {
      if (report.topicArn !== customerTopicArn) return;
      const notification = notificationOf(report);
      if (!notification) return;
      notifier.sent.push(notification);
      outbox.append('notifications.jsonl', { at: new Date().toISOString(), ...notification });
      print(`[notification ${notification.severity}] ${notification.subject} | SMS: ${notification.sms}`);
    },
    onEvents(entries) {
      for (const entry of entries) {
        const { eventId, companyId, ...detail } = entry.detail as Record<string, unknown>;
        const event = {
          eventId: String(eventId),
          type: entry.detailType,
          companyId: String(companyId),
          occurredAt: entry.time.toISOString(),
          detail,
        } as unknown as DomainEvent;
        events.published.push(event);
        outbox.append('events.jsonl', event);
      }
    },
    ...(options.onDynamoDbRequest ? { onDynamoDbRequest: options.onDynamoDbRequest } : {}),
  });
  stops.push(() => aws.close());

  const functions: FunctionSpec[] = model.functions.map((fn) => ({
    name: fn.logicalId,
    entry: fn.entry,
    environment: localEnvironment(fn, {
      awsEndpoint: aws.endpoint,
      ...(options.bank ? { bankUrl: options.bank.url } : {}),
      registryUrl: registry.baseUrl,
      issuer,
    }),
    timeoutSeconds: fn.timeoutSeconds,
    memoryMb: fn.memoryMb,
  }));
  const onLog =
    options.onFunctionLog ??
    (process.env.LOCAL_FUNCTION_LOGS ? (name: string, line: string) => print(`[${name}] ${line}`) : () => {});
  host = new FunctionHost({
    repositoryRoot,
    functions,
    clock: options.clock,
    region: model.region,
    onLog,
    onAsyncError: (name, error) => print(`Asynchronous invocation of ${name} failed: ${error.message}`),
  });
  const functionHost = host;
  stops.push(() => functionHost.close());

  const functionNamed = (name: string): LocalFunction => {
    const fn = model.functionByEntry(`functions/${name}/handler.ts`);
    if (!fn) throw new Error(`The template has no function for functions/${name}`);
    return fn;
  };
  const documentClient = createDocumentClient({ region: model.region, endpoint: options.dynamoDbEndpoint });
  stops.push(() => documentClient.destroy());
  const routes = apiRoutesOf(template);
  const authorizer = functionNamed('authorize-request');

  const runtime: LocalRuntime = {
    model,
    workflow,
    issuer,
    iam,
    aws,
    functions: functionHost,
    notifier,
    events,
    store: {
      batches: new DynamoPaymentBatchRepository(documentClient, options.tableName),
      statements: new DynamoStatementRepository(documentClient, options.tableName),
    },
    functionNamed,
    invoke: (name, event) => functionHost.invoke(functionNamed(name).logicalId, event),
    async collect(collectOptions = {}) {
      return (await functionHost.invoke(functionNamed('collect-bank-messages').logicalId, {
        ...scheduledEvent(),
        ...collectOptions,
      })) as CollectorRun;
    },
    requestDailyStatements: (scheduledTime) =>
      functionHost.invoke(functionNamed('request-daily-statements').logicalId, {
        scheduledTime: (scheduledTime ?? options.clock.now()).toISOString(),
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
          const methodArn = `arn:aws:execute-api:${model.region}:${model.account}:local/dev/${method}${route.pathTemplate}`;
          try {
            const result = (await functionHost.invoke(authorizer.logicalId, {
              type: 'TOKEN',
              authorizationToken: header?.[1] ?? '',
              methodArn,
            })) as APIGatewayAuthorizerResult;
            const allowed = result.policyDocument.Statement.some(
              (statement) => 'Effect' in statement && statement.Effect === 'Allow',
            );
            if (!allowed) return problemResponse(new AuthenticationError(), request.path);
            context = Object.fromEntries(
              Object.entries(result.context ?? {}).map(([key, value]) => [key, String(value)]),
            );
          } catch (error) {
            // API Gateway answers 401 for the authorizer's "Unauthorized"; anything else is its 500.
            if (error instanceof FunctionError && error.message === 'Unauthorized') {
              return problemResponse(new AuthenticationError(), request.path);
            }
            throw error;
          }
        }
        const event = toProxyEvent(request, { pathTemplate: route.pathTemplate, pathParameters }, context);
        return (await functionHost.invoke(route.functionName, event)) as APIGatewayProxyResult;
      }
      return problemResponse(new NotFoundError('Route', `${method} ${request.path}`), request.path);
    },
    iamReport: () => iam.report(),
    async close() {
      // Test tiers can keep each runtime's IAM report, to see across all of them which grants no call used.
      const keep = process.env.LOCAL_IAM_REPORT_DIR;
      if (keep) {
        mkdirSync(keep, { recursive: true });
        writeFileSync(
          resolve(keep, `iam-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}.json`),
          JSON.stringify(await iam.report()),
        );
      }
      for (const stop of stops.splice(0).reverse()) await stop();
    },
  };
  return runtime;
}

/**
 * The function's synthesized environment with the local endpoints: AWS_ENDPOINT_URL (every AWS SDK client),
 * the bank simulator for the bank base URL, the local register for REGISTRY_BASE_URL and the local token
 * issuer's key for JWT_*. Nothing else is changed or added.
 */
export function localEnvironment(
  fn: LocalFunction,
  endpoints: { awsEndpoint: string; bankUrl?: string; registryUrl: string; issuer: LocalIssuer },
): Record<string, string> {
  const environment: Record<string, string> = { ...fn.environment, AWS_ENDPOINT_URL: endpoints.awsEndpoint };
  if (environment.BANK_GATEWAY_CONFIG && endpoints.bankUrl) {
    const bank = JSON.parse(environment.BANK_GATEWAY_CONFIG) as Record<string, unknown>;
    environment.BANK_GATEWAY_CONFIG = JSON.stringify({ ...bank, baseUrl: endpoints.bankUrl });
  }
  if (environment.REGISTRY_BASE_URL) environment.REGISTRY_BASE_URL = endpoints.registryUrl;
  if (environment.JWT_PUBLIC_KEYS !== undefined) {
    environment.JWT_ISSUER = endpoints.issuer.issuer;
    environment.JWT_AUDIENCE = endpoints.issuer.audience;
    environment.JWT_PUBLIC_KEYS = JSON.stringify({ [endpoints.issuer.keyId]: endpoints.issuer.publicKeyPem });
  }
  return environment;
}

/** What EventBridge Scheduler delivers to the collector every minute. */
function scheduledEvent() {
  return { source: 'aws.scheduler', 'detail-type': 'Scheduled Event', time: new Date().toISOString() };
}

/** The RenderedNotification the SNS notifier put into the `email-json` variant, with who received it. */
function notificationOf(report: SnsPublishReport): LocalNotification | undefined {
  try {
    const variants = JSON.parse(report.message) as Record<string, string>;
    const rendered = JSON.parse(variants['email-json'] ?? '') as RenderedNotification;
    return {
      ...rendered,
      recipients: report.deliveredTo.map((delivery) => `${delivery.protocol}:${delivery.endpoint}`),
    };
  } catch {
    return undefined;
  }
}

/** Appends JSON lines to files in the data folder, in order. */
class Outbox {
  readonly #dir: string;
  #writing: Promise<void> = Promise.resolve();

  constructor(dir: string) {
    this.#dir = dir;
  }

  append(file: string, value: unknown): void {
    const line = `${JSON.stringify(value)}\n`;
    this.#writing = this.#writing.then(async () => {
      await mkdir(this.#dir, { recursive: true });
      await appendFile(resolve(this.#dir, file), line);
    });
  }
}

function logicalIdOfType(template: CloudFormationTemplate, type: string): string {
  const found = Object.entries(template.Resources).find(([, resource]) => resource.Type === type);
  if (!found) throw new Error(`The synthesized template has no ${type}`);
  return found[0];
}

/**
 * Synthesizes the CDK app now. It is loaded only here (not imported at the top) because importing aws-cdk-lib
 * takes seconds, and `npm start` passes a cached template instead (template-cache.ts).
 */
function synthesizeNow(): CloudFormationTemplate {
  const load = createRequire(import.meta.url);
  return (load('./synthesize.ts') as typeof import('./synthesize.ts')).synthesizeConnectorTemplate();
}
