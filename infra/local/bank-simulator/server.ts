// The simulator's bank API over HTTPS with mutual TLS. Maps paths to routes, reads the client certificate,
// applies injected faults, and hands everything else to SimulatedBank.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { TLSSocket } from 'node:tls';
import type { ApiResponse, ClientIdentity, SimulatedBank } from './bank.ts';
import type { Fault, SimulatorRoute } from './faults.ts';

interface RouteMatch {
  route: SimulatorRoute;
  messageId?: string;
}

export interface ApiServerTls {
  certPem: string;
  keyPem: string;
  /** CAs whose client certificates are trusted. */
  caPem: string;
}

const MALFORMED_XML =
  '<?xml version="1.0" encoding="UTF-8"?>\n<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.002.001.03">' +
  '<CstmrPmtStsRpt><GrpHdr><MsgId>BROKEN-MESSAGE</MsgId><CreDtTm>2026-01-01T00:00:00';

export function resolveRoute(
  bank: SimulatedBank,
  method: string,
  pathname: string,
): RouteMatch | { status: number } {
  const { basePath, paths } = bank.settings;
  if (basePath && !pathname.startsWith(basePath)) return { status: 404 };
  const path = basePath ? pathname.slice(basePath.length) || '/' : pathname;
  const fixed: [string, string, SimulatorRoute][] = [
    [paths.heartbeat, 'GET', 'heartbeat'],
    [paths.payment, 'POST', 'payment'],
    [paths.accountStatement, 'POST', 'account-statement'],
    [paths.accountBalance, 'POST', 'account-balance'],
    [paths.nextMessage, 'GET', 'messages-next'],
    [paths.acknowledgeBatch, 'POST', 'messages-delete-batch'],
  ];
  for (const [candidate, expected, route] of fixed) {
    if (path === candidate) return method === expected ? { route } : { status: 405 };
  }
  const [prefix, suffix] = paths.message.split('{id}') as [string, string | undefined];
  if (
    path.startsWith(prefix) &&
    path.endsWith(suffix ?? '') &&
    path.length > prefix.length + (suffix ?? '').length
  ) {
    const messageId = decodeURIComponent(path.slice(prefix.length, path.length - (suffix ?? '').length));
    if (method === 'GET') return { route: 'message-get', messageId };
    if (method === 'DELETE') return { route: 'message-delete', messageId };
    return { status: 405 };
  }
  return { status: 404 };
}

function identity(socket: TLSSocket): ClientIdentity {
  const certificate = socket.getPeerCertificate();
  const presented = certificate !== null && Object.keys(certificate).length > 0;
  const subject = presented ? certificate.subject : undefined;
  const pick = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);
  const commonName = pick(subject?.CN);
  const unit = pick(subject?.OU);
  return {
    presented,
    authorized: socket.authorized,
    ...(socket.authorizationError ? { authorizationError: String(socket.authorizationError) } : {}),
    ...(commonName ? { commonName } : {}),
    ...(unit ? { organizationalUnit: unit } : {}),
  };
}

