// Drives the API the way the Envoice UI does: HTTP requests through the local runtime (the authorizer and the
// route functions in their own workers with their synthesized environments and roles) against DynamoDB Local,
// the local register and the bank simulator (which answers the Gateway agreement checks).
import { startBankSimulator } from '../../../infra/local/bank-simulator/simulator.ts';
import { SharedClock } from '../../../infra/local/functions/shared-clock.ts';
import { type LocalRuntime, startLocalRuntime } from '../../../infra/local/runtime.ts';
import { createEstonianReference } from '../../../shared/domain/reference.ts';
import { isolatedTable } from '../../support/dynamodb.ts';
import { sharedTemplate } from '../../support/template.ts';

export const coopIbans = [
  'EE654200000000100007',
  'EE814200000000100010',
  'EE214200000000100023',
  'EE584200000000100036',
] as const;
export const creditorIbans = [
  'EE382200221020145685',
  'FI2112345600000785',
  'DE89370400440532013000',
] as const;

export interface Response<Body = Record<string, unknown>> {
  status: number;
  body: Body;
  headers: Record<string, string>;
  raw: string;
}

export interface Caller {
  token: string;
  call<Body = Record<string, unknown>>(
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
    query?: Record<string, string>,
  ): Promise<Response<Body>>;
}

/** Calls the API through the local runtime (API Gateway stand-in, authorizer, route function) with a token. */
export function httpCaller(runtime: LocalRuntime, token: string): Caller {
  return {
    token,
    async call(method, path, body, headers = {}, query) {
      const result = await runtime.handleHttp({
        method,
        path,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...headers },
        ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
        ...(query ? { query } : {}),
      });
      return {
        status: result.statusCode,
        body: (result.body ? JSON.parse(result.body) : {}) as never,
        headers: (result.headers ?? {}) as Record<string, string>,
        raw: result.body,
      };
    },
  };
}

/**
 * The API tests' bank: Gateway agreements for the local register's 10000001 (sole board member) and 10000002
 * (joint), none for 10000003, with the Coop accounts the tests add.
 */
const apiTestSeed = {
  endUsers: [
    { registryCode: '10000001', name: 'Demo Sole OÜ', accounts: coopIbans.map((iban) => ({ iban })) },
    { registryCode: '10000002', name: 'Demo Joint AS', accounts: [] },
  ],
};

export async function startApi(options: { onDynamoDbRequest?: (operation: string) => void } = {}) {
  const table = await isolatedTable();
  // Real time, shared with the functions' workers.
  const clock = new SharedClock();
  const simulator = await startBankSimulator({
    controlPort: false,
    randomSeed: 7,
    seed: apiTestSeed,
    settings: { validateXsd: false },
    clock,
  });
  const runtime: LocalRuntime = await startLocalRuntime({
    dynamoDbEndpoint: table.endpoint,
    tableName: table.tableName,
    clock,
    bank: { url: simulator.url, clientTls: simulator.clientTls },
    template: await sharedTemplate(),
    ...(options.onDynamoDbRequest ? { onDynamoDbRequest: options.onDynamoDbRequest } : {}),
  });
  const as = (claims: {
    companyId: string;
    userId: string;
    personalCode?: string;
    roles?: string[];
  }): Caller => httpCaller(runtime, runtime.issuer.issue(claims));
  return {
    table,
    runtime,
    simulator,
    as,
    async close() {
      await runtime.close();
      await simulator.stop();
    },
  };
}

/** Takes a company through onboarding: account, connection, representation, permissions, activation. */
export async function onboard(
  admin: Caller,
  options: {
    iban: string;
    registryCode?: string;
    paymentInitiation?: boolean;
    statementRetrieval?: boolean;
  },
) {
  const account = await admin.call('POST', '/v1/bank-accounts', { iban: options.iban, name: 'Main' });
  if (account.status !== 201) throw new Error(`adding the account failed: ${account.raw}`);
  const connection = await admin.call<{ id: string }>('POST', '/v1/connections', {
    registryCode: options.registryCode ?? '10000001',
  });
  if (connection.status !== 201) throw new Error(`creating the connection failed: ${connection.raw}`);
  const id = connection.body.id;
  const confirmed = await admin.call('POST', `/v1/connections/${id}/representation-confirmations`);
  if (confirmed.status !== 200) throw new Error(`confirming representation failed: ${confirmed.raw}`);
  const selected = await admin.call('PUT', `/v1/connections/${id}/accounts`, {
    accounts: [
      {
        accountId: options.iban,
        paymentInitiation: options.paymentInitiation ?? true,
        statementRetrieval: options.statementRetrieval ?? true,
      },
    ],
  });
  if (selected.status !== 200) throw new Error(`selecting accounts failed: ${selected.raw}`);
  const activated = await admin.call('POST', `/v1/connections/${id}/activate`);
  if (activated.status !== 200) throw new Error(`activating failed: ${activated.raw}`);
  return { connectionId: id };
}

let documentSequence = 0;

/** A valid Estonian reference number (7-3-1 check digit) built from `base`. */
export const reference = (base: number | string) => createEstonianReference(String(base));

/** A valid payment line with a fresh bill id and reference (so lines are not duplicates) unless given. */
export function paymentLine(overrides: Record<string, unknown> = {}) {
  documentSequence += 1;
  return {
    creditorName: 'Tarnija OU',
    creditorIban: creditorIbans[0],
    amount: '125.50',
    currency: 'EUR',
    reference: reference(1000 + documentSequence),
    sourceDocument: { type: 'bill', id: `bill-${process.pid}-${documentSequence}` },
    ...overrides,
  };
}

/**
 * Waits until the batch's workflow has got past SubmitToBank: it now waits for the bank's answers (this
 * harness runs no collector) or has finished. Returns the execution record.
 */
export async function untilSubmitted(runtime: LocalRuntime, batchId: string) {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    const execution = runtime.workflow.execution(batchId);
    const waiting = execution?.events.some(
      (event) => event.type === 'StateEntered' && event.stateName === 'AwaitBankAcknowledgement',
    );
    if (execution && (waiting || execution.status !== 'RUNNING')) return execution;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`the workflow of ${batchId} did not get past SubmitToBank in time`);
}
