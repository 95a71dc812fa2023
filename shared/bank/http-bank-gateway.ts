// HTTP adapter of the BankGateway port: HTTPS with mutual TLS to Coop Pank Gateway (or the local simulator),
// operator end-user headers, timeouts, a response size limit, retries, and typed errors by failure kind.

import type { IncomingHttpHeaders } from 'node:http';
import { Agent, request as httpsRequest } from 'node:https';
import { createSecureContext, type SecureContextOptions, type TLSSocket } from 'node:tls';
import { maskIban } from '#shared/domain/iban.ts';
import { ConfigError } from '#shared/errors.ts';
import { buildCamt060, buildPain001, detectMessageType } from '#shared/iso20022/index.ts';
import { maskIbans } from '#shared/observability.ts';
import { tallinnDate } from '../domain/calendar.ts';
import type {
  AcknowledgeResult,
  BalanceRequest,
  BankGateway,
  BankMessage,
  BankMessageType,
  EndUser,
  HeartbeatResult,
  NextMessageOptions,
  ReportRequestReceipt,
  StatementRequest,
  SubmissionReceipt,
  SubmitPaymentsRequest,
} from './bank-gateway.ts';
import type { BankClientCredentials, BankGatewayConfig } from './config.ts';
import {
  BankAuthenticationError,
  BankDuplicateMessageError,
  type BankError,
  BankNotPermittedError,
  type BankOperation,
  BankProtocolError,
  BankRateLimitedError,
  BankRequestRejectedError,
  BankResponseTooLargeError,
  BankTimeoutError,
  BankUnavailableError,
  isBankError,
} from './errors.ts';
import { decideRetry, parseRetryAfter } from './retry.ts';

/** Structural subset of the Powertools logger; attributes never contain bodies, keys or full IBANs. */
export interface BankLogger {
  debug(message: string, attributes?: Record<string, unknown>): void;
  info(message: string, attributes?: Record<string, unknown>): void;
  warn(message: string, attributes?: Record<string, unknown>): void;
}

export interface HttpBankGatewayDependencies {
  credentials: BankClientCredentials;
  logger?: BankLogger;
  /** Waits between retries; tests inject one that records delays and resolves at once. */
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  now?: () => Date;
}

interface HttpCall {
  operation: BankOperation;
  method: 'GET' | 'POST' | 'DELETE';
  path: string;
  query?: Record<string, string>;
  endUser?: EndUser;
  /** Text is sent as UTF-8; bytes as they are. */
  body?: string | Buffer;
  contentType?: string;
  /** For logs only (masked). */
  iban?: string;
  /** MsgId of the XML body, for duplicate reports. */
  messageId?: string;
}

interface HttpResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

const silentLogger: BankLogger = { debug() {}, info() {}, warn() {} };

const TLS_AUTH_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
  'CERT_REVOKED',
  'CERT_SIGNATURE_FAILURE',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ERR_STREAM_PREMATURE_CLOSE',
]);

const ISO_TYPE = /^(pain\.002|camt\.052|camt\.053|camt\.054)(\.\d{3}\.\d{2})?$/i;

export class HttpBankGateway implements BankGateway {
  readonly #config: BankGatewayConfig;
  readonly #agent: Agent;
  readonly #logger: BankLogger;
  readonly #sleep: (ms: number) => Promise<void>;
  readonly #random: () => number;
  readonly #now: () => Date;
  readonly #baseUrl: URL;

  constructor(config: BankGatewayConfig, dependencies: HttpBankGatewayDependencies) {
    this.#config = config;
    this.#logger = dependencies.logger ?? silentLogger;
    this.#sleep = dependencies.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.#random = dependencies.random ?? Math.random;
    this.#now = dependencies.now ?? (() => new Date());
    this.#baseUrl = new URL(config.baseUrl.endsWith('/') ? config.baseUrl : `${config.baseUrl}/`);
    const tlsOptions = toTlsOptions(dependencies.credentials);
    try {
      // Fail at cold start, not at the first payment, when the key, passphrase or certificate is unusable.
      createSecureContext(tlsOptions);
    } catch (error) {
      throw new ConfigError('bank client certificate, key or CA bundle could not be loaded', {
        cause: error,
      });
    }
    this.#agent = new Agent({ ...tlsOptions, keepAlive: true, maxSockets: 64 });
  }

