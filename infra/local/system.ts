// The whole connector on one machine, as one reusable function: DynamoDB Local, the bank simulator over HTTPS +
// mTLS (with its control API), the runtime (synthesized state machine + real handlers), the collector and the
// daily statement schedule on timers, the notification and event outboxes, and the HTTP API with the local
// control routes and the API docs page. Used by `npm start` (start.ts), `npm run demo` (demo.ts) and tests.
import { mkdirSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { resolve } from 'node:path';
import { DeleteTableCommand, DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '../../shared/adapters/dynamodb/client.ts';
import { keys, tableSchema } from '../../shared/adapters/dynamodb/table-schema.ts';
import type { CollectorRun } from '../../shared/app/collect-bank-messages.ts';
import type { LocalIssuer } from '../../shared/auth/local-issuer.ts';
import { addDays, tallinnDate, tallinnInstant } from '../../shared/domain/calendar.ts';
import type { BankSimulator } from './bank-simulator/simulator.ts';
import {
  assertJavaAvailable,
  createConnectorTable,
  type DynamoDbLocal,
  localDynamoClient,
  localRegion,
  startDynamoDbLocal,
} from './dynamodb-local.ts';
import { startHttpServer } from './http-server.ts';
import { createLocalRoutes } from './local-routes.ts';
import { OffsetClock, OffsetTimers, readClockOffset, writeClockOffset } from './offset-clock.ts';
import { loadOrCreateIssuer } from './persistent-issuer.ts';
import type { LocalRuntime } from './runtime.ts';
import { loadConnectorTemplate } from './template-cache.ts';

export const repositoryRoot = resolve(import.meta.dirname, '../..');
/** `.local/` of this checkout (git-ignored): DynamoDB data, certificates, issuer key, outboxes, clock offset. */
export const defaultDataDir = resolve(repositoryRoot, '.local');

export const localCompanyId = 'local-company';
export const localRoles = ['admin', 'payer', 'viewer'] as const;
export type LocalRole = (typeof localRoles)[number];

export interface LocalSystemOptions {
  /** Where everything is kept; default `.local/` of the checkout. */
  dataDir?: string;
  /** Wipe `dataDir` first (certificates are kept in `certificateDir` unless it lies inside). */
  fresh?: boolean;
  /** API port; 0 = a free port. Default 3000. */
  port?: number;
  /** Bank simulator API (HTTPS + mTLS) port; default 0 (free). */
  bankPort?: number;
  /** Bank simulator control API port (localhost, plain HTTP); default 0 (free). */
  bankControlPort?: number;
  /** Where the simulator's certificates live (generated on first start); default `<dataDir>/bank-simulator`. */
  certificateDir?: string;
  /** Use this DynamoDB Local instead of starting one (tests); a table is created if needed. */
  dynamoDb?: { endpoint: string };
  /** Keep DynamoDB data on disk under `<dataDir>/dynamodb` (default true); false = in memory. */
  persistData?: boolean;
  tableName?: string;
  /** The clock starts here (deterministic demos and tests); default: now plus the kept offset. */
  startAt?: Date | string;
  /** How often the collector runs; default 3000 ms; false = never by itself (use collectNow). */
  collectorIntervalMs?: number | false;
  /** Daily statement requests, `HH:MM` Europe/Tallinn; default '06:00'; false = off (use requestStatementsNow). */
  dailyStatementTime?: string | false;
  /** Simulated bank signing: `manual` (default; sign through the control routes) or `auto`. */
  signing?: 'manual' | 'auto';
  /** Where notifications and system messages are printed; default console.log. */
  print?: (line: string) => void;
  /** Validity of the tokens in `tokens`; default 7 days. */
  tokenTtlSeconds?: number;
}

export interface LocalSystem {
  /** e.g. `http://127.0.0.1:3000` (the API is under `/v1`, docs at `/docs`, control routes at `/local`). */
  apiUrl: string;
  /** The simulated Coop Pank Gateway (HTTPS, mutual TLS). */
  bankUrl: string;
  /** The simulator's control API (`/control/...`), localhost only. */
  bankControlUrl: string;
  dynamoDbEndpoint: string;
  tableName: string;
  dataDir: string;
  /** Ready-to-use tokens of company `local-company`, one per role. */
  tokens: Record<LocalRole, string>;
  issuer: LocalIssuer;
  runtime: LocalRuntime;
  simulator: BankSimulator;
  clock: OffsetClock;
  /** How long startup took, ms. */
  startupMs: number;
  /** When the daily statement requests run next (clock time), if scheduled. */
  nextDailyStatementsAt(): Date | undefined;
  /** Moves the shared clock forward (bank first, then the workflow timers and the schedule); returns the new time. */
  advanceTime(ms: number): Promise<Date>;
  /** Runs the collector until the bank's queue is empty and nothing more is processed. */
  collectNow(): Promise<CollectorRun[]>;
  /** Runs the daily statement requests now (as the 06:00 schedule would): the function's summary. */
  requestStatementsNow(): Promise<DailyStatementsSummary>;
  /** Companies whose active connection routes this end user's bank messages. */
  companiesRouting(country: string, registryCode: string): Promise<string[]>;
  stop(): Promise<void>;
}

/** What the daily statement function answers (functions/request-daily-statements). */
export interface DailyStatementsSummary {
  runDate: string;
  accounts: number;
  requests: number;
  notified: number;
}

export class PortInUseError extends Error {
  override name = 'PortInUseError';
}

/** Starts everything; on failure, whatever was started is stopped again before the error is thrown. */
export async function startLocalSystem(options: LocalSystemOptions = {}): Promise<LocalSystem> {
  const started = Date.now();
  const timing = process.env.LOCAL_TIMINGS
    ? (what: string) => console.error(`[startup] ${what} at ${Date.now() - started} ms`)
    : () => {};
  const print = options.print ?? ((line: string) => console.log(line));
  const dataDir = resolve(options.dataDir ?? defaultDataDir);
  const certificateDir = resolve(options.certificateDir ?? resolve(dataDir, 'bank-simulator'));
  if (options.fresh) rmSync(dataDir, { recursive: true, force: true });
  mkdirSync(dataDir, { recursive: true });
  const tableName = options.tableName ?? 'coop-pank-connector';
  const clockFile = resolve(dataDir, 'clock.json');
  const clock =
    options.startAt !== undefined
      ? new OffsetClock({ start: options.startAt })
      : new OffsetClock({ offsetMs: readClockOffset(clockFile) });
  const timers = new OffsetTimers(clock);
  const stops: Array<() => Promise<void> | void> = [];
  const stopAll = async () => {
    for (const stop of stops.splice(0).reverse()) {
      try {
        await stop();
      } catch (error) {
        print(`(while stopping: ${error instanceof Error ? error.message : String(error)})`);
      }
    }
  };

  // Java boots in its own process while this one loads the template and the runtime's modules.
  let dynamoStarting: Promise<DynamoDbLocal | undefined> = Promise.resolve(undefined);
  const stopAllAndDynamo = async () => {
    await stopAll();
    const dynamo = await dynamoStarting.catch(() => undefined);
    await dynamo?.stop();
  };
  try {
    const port = options.port ?? 3000;
    await assertPortFree(port, 'The API port', '`npm start -- --port <other>`');
    if (options.bankPort) await assertPortFree(options.bankPort, 'The bank simulator port', '--bank-port');
    if (options.bankControlPort) {
      await assertPortFree(options.bankControlPort, 'The bank control port', '--bank-control-port');
    }
    if (!options.dynamoDb) {
      assertJavaAvailable();
      dynamoStarting = startDynamoDbFast(
        options.persistData === false ? {} : { dataDir: resolve(dataDir, 'dynamodb') },
      );
      dynamoStarting.catch(() => {});
    }
    const [{ template }, { startLocalRuntime }, { startBankSimulator }] = await Promise.all([
      loadConnectorTemplate().finally(() => timing('template')),
      import('./runtime.ts').finally(() => timing('runtime modules')),
      import('./bank-simulator/simulator.ts'),
    ]);

    const simulator = await startBankSimulator({
      port: options.bankPort ?? 0,
      controlPort: options.bankControlPort ?? 0,
      certificates: { directory: certificateDir },
      clock,
      tickIntervalMs: 100,
      seed: 'demo',
      randomSeed: 7,
      settings: { signing: options.signing ?? 'manual', validateXsd: false },
    });
    stops.push(() => simulator.stop());
    timing('bank simulator');

    const dynamo = await dynamoStarting;
    timing('DynamoDB Local');
    const dynamoDbEndpoint = options.dynamoDb?.endpoint ?? (dynamo as DynamoDbLocal).endpoint;
    await ensureConnectorTable(dynamoDbEndpoint, tableName, print);

    const issuer = loadOrCreateIssuer(resolve(dataDir, 'issuer-key.pem'));
    const runtime = await startLocalRuntime({
      dynamoDbEndpoint,
      tableName,
      bank: { url: simulator.url, clientTls: simulator.clientTls },
      clock,
      timers,
      issuer,
      dataDir,
      template,
      print,
    });
    stops.push(() => runtime.close());
    stops.push(() => timers.clear());
    timing('runtime');

    // The collector: one run at a time, whoever asks (timer, control route, demo).
    let collecting: Promise<unknown> = Promise.resolve();
    const serialized = <T>(work: () => Promise<T>): Promise<T> => {
      const next = collecting.then(work, work);
      collecting = next.catch(() => {});
      return next;
    };
    const collectNow = () =>
      serialized(async () => {
        const runs: CollectorRun[] = [];
        for (let round = 0; round < 100; round += 1) {
          simulator.tick();
          const run = await runtime.collect();
          runs.push(run);
          // Let the workflow react to what was resumed before looking again.
          await new Promise((done) => setTimeout(done, 15));
          if (run.stoppedBecause === 'busy') continue;
          const quiet = run.processed === 0 && run.alreadyDone === 0 && run.quarantined === 0;
          if (quiet && run.stoppedBecause === 'queue-empty') break;
        }
        return runs;
      });
    let collectorFailing = false;
    if (options.collectorIntervalMs !== false) {
      const every = options.collectorIntervalMs ?? 3_000;
      const interval = setInterval(() => {
        serialized(() => runtime.collect())
          .then(() => {
            if (collectorFailing) print('Collector: running again.');
            collectorFailing = false;
          })
          .catch((error: unknown) => {
            if (!collectorFailing) print(`Collector run failed (will retry): ${(error as Error).message}`);
            collectorFailing = true;
          });
      }, every);
      interval.unref();
      stops.push(() => clearInterval(interval));
    }

    const requestStatementsNow = (now?: Date) =>
      runtime.requestDailyStatements(now ?? clock.now()) as Promise<DailyStatementsSummary>;

    // The daily schedule: at the configured Tallinn time, on the shared clock (advancing time triggers it).
    let nextDaily: Date | undefined;
    let cancelDaily: (() => void) | undefined;
    const scheduleDaily = (time: string) => {
      const now = clock.now();
      let at = tallinnInstant(tallinnDate(now), time);
      if (at.getTime() <= now.getTime()) at = tallinnInstant(addDays(tallinnDate(now), 1), time);
      nextDaily = at;
      cancelDaily = timers.schedule(at.getTime() - now.getTime(), () => {
        requestStatementsNow(at)
          .then((outcome) => {
            print(
              `Daily statements (${outcome.runDate}): ${outcome.requests} request(s) for ${outcome.accounts} account(s)`,
            );
          })
          .catch((error: unknown) => print(`Daily statement requests failed: ${(error as Error).message}`))
          .finally(() => scheduleDaily(time));
      });
    };
    if (options.dailyStatementTime !== false) {
      const time = options.dailyStatementTime ?? '06:00';
      if (!/^\d{2}:\d{2}$/.test(time)) throw new Error(`dailyStatementTime must be HH:MM, got ${time}`);
      scheduleDaily(time);
      stops.push(() => cancelDaily?.());
    }

    const documentClient = createDocumentClient({ region: localRegion, endpoint: dynamoDbEndpoint });
    const companiesRouting = async (country: string, registryCode: string) => {
      const result = await documentClient.send(
        new QueryCommand({
          TableName: tableName,
          IndexName: 'gsi1',
          KeyConditionExpression: 'gsi1pk = :pk',
          ExpressionAttributeValues: { ':pk': keys.endUser(country, registryCode) },
        }),
      );
      return [...new Set((result.Items ?? []).map((item) => String(item.companyId)))];
    };

    const ttl = options.tokenTtlSeconds ?? 7 * 86_400;
    const tokens: Record<LocalRole, string> = {
      admin: issuer.issue(
        { userId: 'local-admin', companyId: localCompanyId, personalCode: '38001010005', roles: ['admin'] },
        ttl,
      ),
      payer: issuer.issue({ userId: 'local-payer', companyId: localCompanyId, roles: ['payer'] }, ttl),
      viewer: issuer.issue({ userId: 'local-viewer', companyId: localCompanyId, roles: [] }, ttl),
    };

    const system: LocalSystem = {
      apiUrl: '',
      bankUrl: simulator.url,
      bankControlUrl: simulator.controlUrl ?? '',
      dynamoDbEndpoint,
      tableName,
      dataDir,
      tokens,
      issuer,
      runtime,
      simulator,
      clock,
      startupMs: 0,
      nextDailyStatementsAt: () => nextDaily,
      async advanceTime(ms) {
        if (!Number.isFinite(ms) || ms < 0) throw new RangeError('time only moves forward (ms ≥ 0)');
        simulator.advanceTime(ms);
        await timers.fireDue();
        if (options.startAt === undefined) writeClockOffset(clockFile, clock.offsetMs);
        return clock.now();
      },
      collectNow,
      requestStatementsNow: () => requestStatementsNow(),
      companiesRouting,
      stop: stopAllAndDynamo,
    };

    let server: Server;
    try {
      server = await startHttpServer(runtime, port, '127.0.0.1', { before: createLocalRoutes(system) });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
        throw new PortInUseError(
          `Port ${port} is already in use (another \`npm start\`?). Stop what is using it or run \`npm start -- --port <other>\`.`,
        );
      }
      throw error;
    }
    stops.push(
      () =>
        new Promise<void>((done) => {
          server.close(() => done());
          server.closeAllConnections();
        }),
    );
    stops.push(() => documentClient.destroy());
    const address = server.address();
    system.apiUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : port}`;
    system.startupMs = Date.now() - started;
    return system;
  } catch (error) {
    await stopAllAndDynamo();
    throw error;
  }
}

/**
 * Creates the table, or recreates a table kept from an older version whose indexes differ from today's schema
 * (local data only; it would fail on the first query otherwise).
 */
async function ensureConnectorTable(endpoint: string, tableName: string, print: (line: string) => void) {
  const client = localDynamoClient(endpoint);
  try {
    const existing = await client
      .send(new DescribeTableCommand({ TableName: tableName }))
      .catch((error: { name?: string }) => {
        if (error.name === 'ResourceNotFoundException') return undefined;
        throw error;
      });
    if (existing?.Table) {
      const have = new Set((existing.Table.GlobalSecondaryIndexes ?? []).map((index) => index.IndexName));
      const missing = tableSchema.globalSecondaryIndexes.filter((index) => !have.has(index.indexName));
      if (missing.length === 0) return;
      print(
        `The local table ${tableName} was created by an older version (no ${missing.map((i) => i.indexName).join(', ')}); recreating it empty.`,
      );
      await client.send(new DeleteTableCommand({ TableName: tableName }));
    }
    await createConnectorTable(endpoint, tableName);
  } finally {
    client.destroy();
  }
}

/** Fails with a clear message when something already listens on `port` (0 = any free port, never taken). */
async function assertPortFree(port: number, what: string, hint: string): Promise<void> {
  if (port === 0) return;
  const { createServer } = await import('node:net');
  await new Promise<void>((done, fail) => {
    const probe = createServer();
    probe.once('error', (error: NodeJS.ErrnoException) =>
      fail(
        error.code === 'EADDRINUSE'
          ? new PortInUseError(
              `${what} ${port} is already in use (another \`npm start\`?). Stop what is using it or choose another port with ${hint}.`,
            )
          : error,
      ),
    );
    probe.listen(port, '127.0.0.1', () => probe.close(() => done()));
  });
}

/**
 * DynamoDB Local with JVM flags for a quick start (C1 compiler only, serial GC, class data sharing): it
 * serves a handful of requests per second locally, so peak JIT performance does not matter. A
 * JAVA_TOOL_OPTIONS of your own is left alone.
 */
async function startDynamoDbFast(options: { dataDir?: string }): Promise<DynamoDbLocal> {
  const own = process.env.JAVA_TOOL_OPTIONS;
  if (own === undefined) {
    process.env.JAVA_TOOL_OPTIONS = '-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xshare:auto';
  }
  try {
    return await startDynamoDbLocal(options);
  } finally {
    if (own === undefined) delete process.env.JAVA_TOOL_OPTIONS;
  }
}
