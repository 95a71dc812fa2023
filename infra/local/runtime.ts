// The local runtime: the same handlers as in Lambda, wired to DynamoDB Local and to the synthesized state
// machine executed in-process, plus an API Gateway stand-in that routes HTTP requests by the synthesized API.
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { APIGatewayProxyResult } from 'aws-lambda';
import type { Dependencies } from '../../shared/adapters/aws-dependencies.ts';
import { FixtureBankAgreements } from '../../shared/adapters/bank/bank-agreements.ts';
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
import { DynamoPaymentBatchRepository } from '../../shared/adapters/dynamodb/payment-batch-repository.ts';
import type { RequestCounter } from '../../shared/adapters/dynamodb/store.ts';
import { AuthenticationError, problemResponse } from '../../shared/adapters/http/api-gateway.ts';
import { FixtureRepresentationRegistry } from '../../shared/adapters/registry/representation-registry.ts';
import {
  type BankAgreements,
  type Clock,
  type IdGenerator,
  type RepresentationRegistry,
  randomIds,
  systemClock,
} from '../../shared/app/ports.ts';
import { authorizerContext, createTokenVerifier } from '../../shared/auth/jwt.ts';
import { createLocalIssuer, type LocalIssuer } from '../../shared/auth/local-issuer.ts';
import { NotFoundError } from '../../shared/errors.ts';
import { type HttpRequest, toProxyEvent } from './api-gateway-events.ts';
import { apiRoutesOf } from './api-routes.ts';
import { localRegion } from './dynamodb-local.ts';
import { stateMachinesOf } from './state-machine-definition.ts';
import { synthesizeConnectorTemplate } from './synthesize.ts';
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
}

export interface LocalRuntime {
  dependencies: Dependencies;
  workflow: LocalWorkflowEngine;
  issuer: LocalIssuer;
  /** Handles one HTTP request as API Gateway + the Lambda authorizer + the route's handler would. */
  handleHttp(request: HttpRequest): Promise<APIGatewayProxyResult>;
}

type HandlerModule = {
  makeHandler: (deps: Dependencies) => (event: unknown, context?: unknown) => Promise<unknown>;
};

export function createLocalRuntime(options: LocalRuntimeOptions): LocalRuntime {
  const template = synthesizeConnectorTemplate();
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
  const dependencies: Dependencies = {
    batches: new DynamoPaymentBatchRepository(documentClient, table, counter),
    connections: new DynamoConnectionRepository(documentClient, table, counter),
    accounts: new DynamoBankAccountRepository(documentClient, table, counter),
    statements: new DynamoStatementRepository(documentClient, table, counter),
    subscriptions: new DynamoNotificationSubscriptionRepository(documentClient, table, counter),
    audit: new DynamoAuditLog(documentClient, table, counter),
    idempotency: new DynamoIdempotencyStore(documentClient, table, clock, counter),
    workflow,
    registry: options.registry ?? new FixtureRepresentationRegistry(),
    agreements: options.agreements ?? new FixtureBankAgreements(),
    clock,
    ids: options.ids ?? randomIds,
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