function write(res: ServerResponse, response: ApiResponse): void {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(response.headers ?? {})) {
    if (!name.startsWith('x-simulator-')) headers[name] = value;
  }
  const body = response.body === undefined ? undefined : Buffer.from(response.body, 'utf8');
  if (body) headers['content-length'] = String(body.length);
  res.writeHead(response.status, headers);
  res.end(body);
}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer | 'too-large'> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) tooLarge = true;
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(tooLarge ? 'too-large' : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export interface ApiServerHandle {
  server: Server;
  /** Destroys held (timed-out) requests and open sockets. */
  closeAll(): void;
}

export function createApiServer(bank: SimulatedBank, tls: ApiServerTls): ApiServerHandle {
  const held = new Set<ServerResponse>();
  const bucket = { tokens: bank.settings.rateLimit?.burst ?? 0, at: performance.now() };
  const sockets = new Set<TLSSocket>();
  const server = createServer(
    {
      cert: tls.certPem,
      key: tls.keyPem,
      ca: tls.caPem,
      requestCert: true,
      // Refusals are answered in HTTP with a clear error body instead of a bare handshake failure.
      rejectUnauthorized: false,
      keepAliveTimeout: 5_000,
    },
    (req, res) => {
      handle(req, res).catch((error: unknown) => {
        if (!res.headersSent) {
          write(res, {
            status: 500,
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ code: 'INTERNAL_ERROR', message: (error as Error).message }),
          });
        } else {
          res.destroy();
        }
      });
    },
  );
  server.on('secureConnection', (socket: TLSSocket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'https://simulator.local');
    const match = resolveRoute(bank, req.method ?? 'GET', url.pathname);
    const body = await readBody(req, bank.settings.maxRequestBytes);
    if ('status' in match) {
      write(res, {
        status: match.status,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          code: match.status === 405 ? 'METHOD_NOT_ALLOWED' : 'NOT_FOUND',
          message: `${req.method} ${url.pathname} is not a Gateway endpoint`,
        }),
      });
      return;
    }
    if (body === 'too-large') {
      write(res, {
        status: 413,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          code: 'MESSAGE_TOO_LARGE',
          message: `body exceeds ${bank.settings.maxRequestBytes} bytes`,
        }),
      });
      return;
    }
    const endUserHeader = req.headers[bank.settings.headers.endUserCode.toLowerCase()];
    const endUserCode = Array.isArray(endUserHeader) ? endUserHeader[0] : endUserHeader;
    const limit = bank.settings.rateLimit;
    if (limit) {
      const now = performance.now();
      bucket.tokens = Math.min(
        limit.burst,
        bucket.tokens + ((now - bucket.at) / 1000) * limit.requestsPerSecond,
      );
      bucket.at = now;
      if (bucket.tokens < 1) {
        const waitSeconds = Math.ceil((1 - bucket.tokens) / limit.requestsPerSecond);
        write(res, {
          status: 429,
          headers: { 'content-type': 'application/json', 'retry-after': String(waitSeconds) },
          body: JSON.stringify({
            code: 'RATE_LIMITED',
            message: `at most ${limit.requestsPerSecond} requests per second`,
          }),
        });
        return;
      }
      bucket.tokens -= 1;
    }
    const fault = bank.faults.take(match.route, endUserCode);
    const run = () =>
      bank.handle({
        route: match.route,
        method: req.method ?? 'GET',
        query: url.searchParams,
        headers: req.headers,
        body,
        client: identity(req.socket as TLSSocket),
        ...(match.messageId !== undefined ? { messageId: match.messageId } : {}),
      });
    if (!fault) {
      write(res, await run());
      return;
    }
    await applyFault(fault, res, run);
  }

  async function applyFault(
    fault: Fault,
    res: ServerResponse,
    run: () => Promise<ApiResponse>,
  ): Promise<void> {
    switch (fault.kind) {
      case 'status':
        write(res, {
          status: fault.status,
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ code: 'SIMULATED_FAULT', message: `simulated ${fault.status}` }),
        });
        return;
      case 'rate-limit':
        write(res, {
          status: 429,
          headers: { 'content-type': 'application/json', 'retry-after': String(fault.retryAfterSeconds) },
          body: JSON.stringify({ code: 'RATE_LIMITED', message: 'too many requests' }),
        });
        return;
      case 'timeout':
        // The bank did the work, but the answer never comes: the client sees an unknown outcome.
        await run();
        held.add(res);
        res.on('close', () => held.delete(res));
        return;
      case 'drop-connection':
        await run();
        res.socket?.destroy();
        return;
      case 'drop-mid-body': {
        const response = await run();
        const body = Buffer.from(response.body ?? '<?xml version="1.0"?><Document>'.padEnd(512, ' '), 'utf8');
        const headers: Record<string, string> = {};
        for (const [name, value] of Object.entries(response.headers ?? {})) {
          if (!name.startsWith('x-simulator-')) headers[name] = value;
        }
        headers['content-length'] = String(body.length);
        res.writeHead(response.status === 204 ? 200 : response.status, headers);
        res.write(body.subarray(0, Math.max(1, Math.floor(body.length / 2))), () => res.socket?.destroy());
        return;
      }
      case 'malformed-xml':
        bank.injectMessage({ body: MALFORMED_XML, typeHeader: 'pain.002.001.03', front: true });
        write(res, await run());
        return;
      case 'oversized': {
        const names = bank.settings.headers;
        const headers: Record<string, string> = {
          'content-type': 'application/xml; charset=utf-8',
          [names.responseId]: 'OVERSIZED-1',
          [names.responseType]: 'camt.053.001.02',
        };
        if (fault.declareLength) headers['content-length'] = String(fault.bytes);
        res.writeHead(200, headers);
        const chunk = Buffer.alloc(64 * 1024, 0x20);
        let sent = 0;
        const pump = () => {
          while (sent < fault.bytes) {
            const size = Math.min(chunk.length, fault.bytes - sent);
            sent += size;
            if (!res.write(chunk.subarray(0, size))) {
              res.once('drain', pump);
              return;
            }
          }
          res.end();
        };
        res.on('error', () => {});
        pump();
        return;
      }
      case 'latency':
        await new Promise((resolve) => setTimeout(resolve, fault.ms));
        write(res, await run());
        return;
    }
  }

  return {
    server,
    closeAll() {
      for (const res of held) res.destroy();
      held.clear();
      for (const socket of sockets) socket.destroy();
      sockets.clear();
    },
  };
}
