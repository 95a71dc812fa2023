// A connector for the daily statement workflow tests: DynamoDB Local (own table), the bank simulator over
// HTTPS + mTLS with a manual clock, and the local runtime running the synthesized functions (their handlers,
// environment and IAM roles). Companies are onboarded through the API. The test reads what happened from the
// runtime (notifications, events, stored statements), from the simulator's own records (what reached the bank)
// and from repositories on the test's DynamoDB client (read or seed only, never a use case).
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { ManualClock } from '../../infra/local/bank-simulator/clock.ts';
import { type LocalRuntime, startLocalRuntime } from '../../infra/local/runtime.ts';
import { globalKeys } from '../../shared/adapters/dynamodb/table-schema.ts';
import type { CollectorRun } from '../../shared/app/collect-bank-messages.ts';
import { tallinnInstant } from '../../shared/domain/calendar.ts';
import { type Harness, startHarness } from '../contract/bank-harness.ts';
import { type Caller, httpCaller, onboard } from '../integration/api/harness.ts';
import { isolatedTable } from './dynamodb.ts';
import { sharedTemplate } from './template.ts';

/** A statement (or balance) request as the bank received it. */
export interface BankStatementRequest {
  messageId?: string;
  endUser?: { registryCode: string; country: string };
  iban?: string;
  fromDate?: string;
  toDate?: string;
  outcome: number;
  code?: string;
}

export interface StatementWorld {
  bank: Harness;
  runtime: LocalRuntime;
  table: Awaited<ReturnType<typeof isolatedTable>>;
  /** A caller of the API with the given claims (tokens from the runtime's issuer). */
  caller(claims: { companyId: string; userId: string; personalCode?: string; roles?: string[] }): Caller;
  /**
   * Runs the collector until the bank's queue is empty (or, with `maxMessages`, once for that many). Returns the
   * runs and what the collector recorded for each message it acknowledged meanwhile (archive outcome).
   */
  settle(options?: { maxMessages?: number }): Promise<{ runs: CollectorRun[]; messages: SettledMessage[] }>;
  /** Statement requests that reached the bank since `mark` (an index from `mark()`). */
  statementRequests(since?: number): BankStatementRequest[];
  /** The current position in the bank's request log (it keeps the last 10,000 requests; tests stay far below). */
  mark(): number;
  /** Puts a hand-written camt.053 on the bank's queue, for the end user given. */
  injectCamt053(body: string, endUser: { registryCode: string; country: string }): string;
  /** Moves the bank's (and every function's) clock to a Tallinn wall-clock time. */
  at(date: string, time: string): void;
  close(): Promise<void>;
}

export interface SettledMessage {
  responseId: string;
  typeHeader: string;
  state?: string;
  /** The processor's summary (processed) or the problem (quarantined). */
  outcome?: string;
}