  /** Closes pooled connections (tests, local runtime shutdown). */
  close(): void {
    this.#agent.destroy();
  }

  async heartbeat(options: { endUser?: EndUser } = {}): Promise<HeartbeatResult> {
    const started = performance.now();
    await this.#withRetries('heartbeat', () =>
      this.#call({ operation: 'heartbeat', method: 'GET', path: this.#config.paths.heartbeat, ...options }),
    );
    return { ok: true, latencyMs: Math.round(performance.now() - started) };
  }

  async submitPayments(request: SubmitPaymentsRequest): Promise<SubmissionReceipt> {
    const versions = this.#config.messageVersions;
    // Built once: every attempt re-sends these exact bytes, so a retry can never carry another MsgId.
    const built = buildPain001(request.batch, {
      version: versions.pain001,
      characterPolicy: { kind: versions.characterPolicy },
      instantEncoding: versions.instantEncoding,
    });
    const firstDebtor = request.batch.paymentGroups[0]?.debtor.iban;
    const result = await this.#postIdempotent(
      {
        operation: 'submitPayments',
        method: 'POST',
        path: this.#config.paths.payment,
        endUser: request.endUser,
        body: built.bytes,
        ...(firstDebtor ? { iban: firstDebtor } : {}),
      },
      built.messageId,
    );
    return {
      ...result,
      version: built.version,
      numberOfTransactions: built.numberOfTransactions,
      controlSum: built.controlSum,
    };
  }

  requestStatement(request: StatementRequest): Promise<ReportRequestReceipt> {
    const { xml } = buildCamt060({
      messageId: request.messageId,
      createdAt: this.#now().toISOString(),
      requestedMessageType: 'camt.053.001.02',
      account: { iban: request.iban, ...(request.currency ? { currency: request.currency } : {}) },
      fromDate: request.fromDate,
      toDate: request.toDate,
    });
    return this.#postIdempotent(
      {
        operation: 'requestStatement',
        method: 'POST',
        path: this.#config.paths.accountStatement,
        endUser: request.endUser,
        body: xml,
        iban: request.iban,
      },
      request.messageId,
    );
  }

  requestBalance(request: BalanceRequest): Promise<ReportRequestReceipt> {
    const today = tallinnDate(this.#now());
    const { xml } = buildCamt060({
      messageId: request.messageId,
      createdAt: this.#now().toISOString(),
      requestedMessageType: 'camt.052.001.02',
      account: { iban: request.iban, ...(request.currency ? { currency: request.currency } : {}) },
      fromDate: today,
      toDate: today,
    });
    return this.#postIdempotent(
      {
        operation: 'requestBalance',
        method: 'POST',
        path: this.#config.paths.accountBalance,
        endUser: request.endUser,
        body: xml,
        iban: request.iban,
      },
      request.messageId,
    );
  }

  async nextMessage(options: NextMessageOptions = {}): Promise<BankMessage | undefined> {
    const response = await this.#withRetries('nextMessage', () =>
      this.#call({
        operation: 'nextMessage',
        method: 'GET',
        path: this.#config.paths.nextMessage,
        ...(options.type ? { query: { [this.#config.headers.messageTypeQuery]: options.type } } : {}),
        ...(options.endUser ? { endUser: options.endUser } : {}),
      }),
    );
    if (response.status === 204 || (response.status === 200 && response.body.length === 0)) return undefined;
    return this.#toMessage('nextMessage', response);
  }

  async getMessage(responseId: string): Promise<BankMessage | undefined> {
    try {
      const response = await this.#withRetries('getMessage', () =>
        this.#call({ operation: 'getMessage', method: 'GET', path: this.#messagePath(responseId) }),
      );
      return this.#toMessage('getMessage', response, responseId);
    } catch (error) {
      if (isBankError(error) && error.status === 404) return undefined;
      throw error;
    }
  }

  async acknowledge(responseId: string): Promise<AcknowledgeResult> {
    try {
      await this.#withRetries('acknowledge', () =>
        this.#call({ operation: 'acknowledge', method: 'DELETE', path: this.#messagePath(responseId) }),
      );
      return { responseId, outcome: 'acknowledged' };
    } catch (error) {
      if (isBankError(error) && error.status === 404) return { responseId, outcome: 'already-gone' };
      throw error;
    }
  }

  async acknowledgeMany(responseIds: readonly string[]): Promise<AcknowledgeResult[]> {
    if (responseIds.length === 0) return [];
    const response = await this.#withRetries('acknowledgeBatch', () =>
      this.#call({
        operation: 'acknowledgeBatch',
        method: 'POST',
        path: this.#config.paths.acknowledgeBatch,
        body: JSON.stringify(responseIds),
        contentType: 'application/json',
      }),
    );
    // The bank may list ids it no longer had; everything else counts as acknowledged.
    const missing = new Set(readStringArray(response.body, 'notFound'));
    return responseIds.map((responseId) => ({
      responseId,
      outcome: missing.has(responseId) ? 'already-gone' : 'acknowledged',
    }));
  }

  // ------------------------------------------------------------------------------------------------

  async #postIdempotent(
    call: HttpCall,
    messageId: string,
  ): Promise<{
    messageId: string;
    requestId?: string;
    outcome: 'accepted' | 'already-accepted';
    attempts: number;
  }> {
    let attempts = 0;
    try {
      const response = await this.#withRetries(call.operation, () => {
        attempts += 1;
        return this.#call({ ...call, messageId });
      });
      const requestId = headerValue(response.headers, this.#config.headers.requestId);
      return { messageId, ...(requestId ? { requestId } : {}), outcome: 'accepted', attempts };
    } catch (error) {
      // A duplicate MsgId on a re-send means an earlier attempt of this very call got through.
      if (error instanceof BankDuplicateMessageError && attempts > 1) {
        this.#logger.info('bank already had the message from an earlier attempt', {
          operation: call.operation,
          messageId,
          attempts,
        });
        return { messageId, outcome: 'already-accepted', attempts };
      }
      throw error;
    }
  }

  async #withRetries(operation: BankOperation, attempt: () => Promise<HttpResponse>): Promise<HttpResponse> {
    for (let attemptNumber = 1; ; attemptNumber++) {
      try {
        return await attempt();
      } catch (error) {
        const decision = decideRetry({
          error,
          operation,
          attempt: attemptNumber,
          settings: this.#config.retry,
          random: this.#random,
        });
        if (!decision.retry) throw error;
        this.#logger.warn('bank call failed, retrying', {
          operation,
          attempt: attemptNumber,
          delayMs: decision.delayMs,
          error: (error as BankError).name,
          status: (error as BankError).status,
        });
        await this.#sleep(decision.delayMs);
      }
    }
  }

  #messagePath(responseId: string): string {
    return this.#config.paths.message.replace('{id}', encodeURIComponent(responseId));
  }

  #toMessage(operation: BankOperation, response: HttpResponse, fallbackId?: string): BankMessage {
    const names = this.#config.headers;
    const responseId = headerValue(response.headers, names.responseId) ?? fallbackId;
    if (!responseId) {
      throw new BankProtocolError(`bank message has no ${names.responseId} header`, {
        operation,
        status: response.status,
      });
    }
    const body = response.body.toString('utf8');
    const typeHeader = headerValue(response.headers, names.responseType);
    const requestId = headerValue(response.headers, names.requestId);
    const code = headerValue(response.headers, names.endUserCode);
    const country = headerValue(response.headers, names.endUserCountry);
    return {
      responseId,
      type: this.#messageType(typeHeader, body),
      ...(typeHeader ? { typeHeader } : {}),
      ...(requestId ? { requestId } : {}),
      ...(code && country ? { endUser: { registryCode: code, country } } : {}),
      body,
    };
  }

  #messageType(typeHeader: string | undefined, body: string): BankMessageType {
    if (typeHeader) {
      const alias = this.#config.messageTypeAliases[typeHeader];
      if (alias) return alias;
      const match = ISO_TYPE.exec(typeHeader.trim());
      if (match?.[1]) return match[1].toLowerCase() as BankMessageType;
    }
    try {
      const detected = detectMessageType(body);
      if (detected.type === 'pain.002' || detected.type.startsWith('camt.05')) {
        return detected.type as BankMessageType;
      }
    } catch {
      // Not XML we understand: the collector quarantines it; the type stays unknown.
    }
    return 'unknown';
  }

  #call(call: HttpCall): Promise<HttpResponse> {
    const config = this.#config;
    const url = new URL(call.path.replace(/^\//, ''), this.#baseUrl);
    for (const [key, value] of Object.entries(call.query ?? {})) url.searchParams.set(key, value);
    const headers: Record<string, string> = { accept: 'application/xml, application/json;q=0.5' };
    if (call.endUser && config.mode === 'operator') {
      headers[config.headers.endUserCode] = call.endUser.registryCode;
      headers[config.headers.endUserCountry] = call.endUser.country;
    }
    const payload =
      call.body === undefined
        ? undefined
        : typeof call.body === 'string'
          ? Buffer.from(call.body, 'utf8')
          : call.body;
    if (payload) {
      headers['content-type'] = call.contentType ?? 'application/xml; charset=utf-8';
      headers['content-length'] = String(payload.length);
    }
    const started = performance.now();
    const logContext = {
      operation: call.operation,
      method: call.method,
      path: url.pathname,
      ...(call.endUser ? { endUser: `${call.endUser.country}:${call.endUser.registryCode}` } : {}),
      ...(call.iban ? { iban: maskIban(call.iban) } : {}),
    };

    return new Promise<HttpResponse>((resolve, reject) => {
      let settled = false;
      let failure: BankError | undefined;
      const timers: NodeJS.Timeout[] = [];
      const finish = (error: unknown, response?: HttpResponse) => {
        if (settled) return;
        settled = true;
        for (const timer of timers) clearTimeout(timer);
        const durationMs = Math.round(performance.now() - started);
        if (response) {
          this.#logger.debug('bank call answered', { ...logContext, status: response.status, durationMs });
          resolve(response);
          return;
        }
        const mapped = failure ?? this.#mapTransportError(call.operation, error);
        this.#logger.debug('bank call failed', { ...logContext, error: mapped.name, durationMs });
        reject(mapped);
      };
      const abort = (error: BankError) => {
        failure ??= error;
        req.destroy(error);
        finish(error);
      };

      const req = httpsRequest(url, { method: call.method, headers, agent: this.#agent });
      timers.push(
        setTimeout(
          () =>
            abort(
              new BankTimeoutError(`no complete answer within ${config.responseTimeoutMs} ms`, 'response', {
                operation: call.operation,
              }),
            ),
          config.responseTimeoutMs,
        ),
      );
      req.on('socket', (socket) => {
        if (!socket.connecting) return;
        const connectTimer = setTimeout(
          () =>
            abort(
              new BankTimeoutError(`could not connect within ${config.connectTimeoutMs} ms`, 'connect', {
                operation: call.operation,
              }),
            ),
          config.connectTimeoutMs,
        );
        timers.push(connectTimer);
        (socket as TLSSocket).once('secureConnect', () => clearTimeout(connectTimer));
      });
      req.on('error', (error) => finish(error));
      req.on('response', (res) => {
        const status = res.statusCode ?? 0;
        const declared = Number(res.headers['content-length'] ?? '0');
        if (declared > config.maxResponseBytes) {
          abort(this.#tooLarge(call.operation, status));
          return;
        }
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > config.maxResponseBytes) {
            abort(this.#tooLarge(call.operation, status));
            return;
          }
          chunks.push(chunk);
        });
        res.on('error', (error) => finish(error));
        res.on('close', () => {
          if (settled) return;
          if (!res.complete) {
            finish(
              new BankUnavailableError('the connection was dropped while reading the answer', {
                operation: call.operation,
                status,
              }),
            );
            return;
          }
          const response = { status, headers: res.headers, body: Buffer.concat(chunks) };
          const statusError = this.#mapStatus(call, response);
          if (statusError) {
            failure = statusError;
            finish(statusError);
          } else {
            finish(undefined, response);
          }
        });
      });
      req.end(payload);
    });
  }

  #tooLarge(operation: BankOperation, status: number): BankResponseTooLargeError {
    return new BankResponseTooLargeError(
      `answer exceeds the ${this.#config.maxResponseBytes} byte limit`,
      this.#config.maxResponseBytes,
      { operation, status },
    );
  }

  #mapTransportError(operation: BankOperation, error: unknown): BankError {
    if (isBankError(error)) return error;
    const code = (error as { code?: string } | undefined)?.code ?? '';
    const text = error instanceof Error ? error.message : String(error);
    if (
      TLS_AUTH_CODES.has(code) ||
      code.startsWith('ERR_SSL_') ||
      /alert (certificate|bad certificate|unknown ca)/i.test(text)
    ) {
      return new BankAuthenticationError(`TLS handshake with the bank failed (${code || 'tls'})`, {
        operation,
        cause: error,
      });
    }
    if (CONNECTION_CODES.has(code) || /socket hang up|aborted/i.test(text)) {
      return new BankUnavailableError(`connection to the bank failed (${code || text})`, {
        operation,
        cause: error,
      });
    }
    return new BankUnavailableError(`bank call failed (${code || 'unknown error'})`, {
      operation,
      cause: error,
    });
  }

  #mapStatus(call: HttpCall, response: HttpResponse): BankError | undefined {
    const { status } = response;
    const operation = call.operation;
    if (status >= 200 && status < 300) return undefined;
    const detail = readErrorBody(response);
    const what = `bank answered ${status} to ${operation}${detail.code ? ` (${detail.code})` : ''}${
      detail.message ? `: ${detail.message}` : ''
    }`;
    const options = { operation, status, ...(detail.code ? { bankErrorCode: detail.code } : {}) };
    if (status === 401) return new BankAuthenticationError(what, options);
    if (status === 403) {
      return /cert/i.test(detail.code ?? '')
        ? new BankAuthenticationError(what, options)
        : new BankNotPermittedError(what, options);
    }
    if (status === 409 && call.method === 'POST' && operation !== 'acknowledgeBatch') {
      return new BankDuplicateMessageError(what, call.messageId ?? '', options);
    }
    if (status === 429) {
      const retryAfter = parseRetryAfter(headerValue(response.headers, 'retry-after'), this.#now());
      return new BankRateLimitedError(what, retryAfter, options);
    }
    if (status === 408) return new BankTimeoutError(what, 'response', options);
    if (status === 501 || status === 505) return new BankProtocolError(what, options);
    if (status >= 500) return new BankUnavailableError(what, options);
    if (status >= 400) return new BankRequestRejectedError(what, options);
    return new BankProtocolError(`unexpected answer ${status} to ${operation}`, options);
  }
}

