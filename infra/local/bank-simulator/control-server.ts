// The simulator's control API (plain HTTP on localhost): the "internet bank" where signers approve payments,
// incoming payments, scenario rules, faults, the clock, and read-only views of ledger, queue and requests.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { ZodError } from 'zod';
import { SharedClock } from '../functions/shared-clock.ts';
import { SimulatorStateError } from './bank.ts';
import type { BankSimulator } from './simulator.ts';

type Handler = (context: { params: string[]; body: unknown; query: URLSearchParams }) => unknown;

class HttpProblem extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (!text) return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpProblem(400, 'body is not JSON');
  }
}

function send(res: ServerResponse, status: number, value: unknown, type = 'application/json'): void {
  const body = type === 'application/json' ? JSON.stringify(value, null, 2) : String(value);
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

export function createControlServer(simulator: BankSimulator): Server {
  const bank = simulator.bank;
  const routes: [string, RegExp, Handler][] = [
    ['GET', /^\/control\/state$/, () => bank.summary()],
    ['GET', /^\/control\/agreements$/, () => bank.agreements.list()],
    [
      'POST',
      /^\/control\/agreements$/,
      ({ body }) => simulator.addEndUser(body as Parameters<BankSimulator['addEndUser']>[0]),
    ],
    [
      'GET',
      /^\/control\/accounts\/([^/]+)$/,
      ({ params }) => {
        const account = bank.ledger.get(decodeURIComponent(params[0] ?? ''));
        if (!account) throw new HttpProblem(404, 'no such account');
        return { ...account, availableMinor: bank.ledger.availableMinor(account.iban) };
      },
    ],
    [
      'GET',
      /^\/control\/accounts\/([^/]+)\/statement$/,
      ({ params, query }) => ({
        xml: bank.buildStatement(
          decodeURIComponent(params[0] ?? ''),
          query.get('from') ?? '',
          query.get('to') ?? '',
        ),
      }),
    ],
    ['GET', /^\/control\/payments$/, () => bank.batches().map(({ xml: _xml, ...batch }) => batch)],
    [
      'GET',
      /^\/control\/payments\/([^/]+)$/,
      ({ params }) => {
        const batch = bank.batch(decodeURIComponent(params[0] ?? ''));
        if (!batch) throw new HttpProblem(404, 'no such batch');
        const { xml: _xml, ...rest } = batch;
        return rest;
      },
    ],
    [
      'POST',
      /^\/control\/payments\/sign-all$/,
      ({ body }) => ({ signed: simulator.signAll(endUserOf(body)) }),
    ],
    [
      'POST',
      /^\/control\/payments\/([^/]+)\/sign$/,
      ({ params }) => summary(simulator.sign(decodeURIComponent(params[0] ?? ''))),
    ],
    [
      'POST',
      /^\/control\/payments\/([^/]+)\/decline$/,
      ({ params, body }) =>
        summary(
          simulator.decline(
            decodeURIComponent(params[0] ?? ''),
            (body as { reasonCode?: string }).reasonCode,
          ),
        ),
    ],
    [
      'POST',
      /^\/control\/signing-mode$/,
      ({ body }) => {
        const mode = (body as { mode?: string }).mode;
        if (mode !== 'auto' && mode !== 'manual')
          throw new HttpProblem(400, 'mode must be "auto" or "manual"');
        simulator.setSigningMode(mode);
        return { mode };
      },
    ],
    [
      'POST',
      /^\/control\/incoming-payments$/,
      ({ body }) => simulator.addIncomingPayment(body as Parameters<BankSimulator['addIncomingPayment']>[0]),
    ],
    [
      'POST',
      /^\/control\/incoming-payments\/generate$/,
      ({ body }) => {
        const { count = 1, ibans } = body as { count?: number; ibans?: string[] };
        return simulator.generateIncomingPayments(count, ibans);
      },
    ],
    ['GET', /^\/control\/scenarios$/, () => bank.scenarios.list()],
    ['POST', /^\/control\/scenarios$/, ({ body }) => ({ id: simulator.addScenario(body as never) })],
    [
      'PUT',
      /^\/control\/scenarios$/,
      ({ body }) => ({ ids: simulator.setScenarios(((body as { rules?: unknown }).rules ?? body) as never) }),
    ],
    [
      'DELETE',
      /^\/control\/scenarios$/,
      () => {
        bank.scenarios.clear();
        return { cleared: true };
      },
    ],
    [
      'DELETE',
      /^\/control\/scenarios\/([^/]+)$/,
      ({ params }) => ({ removed: bank.scenarios.remove(params[0] ?? '') }),
    ],
    ['GET', /^\/control\/faults$/, () => bank.faults.list()],
    ['POST', /^\/control\/faults$/, ({ body }) => ({ id: simulator.addFault(body as never) })],
    [
      'DELETE',
      /^\/control\/faults$/,
      () => {
        bank.faults.clear();
        return { cleared: true };
      },
    ],
    [
      'DELETE',
      /^\/control\/faults\/([^/]+)$/,
      ({ params }) => ({ removed: bank.faults.remove(params[0] ?? '') }),
    ],
    [
      'GET',
      /^\/control\/queue$/,
      () => ({
        order: bank.queue.deliveryOrder,
        pending: bank.queue.pending().map(({ body: _body, ...message }) => message),
        acknowledged: bank.queue.acknowledged().length,
      }),
    ],
    [
      'POST',
      /^\/control\/queue\/order$/,
      ({ body }) => {
        const order = (body as { order?: string }).order;
        if (order !== 'oldest-first' && order !== 'newest-first' && order !== 'random') {
          throw new HttpProblem(400, 'order must be oldest-first, newest-first or random');
        }
        bank.queue.setDeliveryOrder(order);
        return { order };
      },
    ],
    [
      'POST',
      /^\/control\/queue\/duplicate-next$/,
      ({ body }) => {
        bank.queue.duplicateNext((body as { count?: number }).count ?? 1);
        return { ok: true };
      },
    ],
    [
      'POST',
      /^\/control\/queue\/([^/]+)\/redeliver$/,
      ({ params }) => found(bank.queue.redeliver(params[0] ?? '')),
    ],
    [
      'POST',
      /^\/control\/queue\/([^/]+)\/duplicate$/,
      ({ params }) => found(bank.queue.duplicate(params[0] ?? '')),
    ],
    ['GET', /^\/control\/received$/, () => bank.received()],
    [
      'POST',
      /^\/control\/clock\/advance$/,
      ({ body }) => {
        simulator.advanceTime((body as { ms?: number }).ms ?? 0);
        return { now: bank.clock.now().toISOString() };
      },
    ],
    [
      'POST',
      /^\/control\/clock\/set$/,
      ({ body }) => {
        if (!(bank.clock instanceof SharedClock))
          throw new HttpProblem(409, 'the simulator runs on the system clock');
        bank.clock.set(String((body as { now?: string }).now));
        bank.tick();
        return { now: bank.clock.now().toISOString() };
      },
    ],
    ['POST', /^\/control\/tick$/, () => ({ ran: bank.tick() })],
  ];

  return createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://control.local');
    const method = req.method ?? 'GET';
    const route = routes.find(([m, pattern]) => m === method && pattern.test(url.pathname));
    if (!route) {
      send(res, 404, { code: 'NOT_FOUND', message: `${method} ${url.pathname} is not a control endpoint` });
      return;
    }
    const params = (route[1].exec(url.pathname) ?? []).slice(1);
    readJson(req)
      .then((body) => {
        bank.tick();
        const result = route[2]({ params, body, query: url.searchParams });
        if (url.pathname.endsWith('/statement') && url.searchParams.get('format') === 'xml') {
          send(res, 200, (result as { xml: string }).xml, 'application/xml');
          return;
        }
        send(res, 200, result ?? { ok: true });
      })
      .catch((error: unknown) => {
        if (error instanceof HttpProblem)
          send(res, error.status, { code: 'BAD_REQUEST', message: error.message });
        else if (error instanceof ZodError)
          send(res, 400, { code: 'VALIDATION_FAILED', issues: error.issues });
        else if (error instanceof SimulatorStateError)
          send(res, 409, { code: 'CONFLICT', message: error.message });
        else send(res, 500, { code: 'INTERNAL_ERROR', message: (error as Error).message });
      });
  });
}

function endUserOf(body: unknown): { registryCode: string; country: string } | undefined {
  const { registryCode, country } = (body ?? {}) as { registryCode?: string; country?: string };
  return registryCode ? { registryCode, country: country ?? 'EE' } : undefined;
}

function summary(batch: {
  messageId: string;
  status: string;
  payments: { endToEndId: string; status: string; reasonCode?: string }[];
}) {
  return {
    messageId: batch.messageId,
    status: batch.status,
    payments: batch.payments.map(({ endToEndId, status, reasonCode }) => ({
      endToEndId,
      status,
      reasonCode,
    })),
  };
}

function found<T>(value: T | undefined): T {
  if (value === undefined) throw new HttpProblem(404, 'no such message');
  return value;
}