export async function startStatementWorld(start: string): Promise<StatementWorld> {
  const table = await isolatedTable();
  const clock = new ManualClock(start);
  const bank = await startHarness({ clock, settings: { signing: 'auto' } });
  const logs: string[] = [];
  const runtime = await startLocalRuntime({
    dynamoDbEndpoint: table.endpoint,
    tableName: table.tableName,
    bank: { url: bank.simulator.url, clientTls: bank.simulator.clientTls },
    template: await sharedTemplate(),
    clock: bank.clock,
    retryIntervalMs: 0,
    print: (line) => logs.push(line),
  });

  const caller: StatementWorld['caller'] = (claims) => httpCaller(runtime, runtime.issuer.issue(claims));

  const archived = async (responseId: string) => {
    const { Item } = await table.client.send(
      new GetCommand({
        TableName: table.tableName,
        Key: globalKeys.bankMessage(responseId),
        ConsistentRead: true,
      }),
    );
    return Item as { state?: string; details?: { outcome?: string; problem?: string } } | undefined;
  };

  return {
    bank,
    runtime,
    table,
    caller,
    async settle(options = {}) {
      const queue = bank.simulator.bank.queue;
      const before = new Set(queue.acknowledged().map((message) => message.responseId));
      const runs: CollectorRun[] = [];
      const deadline = Date.now() + 30_000;
      while (Date.now() < deadline) {
        const run = await runtime.collect(options);
        runs.push(run);
        if (run.stoppedBecause === 'retry-later') {
          throw new Error(`the collector left a message for later: ${logs.slice(-10).join('\n')}`);
        }
        if (options.maxMessages !== undefined) break;
        const quiet = run.processed === 0 && run.alreadyDone === 0 && run.quarantined === 0;
        if (quiet && run.stoppedBecause === 'queue-empty') break;
        if (run.stoppedBecause === 'busy') await new Promise((resolve) => setTimeout(resolve, 200));
      }
      if (options.maxMessages === undefined && runs.at(-1)?.stoppedBecause !== 'queue-empty') {
        throw new Error(`the bank queue did not settle: ${JSON.stringify(runs.at(-1))}`);
      }
      const messages: SettledMessage[] = [];
      for (const message of queue.acknowledged()) {
        if (before.has(message.responseId)) continue;
        const record = await archived(message.responseId);
        const outcome = record?.details?.outcome ?? record?.details?.problem;
        messages.push({
          responseId: message.responseId,
          typeHeader: message.typeHeader,
          ...(record?.state ? { state: record.state } : {}),
          ...(outcome ? { outcome } : {}),
        });
      }
      return { runs, messages };
    },
    statementRequests(since = 0) {
      return bank.simulator.bank
        .received()
        .slice(since)
        .filter((request) => request.route === 'account-statement')
        .map((request) => ({
          ...(request.messageId ? { messageId: request.messageId } : {}),
          ...(request.endUser ? { endUser: request.endUser } : {}),
          ...(request.period ?? {}),
          outcome: request.outcome,
          ...(request.code ? { code: request.code } : {}),
        }));
    },
    mark: () => bank.simulator.bank.received().length,
    injectCamt053(body, endUser) {
      return bank.simulator.bank.injectMessage({ body, typeHeader: 'camt.053.001.02', endUser }).responseId;
    },
    at(date, time) {
      bank.simulator.advanceTime(tallinnInstant(date, time).getTime() - bank.clock.now().getTime());
    },
    async close() {
      await runtime.close();
      await bank.close();
    },
  };
}

/** Onboards a company whose connection selects several accounts (the first through `onboard`, the rest added). */
export async function onboardAccounts(
  admin: Caller,
  registryCode: string,
  accounts: Array<{ iban: string; paymentInitiation?: boolean; statementRetrieval: boolean }>,
): Promise<{ connectionId: string }> {
  const [first, ...rest] = accounts;
  if (!first) throw new Error('no accounts');
  const { connectionId } = await onboard(admin, { ...first, registryCode });
  if (rest.length === 0) return { connectionId };
  for (const each of rest) {
    const added = await admin.call('POST', '/v1/bank-accounts', { iban: each.iban, name: 'Other' });
    if (added.status !== 201) throw new Error(`adding the account failed: ${added.raw}`);
  }
  await selectAccounts(admin, connectionId, accounts);
  return { connectionId };
}

/** PUT /v1/connections/{id}/accounts: the accounts the connection selects and their permissions. */
export async function selectAccounts(
  admin: Caller,
  connectionId: string,
  accounts: Array<{ iban: string; paymentInitiation?: boolean; statementRetrieval: boolean }>,
): Promise<void> {
  const selected = await admin.call('PUT', `/v1/connections/${connectionId}/accounts`, {
    accounts: accounts.map((each) => ({
      accountId: each.iban,
      paymentInitiation: each.paymentInitiation ?? true,
      statementRetrieval: each.statementRetrieval,
    })),
  });
  if (selected.status !== 200) throw new Error(`selecting accounts failed: ${selected.raw}`);
}