/** Creates the adapter; `config` is the parsed `bankGatewayConfigSchema` output. */
export function createHttpBankGateway(
  config: BankGatewayConfig,
  dependencies: HttpBankGatewayDependencies,
): HttpBankGateway {
  return new HttpBankGateway(config, dependencies);
}

function toTlsOptions(credentials: BankClientCredentials): SecureContextOptions {
  if ('pfx' in credentials) {
    return {
      pfx: Buffer.from(credentials.pfx),
      ...(credentials.passphrase !== undefined ? { passphrase: credentials.passphrase } : {}),
      ...(credentials.caPem ? { ca: credentials.caPem } : {}),
    };
  }
  return {
    cert: credentials.certPem,
    key: credentials.keyPem,
    ...(credentials.keyPassphrase !== undefined ? { passphrase: credentials.keyPassphrase } : {}),
    ...(credentials.caPem ? { ca: credentials.caPem } : {}),
  };
}

function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name.toLowerCase()];
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined || first === '' ? undefined : first;
}

/** Best effort: JSON `{code|errorCode|error, message|description}` or short plain text. IBANs masked. */
function readErrorBody(response: HttpResponse): { code?: string; message?: string } {
  const text = response.body.subarray(0, 4096).toString('utf8').trim();
  if (!text) return {};
  const type = String(response.headers['content-type'] ?? '');
  if (type.includes('json') || text.startsWith('{')) {
    try {
      const parsed = JSON.parse(text) as Record<string, unknown>;
      const code = [parsed.code, parsed.errorCode, parsed.error].find((v) => typeof v === 'string') as
        | string
        | undefined;
      const message = [parsed.message, parsed.description, parsed.detail].find(
        (v) => typeof v === 'string',
      ) as string | undefined;
      return {
        ...(code ? { code: code.slice(0, 64) } : {}),
        ...(message ? { message: clean(message) } : {}),
      };
    } catch {
      // fall through to text
    }
  }
  if (text.startsWith('<')) return {}; // never echo XML bodies into messages or logs
  return { message: clean(text) };
}

function clean(text: string): string {
  const masked = maskIbans(text);
  return masked.length > 300 ? `${masked.slice(0, 300)}…` : masked;
}

function readStringArray(body: Buffer, field: string): string[] {
  if (body.length === 0) return [];
  try {
    const parsed = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
    const value = parsed[field];
    return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
  } catch {
    return [];
  }
}
