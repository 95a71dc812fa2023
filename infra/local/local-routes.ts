// Local-only routes of the HTTP server (never deployed): the interactive API docs page and `/local/*`, the
// controls the demo and a developer use — the shared clock, the collector and statement schedule on demand,
// signing in the simulated bank, incoming payments, tokens, and what went to the notification/event outboxes.
import type { APIGatewayProxyResult } from 'aws-lambda';
import { authorizerContext, createTokenVerifier } from '../../shared/auth/jwt.ts';
import { parseDecimal } from '../../shared/domain/money.ts';
import type { HttpRequest } from './api-gateway-events.ts';
import { docsPage } from './docs-page.ts';
import type { LocalRouteHandler } from './http-server.ts';
import type { LocalSystem } from './system.ts';

class LocalProblem extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

const json = (statusCode: number, value: unknown): APIGatewayProxyResult => ({
  statusCode,
  headers: { 'content-type': 'application/json', 'cache-control': 'no-store' },
  body: JSON.stringify(value, null, 2),
});

/** What `GET /local` lists. */
export const localRouteList = [
  ['GET', '/docs', 'interactive API docs (reads /openapi.json)'],
  ['GET', '/local/info', 'URLs, clock, schedule, data folder'],
  ['GET', '/local/tokens', 'the local tokens (company local-company), one per role'],
  ['POST', '/local/tokens', 'issue a token {companyId, roles[], personalCode?, userId?, ttlSeconds?}'],
  ['GET', '/local/time', 'the shared clock'],
  ['POST', '/local/time/advance', 'move the clock forward {ms | minutes | hours | days | to: ISO instant}'],
  ['POST', '/local/collect', 'run the bank message collector now (until the queue is empty)'],
  ['POST', '/local/statements/request', 'run the daily statement requests now (as the 06:00 schedule)'],
  [
    'POST',
    '/local/batches/{batchId}/sign',
    'sign a batch in the simulated bank (Authorization: the company token)',
  ],
  ['POST', '/local/incoming-payments', 'book an incoming payment {iban, amount, debtorName, reference?}'],
  ['GET', '/local/notifications', 'notifications sent since start (?type=)'],
  ['GET', '/local/events', 'events published since start (?type=)'],
  ['GET', '/local/executions/{batchId}', 'the batch workflow execution: status and states entered'],
  [
    'GET',
    '/local/end-users/{country}/{registryCode}',
    'companies whose active connection routes this end user',
  ],
] as const;

export function createLocalRoutes(system: LocalSystem): LocalRouteHandler {
  const verify = createTokenVerifier({
    issuer: system.issuer.issuer,
    audience: system.issuer.audience,
    publicKeys: { [system.issuer.keyId]: system.issuer.publicKeyPem },
  });
  const companyOf = (request: HttpRequest): string => {
    const header = Object.entries(request.headers ?? {}).find(
      ([name]) => name.toLowerCase() === 'authorization',
    );
    try {
      return authorizerContext(verify((header?.[1] ?? '').replace(/^Bearer\s+/i, ''))).companyId as string;
    } catch {
      throw new LocalProblem(401, 'a valid local token is required (Authorization: Bearer …)');
    }
  };
  const bodyOf = (request: HttpRequest): Record<string, unknown> => {
    if (!request.body?.trim()) return {};
    try {
      const value: unknown = JSON.parse(request.body);
      if (value && typeof value === 'object' && !Array.isArray(value))
        return value as Record<string, unknown>;
    } catch {
      // fall through
    }
    throw new LocalProblem(400, 'the body must be a JSON object');
  };
  const info = () => ({
    apiUrl: system.apiUrl,
    openApi: `${system.apiUrl}/openapi.json`,
    docs: `${system.apiUrl}/docs`,
    bankUrl: system.bankUrl,
    bankControlUrl: system.bankControlUrl,
    dynamoDbEndpoint: system.dynamoDbEndpoint,
    tableName: system.tableName,
    dataDir: system.dataDir,
    now: system.clock.now().toISOString(),
    clockOffsetMs: system.clock.offsetMs,
    nextDailyStatementsAt: system.nextDailyStatementsAt()?.toISOString(),
    routes: localRouteList.map(([method, path, what]) => ({ method, path, what })),
  });

  const routes: Array<
    [string, RegExp, (request: HttpRequest, params: string[]) => Promise<unknown> | unknown]
  > = [
    ['GET', /^\/local\/?$/, () => info()],
    ['GET', /^\/local\/info$/, () => info()],
    ['GET', /^\/local\/tokens$/, () => ({ companyId: 'local-company', ...system.tokens })],
    ['GET', /^\/local\/iam-report$/, () => system.runtime.iamReport()],
    [
      'POST',
      /^\/local\/tokens$/,
      (request) => {
        const body = bodyOf(request);
        const companyId =
          typeof body.companyId === 'string' && body.companyId ? body.companyId : 'local-company';
        const roles = Array.isArray(body.roles) ? body.roles.map(String) : ['admin', 'payer'];
        const token = system.issuer.issue(
          {
            companyId,
            userId: typeof body.userId === 'string' ? body.userId : `local-${roles.join('-') || 'viewer'}`,
            roles,
            ...(typeof body.personalCode === 'string' ? { personalCode: body.personalCode } : {}),
          },
          typeof body.ttlSeconds === 'number' ? body.ttlSeconds : 12 * 3600,
        );
        return { companyId, roles, token };
      },
    ],
    [
      'GET',
      /^\/local\/time$/,
      () => ({ now: system.clock.now().toISOString(), offsetMs: system.clock.offsetMs }),
    ],
    [
      'POST',
      /^\/local\/time\/advance$/,
      async (request) => {
        const body = bodyOf(request);
        const number = (name: string) => (typeof body[name] === 'number' ? (body[name] as number) : 0);
        let ms =
          number('ms') +
          number('minutes') * 60_000 +
          number('hours') * 3_600_000 +
          number('days') * 86_400_000;
        if (typeof body.to === 'string') {
          const target = new Date(body.to).getTime();
          if (Number.isNaN(target)) throw new LocalProblem(400, '`to` must be an ISO 8601 instant');
          ms = target - system.clock.now().getTime();
        }
        if (!Number.isFinite(ms) || ms < 0) throw new LocalProblem(400, 'time only moves forward');
        const before = system.clock.now().toISOString();
        const now = await system.advanceTime(ms);
        return { before, now: now.toISOString(), advancedMs: ms };
      },
    ],
    [
      'POST',
      /^\/local\/collect$/,
      async () => {
        const runs = await system.collectNow();
        const sum = (key: 'processed' | 'alreadyDone' | 'quarantined' | 'overdueNotified') =>
          runs.reduce((total, run) => total + run[key], 0);
        return {
          runs: runs.length,
          processed: sum('processed'),
          alreadyDone: sum('alreadyDone'),
          quarantined: sum('quarantined'),
          overdueNotified: sum('overdueNotified'),
          stoppedBecause: runs.at(-1)?.stoppedBecause,
        };
      },
    ],
    ['POST', /^\/local\/statements\/request$/, () => system.requestStatementsNow()],
    [
      'POST',
      /^\/local\/batches\/([^/]+)\/sign$/,
      async (request, [batchId = '']) => {
        const companyId = companyOf(request);
        const batch = await system.runtime.store.batches.get(companyId, decodeURIComponent(batchId));
        if (!batch) throw new LocalProblem(404, `no batch ${batchId} for company ${companyId}`);
        const messageIds = (batch.submissions ?? []).map((submission) => submission.messageId);
        if (messageIds.length === 0) {
          throw new LocalProblem(
            409,
            `batch ${batchId} has not been sent to the bank yet (status ${batch.status})`,
          );
        }
        try {
          return {
            batchId: batch.batchId,
            signed: messageIds.map((messageId) => {
              const signed = system.simulator.sign(messageId);
              return { messageId, status: signed.status, payments: signed.payments.length };
            }),
          };
        } catch (error) {
          throw new LocalProblem(409, (error as Error).message);
        }
      },
    ],
    [
      'POST',
      /^\/local\/incoming-payments$/,
      (request) => {
        const body = bodyOf(request);
        if (typeof body.iban !== 'string') throw new LocalProblem(400, '`iban` is required');
        const amountMinor =
          typeof body.amountMinor === 'number'
            ? body.amountMinor
            : typeof body.amount === 'string'
              ? parseDecimal(body.amount, 'EUR').minor
              : undefined;
        if (amountMinor === undefined || amountMinor <= 0) {
          throw new LocalProblem(400, '`amount` (decimal string, EUR) or `amountMinor` is required');
        }
        try {
          return system.simulator.addIncomingPayment({
            iban: body.iban,
            amountMinor,
            debtorName: typeof body.debtorName === 'string' ? body.debtorName : 'Klient OÜ',
            ...(typeof body.debtorIban === 'string' ? { debtorIban: body.debtorIban } : {}),
            ...(typeof body.reference === 'string'
              ? { reference: body.reference }
              : { generateReference: true }),
            ...(typeof body.remittanceText === 'string' ? { remittanceText: body.remittanceText } : {}),
            ...(typeof body.endToEndId === 'string' ? { endToEndId: body.endToEndId } : {}),
          });
        } catch (error) {
          throw new LocalProblem(409, (error as Error).message);
        }
      },
    ],
    [
      'GET',
      /^\/local\/notifications$/,
      (request) => {
        const type = request.query?.type;
        return system.runtime.notifier.sent.filter((n) => !type || n.type === type);
      },
    ],
    [
      'GET',
      /^\/local\/events$/,
      (request) => {
        const type = request.query?.type;
        return system.runtime.events.published.filter((e) => !type || e.type === type);
      },
    ],
    [
      'GET',
      /^\/local\/executions\/([^/]+)$/,
      (_request, [name = '']) => {
        const execution = system.runtime.workflow.execution(decodeURIComponent(name));
        if (!execution) throw new LocalProblem(404, `no execution ${name}`);
        return {
          name,
          status: execution.status,
          error: execution.error?.message,
          statesEntered: execution.events.filter((e) => e.type === 'StateEntered').map((e) => e.stateName),
        };
      },
    ],
    [
      'GET',
      /^\/local\/end-users\/([A-Z]{2})\/(\d+)$/,
      async (_request, [country = '', registryCode = '']) => ({
        country,
        registryCode,
        companies: await system.companiesRouting(country, registryCode),
      }),
    ],
  ];

  return async (request) => {
    const method = request.method.toUpperCase();
    if (method === 'GET' && (request.path === '/' || request.path === '/docs/')) {
      return { statusCode: 302, headers: { location: '/docs' }, body: '' };
    }
    if (method === 'GET' && request.path === '/docs') {
      return {
        statusCode: 200,
        headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' },
        body: docsPage(),
      };
    }
    if (!request.path.startsWith('/local')) return undefined;
    for (const [routeMethod, pattern, handle] of routes) {
      const match = routeMethod === method ? pattern.exec(request.path) : null;
      if (!match) continue;
      try {
        return json(200, (await handle(request, match.slice(1))) ?? { ok: true });
      } catch (error) {
        if (error instanceof LocalProblem)
          return json(error.status, { status: error.status, detail: error.message });
        return json(500, { status: 500, detail: (error as Error).message });
      }
    }
    return json(404, {
      status: 404,
      detail: `${method} ${request.path} is not a local route`,
      routes: localRouteList.map(([m, path, what]) => `${m} ${path} — ${what}`),
    });
  };
}
