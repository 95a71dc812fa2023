// The simulated Coop Pank: agreements, ledger, message queue, payment lifecycle, statements and notifications.
// Transport-free: the HTTPS server turns requests into `ApiRequest`s and writes back `ApiResponse`s, the
// control server and tests call the methods directly. All XML goes through ./documents.ts (the codec).
import { randomUUID } from 'node:crypto';
import { checkIban, estonianBankCode, normalizeIban } from '#shared/domain/iban.ts';
import { parseDecimal } from '#shared/domain/money.ts';
import { createEstonianReference } from '#shared/domain/reference.ts';
import type {
  BuildEntry,
  BuildStatement,
  Pain002Report,
  Pain002Version,
  ParsedPain001,
  TransactionStatusReport,
} from '#shared/iso20022/types.ts';
import { addDays, tallinnDate, tallinnDateTime, tallinnInstant } from '../../../shared/domain/calendar.ts';
import { type Agreement, AgreementRegistry, endUserKey, type Refusal } from './agreements.ts';
import { planExecution } from './calendar.ts';
import type { SimulatorClock } from './clock.ts';
import { documents, validateReceived } from './documents.ts';
import { FaultInjector, type SimulatorRoute } from './faults.ts';
import { Ledger, type LedgerAccount, type LedgerEntry } from './ledger.ts';
import { type MessageFamily, MessageQueue, type QueuedMessage, type QueueEndUser } from './queue.ts';
import { type Effects, ScenarioEngine } from './scenarios.ts';
import { Scheduler } from './scheduler.ts';
import type { SimulatorSettings } from './settings.ts';

export interface EndUserRef {
  registryCode: string;
  country: string;
}

export interface ClientIdentity {
  /** True when the certificate chains to the simulator CA. */
  authorized: boolean;
  authorizationError?: string;
  /** Whether a certificate was presented at all. */
  presented: boolean;
  commonName?: string;
  organizationalUnit?: string;
}

export interface ApiRequest {
  route: SimulatorRoute;
  method: string;
  query: URLSearchParams;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  /** Message id from the path (message-get / message-delete). */
  messageId?: string;
  client: ClientIdentity;
}

export interface ApiResponse {
  status: number;
  headers?: Record<string, string>;
  body?: string;
}

export type PaymentStatus = 'received' | 'pending-signature' | 'scheduled' | 'executed' | 'rejected';

export interface SimulatedPayment {
  endToEndId: string;
  instructionId?: string;
  paymentInformationId: string;
  debtorIban: string;
  creditorIban: string;
  creditorName: string;
  creditorBic?: string;
  amountMinor: number;
  currency: string;
  requestedDate: string;
  remittance?: { kind: 'structured'; reference: string } | { kind: 'unstructured'; text: string };
  status: PaymentStatus;
  reasonCode?: string;
  scheme?: 'instant' | 'sepa';
  executeAt?: string;
  bookingReference?: string;
  effects: Effects;
}

export type BatchStatus = 'rejected' | 'pending-signature' | 'signed' | 'completed' | 'declined' | 'expired';

export interface SimulatedBatch {
  messageId: string;
  requestId: string;
  endUser: EndUserRef;
  version: string;
  receivedAt: string;
  status: BatchStatus;
  groupReason?: string;
  signedAt?: string;
  payments: SimulatedPayment[];
  neverAnswer: boolean;
  duplicateCopies: number;
  signingMode: 'auto' | 'manual';
  /** Response ids of the status messages sent for it. */
  statusMessages: string[];
  /** Raw pain.001 as received. */
  xml: string;
}

export interface ReceivedRequest {
  requestId: string;
  messageId?: string;
  route: SimulatorRoute;
  endUser?: EndUserRef;
  receivedAt: string;
  outcome: number;
  /** Why it was refused, when it was. */
  code?: string;
  bytes: number;
  /** What a readable statement or balance request (camt.060) asked for, whatever the outcome. */
  period?: { iban: string; fromDate: string; toDate: string };
}

export interface IncomingPaymentInput {
  iban: string;
  amountMinor: number;
  debtorName: string;
  debtorIban?: string;
  /** Estonian reference number or RF reference; `generate: true` makes a valid 7-3-1 one. */
  reference?: string;
  generateReference?: boolean;
  remittanceText?: string;
  endToEndId?: string;
}

const json = (status: number, value: unknown, headers: Record<string, string> = {}): ApiResponse => ({
  status,
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify(value),
});
const refuse = (refusal: Refusal): ApiResponse =>
  json(refusal.status, { code: refusal.code, message: refusal.message });

export class SimulatedBank {
  readonly settings: SimulatorSettings;
  readonly clock: SimulatorClock;
  readonly agreements = new AgreementRegistry();
  readonly ledger: Ledger;
  readonly queue: MessageQueue;
  readonly scenarios = new ScenarioEngine();
  readonly faults: FaultInjector;
  readonly scheduler = new Scheduler();
  readonly #batches = new Map<string, SimulatedBatch>();
  readonly #reportRequests = new Set<string>();
  readonly #received: ReceivedRequest[] = [];
  readonly #periods = new WeakMap<ApiRequest, NonNullable<ReceivedRequest['period']>>();
  readonly #random: () => number;
  #counter = 0;
  #signing: 'auto' | 'manual';

  constructor(settings: SimulatorSettings, clock: SimulatorClock, random: () => number) {
    this.settings = settings;
    this.clock = clock;
    this.#random = random;
    this.#signing = settings.signing;
    this.ledger = new Ledger('COOP');
    this.queue = new MessageQueue({ random });
    this.faults = new FaultInjector(random);
  }

  // ---------------------------------------------------------------------------------------------
  // Setup

  /** Adds or replaces an end user's agreement and opens its accounts in the ledger. */
  addEndUser(input: {
    registryCode: string;
    country?: string;
    name: string;
    active?: boolean;
    accounts: {
      iban: string;
      currency?: string;
      balanceMinor?: number;
      creditLimitMinor?: number;
      payments?: boolean;
      statements?: boolean;
      openedOn?: string;
    }[];
  }): Agreement {
    const today = tallinnDate(this.clock.now());
    const accounts = input.accounts.map((account) => {
      const iban = normalizeIban(account.iban);
      this.ledger.open({
        iban,
        ownerName: input.name,
        openedOn: account.openedOn ?? addDays(today, -this.settings.statementHistoryDays),
        ...(account.currency ? { currency: account.currency } : {}),
        ...(account.balanceMinor !== undefined ? { balanceMinor: account.balanceMinor } : {}),
        ...(account.creditLimitMinor !== undefined ? { creditLimitMinor: account.creditLimitMinor } : {}),
      });
      return { iban, payments: account.payments ?? true, statements: account.statements ?? true };
    });
    return this.agreements.upsert({
      registryCode: input.registryCode,
      country: (input.country ?? 'EE').toUpperCase(),
      name: input.name,
      active: input.active ?? true,
      accounts,
    });
  }

  /** Opens an account that belongs to no end user of the operator (a creditor at Coop, for instance). */
  openForeignAccount(iban: string, ownerName: string, balanceMinor = 0): LedgerAccount {
    return this.ledger.open({
      iban: normalizeIban(iban),
      ownerName,
      balanceMinor,
      openedOn: tallinnDate(this.clock.now()),
    });
  }

  get signingMode(): 'auto' | 'manual' {
    return this.#signing;
  }

  setSigningMode(mode: 'auto' | 'manual'): void {
    this.#signing = mode;
  }

  // ---------------------------------------------------------------------------------------------
  // Time

  /** Runs everything that is due at the current simulator time. */
  tick(): number {
    const now = this.clock.now();
    const ran = this.scheduler.runDue(now);
    this.queue.expire(now, this.settings.messageRetentionMs);
    return ran;
  }

  // ---------------------------------------------------------------------------------------------
  // API

  async handle(request: ApiRequest): Promise<ApiResponse> {
    this.tick();
    const refusal = this.#authenticate(request.client);
    if (refusal) return this.#record(request, refuse(refusal));
    const endUser = this.#endUser(request.headers);
    const queueRoute = request.route.startsWith('message');
    if (
      request.route !== 'heartbeat' &&
      !endUser &&
      (!queueRoute || this.settings.requireEndUserHeadersForQueue)
    ) {
      const names = this.settings.headers;
      return this.#record(
        request,
        json(400, {
          code: 'END_USER_HEADERS_MISSING',
          message: `operator requests must name the end user in ${names.endUserCode} and ${names.endUserCountry}`,
        }),
      );
    }
    if (endUser) {
      // Without an account this only checks that the end user has an active agreement with the operator.
      const agreementRefusal = this.agreements.check(endUser, 'payments');
      if (agreementRefusal) return this.#record(request, refuse(agreementRefusal), endUser);
    }
    let response: ApiResponse;
    switch (request.route) {
      case 'heartbeat':
        response = json(200, {
          status: 'ok',
          time: this.clock.now().toISOString(),
          environment: this.settings.environment,
        });
        break;
      case 'payment':
        response = await this.#submitPayment(request, endUser as EndUserRef);
        break;
      case 'account-statement':
        response = this.#requestReport(request, endUser as EndUserRef, 'camt.053');
        break;
      case 'account-balance':
        response = this.#requestReport(request, endUser as EndUserRef, 'camt.052');
        break;
      case 'messages-next':
        response = this.#nextMessage(request, endUser);
        break;
      case 'message-get':
        response = this.#getMessage(request.messageId ?? '', endUser);
        break;
      case 'message-delete':
        response = this.queue.acknowledge(request.messageId ?? '', this.clock.now())
          ? { status: 204 }
          : json(404, { code: 'MESSAGE_NOT_FOUND', message: 'no unacknowledged message with this id' });
        break;
      case 'messages-delete-batch':
        response = this.#deleteBatch(request);
        break;
    }
    this.tick(); // work that became due now (status messages with zero delay) happens before the next call
    return this.#record(request, response, endUser);
  }

  #record(request: ApiRequest, response: ApiResponse, endUser?: EndUserRef): ApiResponse {
    if (request.route === 'messages-next' || request.route === 'heartbeat') return response;
    let code: string | undefined;
    if (response.status >= 400 && response.body) {
      try {
        code = (JSON.parse(response.body) as { code?: string }).code;
      } catch {
        code = undefined;
      }
    }
    const requestId = response.headers?.[this.settings.headers.requestId] ?? '';
    this.#received.push({
      requestId,
      route: request.route,
      receivedAt: this.clock.now().toISOString(),
      outcome: response.status,
      bytes: request.body.length,
      ...(endUser ? { endUser } : {}),
      ...(code ? { code } : {}),
      ...(this.#periods.has(request) ? { period: this.#periods.get(request) } : {}),
      ...(response.headers?.['x-simulator-message-id']
        ? { messageId: response.headers['x-simulator-message-id'] }
        : {}),
    });
    if (this.#received.length > 10_000) this.#received.shift();
    return response;
  }

  #authenticate(client: ClientIdentity): Refusal | undefined {
    if (!client.presented) {
      return {
        status: 401,
        code: 'CERTIFICATE_REQUIRED',
        message: 'a client certificate is required (mutual TLS)',
      };
    }
    if (!client.authorized) {
      return {
        status: 401,
        code: 'CERTIFICATE_UNTRUSTED',
        message: `client certificate is not issued by a trusted CA (${client.authorizationError ?? 'unknown issuer'})`,
      };
    }
    if (this.settings.environment === 'live' && client.organizationalUnit === 'TEST') {
      return {
        status: 401,
        code: 'TEST_CERTIFICATE_IN_LIVE',
        message: 'a test certificate cannot be used in live',
      };
    }
    if (!client.commonName || !this.settings.operatorCommonNames.includes(client.commonName)) {
      return {
        status: 401,
        code: 'CERTIFICATE_NOT_REGISTERED',
        message: 'certificate is not registered for Gateway',
      };
    }
    return undefined;
  }

  #endUser(headers: ApiRequest['headers']): EndUserRef | undefined {
    const read = (name: string) => {
      const value = headers[name.toLowerCase()];
      return (Array.isArray(value) ? value[0] : value)?.trim() || undefined;
    };
    const registryCode = read(this.settings.headers.endUserCode);
    const country = read(this.settings.headers.endUserCountry);
    if (registryCode && country) return { registryCode, country: country.toUpperCase() };
    return this.settings.singleClient;
  }

  // ---------------------------------------------------------------------------------------------
  // Payments

  async #submitPayment(request: ApiRequest, endUser: EndUserRef): Promise<ApiResponse> {
    if (request.body.length > this.settings.maxRequestBytes) {
      return json(413, {
        code: 'MESSAGE_TOO_LARGE',
        message: `message exceeds ${this.settings.maxRequestBytes} bytes`,
      });
    }
    const xml = request.body.toString('utf8');
    let parsed: ParsedPain001;
    try {
      parsed = documents.parsePain001(xml, this.settings.maxRequestBytes);
    } catch (error) {
      return json(400, {
        code: 'MESSAGE_INVALID',
        message: `not a readable pain.001: ${(error as Error).message}`,
      });
    }
    if (this.#batches.has(parsed.messageId)) {
      return json(
        409,
        { code: 'DUPLICATE_MESSAGE_ID', message: `message ${parsed.messageId} was already received` },
        { 'x-simulator-message-id': parsed.messageId },
      );
    }
    if (this.settings.validateXsd) {
      const validation = await validateReceived(xml);
      if (validation && !validation.valid) {
        return json(400, {
          code: 'SCHEMA_VALIDATION_FAILED',
          message: `pain.001 does not match its XSD: ${validation.errors.slice(0, 3).join('; ')}`,
        });
      }
    }
    const problem = this.#checkPain001(parsed, endUser);
    if (problem) return refuse(problem);
    // Re-check after the awaits: a concurrent request may have delivered the same MsgId meanwhile.
    if (this.#batches.has(parsed.messageId)) {
      return json(
        409,
        { code: 'DUPLICATE_MESSAGE_ID', message: `message ${parsed.messageId} was already received` },
        { 'x-simulator-message-id': parsed.messageId },
      );
    }
    const requestId = this.#nextId('REQ');
    const batch = this.#createBatch(parsed, endUser, requestId, xml);
    this.#batches.set(batch.messageId, batch);
    this.#scheduleReceipt(batch);
    return {
      status: 202,
      headers: { [this.settings.headers.requestId]: requestId, 'x-simulator-message-id': batch.messageId },
    };
  }

  #checkPain001(parsed: ParsedPain001, endUser: EndUserRef): Refusal | undefined {
    const transactions = parsed.paymentGroups.reduce((sum, group) => sum + group.payments.length, 0);
    if (transactions === 0)
      return { status: 400, code: 'MESSAGE_INVALID', message: 'pain.001 has no transactions' };
    if (transactions > this.settings.maxTransactionsPerMessage) {
      return {
        status: 400,
        code: 'TOO_MANY_TRANSACTIONS',
        message: `${transactions} transactions; at most ${this.settings.maxTransactionsPerMessage} per message`,
      };
    }
    if (parsed.numberOfTransactions !== transactions) {
      return {
        status: 400,
        code: 'CONTROL_VALUES_MISMATCH',
        message: `NbOfTxs says ${parsed.numberOfTransactions}, message has ${transactions}`,
      };
    }
    const amounts = parsed.paymentGroups.flatMap((g) => g.payments.map((p) => p.amount));
    const total = amounts.reduce((sum, amount) => sum + amount.minor, 0);
    const currency = amounts[0]?.currency ?? 'EUR';
    if (parsed.controlSum !== undefined && !controlSumMatches(parsed.controlSum, currency, total)) {
      return {
        status: 400,
        code: 'CONTROL_VALUES_MISMATCH',
        message: 'CtrlSum does not equal the sum of amounts',
      };
    }
    const endToEndIds = new Set<string>();
    for (const group of parsed.paymentGroups) {
      const debtor = normalizeIban(group.debtor.iban);
      const refusal = this.agreements.check(endUser, 'payments', debtor);
      if (refusal) return refusal;
      const account = this.ledger.get(debtor);
      for (const payment of group.payments) {
        if (endToEndIds.has(payment.endToEndId)) {
          return {
            status: 400,
            code: 'DUPLICATE_END_TO_END_ID',
            message: `end-to-end id ${payment.endToEndId} repeats`,
          };
        }
        endToEndIds.add(payment.endToEndId);
        if (account && payment.amount.currency !== account.currency) {
          return {
            status: 400,
            code: 'CURRENCY_NOT_SUPPORTED',
            message: `account is in ${account.currency}, payment in ${payment.amount.currency}`,
          };
        }
      }
    }
    return undefined;
  }

  #createBatch(parsed: ParsedPain001, endUser: EndUserRef, requestId: string, xml: string): SimulatedBatch {
    const payments: SimulatedPayment[] = [];
    let rejectMessage: Effects['rejectMessage'];
    let neverAnswer = false;
    let duplicateCopies = 0;
    let signingMode: 'auto' | 'manual' | undefined;
    for (const group of parsed.paymentGroups) {
      for (const payment of group.payments) {
        const debtorIban = normalizeIban(group.debtor.iban);
        const creditorIban = normalizeIban(payment.creditor.iban);
        const effects = this.scenarios.evaluate({
          messageId: parsed.messageId,
          endUserCode: endUser.registryCode,
          debtorIban,
          creditorIban,
          creditorName: payment.creditor.name,
          endToEndId: payment.endToEndId,
          amountMinor: payment.amount.minor,
        });
        rejectMessage ??= effects.rejectMessage;
        neverAnswer ||= effects.neverAnswer === true;
        duplicateCopies = Math.max(duplicateCopies, effects.duplicateCopies ?? 0);
        signingMode ??= effects.signing;
        payments.push({
          endToEndId: payment.endToEndId,
          ...(payment.instructionId ? { instructionId: payment.instructionId } : {}),
          paymentInformationId: group.paymentInformationId,
          debtorIban,
          creditorIban,
          creditorName: payment.creditor.name,
          ...(payment.creditor.bic ? { creditorBic: payment.creditor.bic } : {}),
          amountMinor: payment.amount.minor,
          currency: payment.amount.currency,
          requestedDate: group.requestedExecutionDate.slice(0, 10),
          ...(payment.remittance ? { remittance: payment.remittance } : {}),
          status: 'received',
          effects,
        });
      }
    }
    const batch: SimulatedBatch = {
      messageId: parsed.messageId,
      requestId,
      endUser,
      version: parsed.version,
      receivedAt: this.clock.now().toISOString(),
      status: rejectMessage ? 'rejected' : 'pending-signature',
      payments,
      neverAnswer,
      duplicateCopies,
      signingMode: signingMode ?? this.#signing,
      statusMessages: [],
      xml,
    };
    if (rejectMessage) {
      batch.groupReason = rejectMessage.reasonCode;
      for (const payment of payments) {
        payment.status = 'rejected';
        payment.reasonCode = rejectMessage.reasonCode;
      }
    } else {
      for (const payment of payments) payment.status = 'pending-signature';
    }
    return batch;
  }

  #scheduleReceipt(batch: SimulatedBatch): void {
    const now = this.clock.now().getTime();
    const { delays, statuses } = this.settings;
    const receivedAt = now + delays.receivedMs;
    if (batch.status === 'rejected') {
      this.scheduler.schedule(receivedAt, `reject ${batch.messageId}`, () => {
        this.#sendStatus(batch, 'RJCT', batch.payments, batch.groupReason);
      });
      return;
    }
    if (statuses.received) {
      const code = statuses.received;
      this.scheduler.schedule(receivedAt, `received ${batch.messageId}`, () =>
        this.#sendStatus(batch, code, []),
      );
    }
    const pendingAt = receivedAt + delays.pendingSignatureMs;
    if (statuses.pendingSignature) {
      const code = statuses.pendingSignature;
      this.scheduler.schedule(pendingAt, `pending signature ${batch.messageId}`, () => {
        if (batch.status === 'pending-signature') this.#sendStatus(batch, code, []);
      });
    }
    if (batch.signingMode === 'auto') {
      this.scheduler.schedule(pendingAt + delays.autoSignMs, `auto-sign ${batch.messageId}`, () => {
        if (batch.status === 'pending-signature') this.sign(batch.messageId);
      });
    }
    if (this.settings.unsignedExpiryMs !== undefined) {
      this.scheduler.schedule(now + this.settings.unsignedExpiryMs, `expire ${batch.messageId}`, () => {
        if (batch.status !== 'pending-signature') return;
        batch.status = 'expired';
        const reason = this.settings.reasonCodes.unsignedExpired;
        for (const payment of batch.payments) {
          payment.status = 'rejected';
          payment.reasonCode = reason;
        }
        this.#sendStatus(batch, 'RJCT', batch.payments, reason);
      });
    }
  }

  /** The signers approve the batch in the internet bank. */
  sign(messageId: string): SimulatedBatch {
    this.tick();
    const batch = this.#requireBatch(messageId);
    if (batch.status !== 'pending-signature') {
      throw new SimulatorStateError(`batch ${messageId} is ${batch.status}, not waiting for a signature`);
    }
    const now = this.clock.now();
    batch.status = 'signed';
    batch.signedAt = now.toISOString();
    const later: SimulatedPayment[] = [];
    for (const payment of batch.payments) {
      const plan = planExecution(
        {
          signedAt: now,
          amountMinor: payment.amountMinor,
          currency: payment.currency,
          creditorIban: payment.creditorIban,
          requestedDate: payment.requestedDate,
        },
        this.settings.timing,
      );
      const executeAt = new Date(plan.executeAt.getTime() + (payment.effects.delayMs ?? 0));
      payment.scheme = plan.scheme;
      payment.executeAt = executeAt.toISOString();
      payment.status = 'scheduled';
      if (executeAt.getTime() > now.getTime()) {
        later.push(payment);
        if (!payment.effects.reject) this.ledger.reserve(payment.debtorIban, payment.amountMinor);
      }
      this.scheduler.schedule(executeAt, `execute ${payment.endToEndId}`, () =>
        this.#execute(batch, payment),
      );
    }
    const scheduledStatus = this.settings.statuses.scheduled;
    if (later.length > 0 && scheduledStatus) {
      this.#sendStatus(
        batch,
        scheduledStatus,
        later,
        undefined,
        later.length === batch.payments.length ? scheduledStatus : 'PDNG',
      );
    }
    this.tick();
    return batch;
  }

  /** The signers refuse the batch in the internet bank. */
  decline(messageId: string, reasonCode = this.settings.reasonCodes.declinedBySigner): SimulatedBatch {
    this.tick();
    const batch = this.#requireBatch(messageId);
    if (batch.status !== 'pending-signature') {
      throw new SimulatorStateError(`batch ${messageId} is ${batch.status}, not waiting for a signature`);
    }
    batch.status = 'declined';
    for (const payment of batch.payments) {
      payment.status = 'rejected';
      payment.reasonCode = reasonCode;
    }
    this.#sendStatus(batch, 'RJCT', batch.payments, reasonCode);
    return batch;
  }

  /** Signs every batch waiting for a signature (optionally of one end user); returns their message ids. */
  signAll(endUser?: EndUserRef): string[] {
    const signed: string[] = [];
    for (const batch of this.#batches.values()) {
      if (batch.status !== 'pending-signature') continue;
      if (endUser && endUserKey(batch.endUser) !== endUserKey(endUser)) continue;
      this.sign(batch.messageId);
      signed.push(batch.messageId);
    }
    return signed;
  }

  #execute(batch: SimulatedBatch, payment: SimulatedPayment): void {
    const reject = (code: string) => {
      payment.status = 'rejected';
      payment.reasonCode = code;
    };
    const wasReserved =
      payment.executeAt !== undefined && Date.parse(payment.executeAt) > Date.parse(batch.signedAt ?? '');
    if (wasReserved && !payment.effects.reject) this.ledger.release(payment.debtorIban, payment.amountMinor);
    const creditorCheck = checkIban(payment.creditorIban);
    const creditorAtCoop = estonianBankCode(payment.creditorIban) === this.settings.bankCode;
    if (payment.effects.reject) {
      reject(payment.effects.reject.reasonCode);
    } else if (!creditorCheck.ok || (creditorAtCoop && !this.ledger.has(payment.creditorIban))) {
      reject(this.settings.reasonCodes.unknownCreditorAccount);
    } else if (!this.ledger.has(payment.debtorIban)) {
      reject(this.settings.reasonCodes.unknownCreditorAccount);
    } else if (this.ledger.availableMinor(payment.debtorIban) < payment.amountMinor) {
      reject(this.settings.reasonCodes.insufficientFunds);
    } else {
      const now = this.clock.now();
      const bookingDate = tallinnDate(now);
      const debtor = this.ledger.get(payment.debtorIban) as LedgerAccount;
      const text = payment.remittance?.kind === 'unstructured' ? payment.remittance.text : undefined;
      const reference = payment.remittance?.kind === 'structured' ? payment.remittance.reference : undefined;
      const common = {
        bookedAt: now.toISOString(),
        bookingDate,
        valueDate: bookingDate,
        amountMinor: payment.amountMinor,
        endToEndId: payment.endToEndId,
        ...(payment.instructionId ? { instructionId: payment.instructionId } : {}),
        messageId: batch.messageId,
        paymentInformationId: payment.paymentInformationId,
        ...(reference ? { creditorReference: reference } : {}),
        ...(text ? { remittanceText: text } : {}),
        kind: 'payment' as const,
      };
      const debit = this.ledger.book(payment.debtorIban, {
        ...common,
        creditDebit: 'DBIT',
        counterparty: {
          name: payment.creditorName,
          iban: payment.creditorIban,
          ...(payment.creditorBic ? { bic: payment.creditorBic } : {}),
        },
      });
      payment.bookingReference = debit.reference;
      payment.status = 'executed';
      this.#notify(payment.debtorIban, debit);
      if (creditorAtCoop) {
        const credit = this.ledger.book(payment.creditorIban, {
          ...common,
          creditDebit: 'CRDT',
          counterparty: { name: debtor.ownerName, iban: payment.debtorIban, bic: this.settings.bic },
          kind: 'incoming',
        });
        this.#notify(payment.creditorIban, credit);
      }
    }
    const open = batch.payments.filter((p) => p.status !== 'executed' && p.status !== 'rejected');
    if (open.length > 0) return;
    batch.status = 'completed';
    const executed = batch.payments.filter((p) => p.status === 'executed').length;
    const group =
      executed === batch.payments.length ? this.settings.statuses.executed : executed === 0 ? 'RJCT' : 'PART';
    this.#sendStatus(batch, group, batch.payments);
  }

  #sendStatus(
    batch: SimulatedBatch,
    groupStatus: string,
    payments: SimulatedPayment[],
    groupReason?: string,
    overrideGroup?: string,
  ): void {
    if (batch.neverAnswer && groupStatus !== this.settings.statuses.received) return;
    const version: Pain002Version =
      this.settings.pain002Version === 'match-request'
        ? batch.version.startsWith('pain.001.001.03')
          ? 'pain.002.001.03'
          : 'pain.002.001.10'
        : this.settings.pain002Version;
    const transactions: TransactionStatusReport[] = payments.map((payment) => ({
      originalPaymentInformationId: payment.paymentInformationId,
      originalEndToEndId: payment.endToEndId,
      ...(payment.instructionId ? { originalInstructionId: payment.instructionId } : {}),
      status:
        payment.status === 'executed'
          ? this.settings.statuses.executed
          : payment.status === 'rejected'
            ? 'RJCT'
            : this.settings.statuses.scheduled || 'ACSP',
      reasons: payment.reasonCode
        ? [
            {
              code: payment.reasonCode,
              additionalInfo: payment.effects.reject?.additionalInfo
                ? [payment.effects.reject.additionalInfo]
                : [],
            },
          ]
        : [],
      originalAmount: { minor: payment.amountMinor, currency: payment.currency },
    }));
    const report: Pain002Report = {
      messageId: this.#nextId('P2'),
      createdAt: tallinnDateTime(this.clock.now()),
      originalMessageId: batch.messageId,
      originalMessageType: batch.version,
      groupStatus: overrideGroup ?? groupStatus,
      groupReasons: groupReason ? [{ code: groupReason, additionalInfo: [] }] : [],
      paymentInformation: [],
      transactions,
    };
    const body = documents.pain002(report, version);
    const copies = 1 + batch.duplicateCopies;
    for (let copy = 0; copy < copies; copy++) {
      const queued = this.#enqueue('pain.002', version, body, batch.endUser, batch.requestId);
      batch.statusMessages.push(queued.responseId);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Statements, balances, notifications

  #requestReport(request: ApiRequest, endUser: EndUserRef, family: 'camt.053' | 'camt.052'): ApiResponse {
    let parsed: ReturnType<typeof documents.parseCamt060>;
    try {
      parsed = documents.parseCamt060(request.body.toString('utf8'), this.settings.maxRequestBytes);
    } catch (error) {
      return json(400, {
        code: 'MESSAGE_INVALID',
        message: `not a readable camt.060: ${(error as Error).message}`,
      });
    }
    this.#periods.set(request, {
      iban: normalizeIban(parsed.account.iban),
      fromDate: parsed.fromDate,
      toDate: parsed.toDate,
    });
    if (this.#reportRequests.has(parsed.messageId)) {
      return json(
        409,
        { code: 'DUPLICATE_MESSAGE_ID', message: `message ${parsed.messageId} was already received` },
        { 'x-simulator-message-id': parsed.messageId },
      );
    }
    const iban = normalizeIban(parsed.account.iban);
    const refusal = this.agreements.check(endUser, 'statements', iban);
    if (refusal) return refuse(refusal);
    const account = this.ledger.get(iban);
    if (!account) return json(404, { code: 'ACCOUNT_NOT_FOUND', message: 'no such account' });
    const today = tallinnDate(this.clock.now());
    if (family === 'camt.053') {
      if (parsed.toDate >= today) {
        return json(400, {
          code: 'STATEMENT_PERIOD_INVALID',
          message: `statements are available for complete days only (before ${today}); no intraday statement`,
        });
      }
      if (parsed.fromDate < addDays(today, -this.settings.statementHistoryDays)) {
        return json(400, {
          code: 'STATEMENT_PERIOD_INVALID',
          message: `statement history goes back ${this.settings.statementHistoryDays} days`,
        });
      }
      const days = Math.round((Date.parse(parsed.toDate) - Date.parse(parsed.fromDate)) / 86_400_000) + 1;
      if (days > this.settings.maxStatementDays) {
        return json(400, {
          code: 'STATEMENT_PERIOD_INVALID',
          message: `at most ${this.settings.maxStatementDays} days per request`,
        });
      }
    }
    this.#reportRequests.add(parsed.messageId);
    const requestId = this.#nextId('REQ');
    const delay = family === 'camt.053' ? this.settings.delays.statementMs : this.settings.delays.balanceMs;
    this.scheduler.schedule(this.clock.now().getTime() + delay, `${family} ${parsed.messageId}`, () => {
      if (family === 'camt.053')
        this.#sendStatement(account, parsed.fromDate, parsed.toDate, endUser, requestId);
      else this.#sendBalance(account, endUser, requestId);
    });
    this.tick();
    return {
      status: 202,
      headers: { [this.settings.headers.requestId]: requestId, 'x-simulator-message-id': parsed.messageId },
    };
  }

  /** Builds the camt.053 statement of an account for the days from..to (one `Stmt` per day). */
  buildStatement(iban: string, from: string, to: string): string {
    const account = this.ledger.get(normalizeIban(iban));
    if (!account) throw new SimulatorStateError(`no account ${iban}`);
    return documents.camt053(this.#statementInput(account, from, to));
  }

  #statementInput(account: LedgerAccount, from: string, to: string) {
    const now = this.clock.now();
    const statements: BuildStatement[] = this.ledger.statementDays(account.iban, from, to).map((day) => ({
      id: `${day.date.replaceAll('-', '')}-${account.iban.slice(-12)}`,
      electronicSequenceNumber: String(day.sequence),
      createdAt: tallinnDateTime(now),
      from: tallinnDateTime(tallinnInstant(day.date, '00:00')),
      to: tallinnDateTime(new Date(tallinnInstant(addDays(day.date, 1), '00:00').getTime() - 1000)),
      account: {
        iban: account.iban,
        currency: account.currency,
        ownerName: account.ownerName,
        servicerBic: this.settings.bic,
      },
      balances: [
        this.#balance('OPBD', day.openingBalanceMinor, account.currency, addDays(day.date, -1)),
        this.#balance('CLBD', day.closingBalanceMinor, account.currency, day.date),
      ],
      entries: day.entries.map((entry) => this.#buildEntry(account, entry)),
    }));
    return { messageId: this.#nextId('C53'), createdAt: tallinnDateTime(now), statements };
  }

  #sendStatement(
    account: LedgerAccount,
    from: string,
    to: string,
    endUser: EndUserRef,
    requestId: string,
  ): void {
    const body = documents.camt053(this.#statementInput(account, from, to));
    this.#enqueue('camt.053', 'camt.053.001.02', body, endUser, requestId);
  }

  #sendBalance(account: LedgerAccount, endUser: EndUserRef, requestId: string): void {
    const now = this.clock.now();
    const today = tallinnDate(now);
    const input = {
      messageId: this.#nextId('C52'),
      createdAt: tallinnDateTime(now),
      reports: [
        {
          id: `${today.replaceAll('-', '')}-${account.iban.slice(-12)}`,
          createdAt: tallinnDateTime(now),
          account: {
            iban: account.iban,
            currency: account.currency,
            ownerName: account.ownerName,
            servicerBic: this.settings.bic,
          },
          balances: [
            this.#balance('ITBD', account.balanceMinor, account.currency, today),
            this.#balance(
              'ITAV',
              account.balanceMinor + account.creditLimitMinor - account.reservedMinor,
              account.currency,
              today,
            ),
          ],
        },
      ],
    };
    this.#enqueue('camt.052', 'camt.052.001.02', documents.camt052(input), endUser, requestId);
  }

  #balance(type: string, signedMinor: number, currency: string, date: string) {
    return {
      type,
      amount: { minor: Math.abs(signedMinor), currency },
      creditDebit: signedMinor < 0 ? ('DBIT' as const) : ('CRDT' as const),
      date,
    };
  }

  #buildEntry(account: LedgerAccount, entry: LedgerEntry): BuildEntry {
    const owner = { name: account.ownerName, iban: account.iban, bic: this.settings.bic };
    const counterparty = {
      name: entry.counterparty.name,
      ...(entry.counterparty.iban ? { iban: entry.counterparty.iban } : {}),
      ...(entry.counterparty.bic ? { bic: entry.counterparty.bic } : {}),
    };
    const incoming = entry.creditDebit === 'CRDT';
    return {
      entryReference: entry.reference,
      amount: { minor: entry.amountMinor, currency: entry.currency },
      creditDebit: entry.creditDebit,
      status: 'BOOK',
      bookingDate: entry.bookingDate,
      valueDate: entry.valueDate,
      accountServicerReference: entry.reference,
      bankTransactionCode: { domain: 'PMNT', family: incoming ? 'RCDT' : 'ICDT', subFamily: 'ESCT' },
      transactions: [
        {
          ...(entry.endToEndId ? { endToEndId: entry.endToEndId } : {}),
          ...(entry.instructionId ? { instructionId: entry.instructionId } : {}),
          accountServicerReference: entry.reference,
          ...(entry.creditorReference
            ? { remittance: { kind: 'structured' as const, reference: entry.creditorReference } }
            : entry.remittanceText
              ? { remittance: { kind: 'unstructured' as const, text: entry.remittanceText } }
              : {}),
          debtor: incoming ? counterparty : owner,
          creditor: incoming ? owner : counterparty,
        },
      ],
    };
  }

  #notify(iban: string, entry: LedgerEntry): void {
    if (!this.settings.notifications) return;
    const owner = this.agreements.ownerOf(iban);
    if (!owner) return;
    const permission = owner.accounts.find((account) => account.iban === iban);
    if (!permission?.statements) return;
    const account = this.ledger.get(iban) as LedgerAccount;
    const now = this.clock.now();
    const body = documents.camt054({
      messageId: this.#nextId('C54'),
      createdAt: tallinnDateTime(now),
      statements: [
        {
          id: entry.reference.slice(0, 35),
          createdAt: tallinnDateTime(now),
          account: {
            iban,
            currency: account.currency,
            ownerName: account.ownerName,
            servicerBic: this.settings.bic,
          },
          balances: [],
          entries: [this.#buildEntry(account, entry)],
        },
      ],
    });
    this.#enqueue('camt.054', 'camt.054.001.02', body, owner);
  }

  /** Books an incoming payment (e.g. a customer paying an invoice with its reference number) and notifies. */
  addIncomingPayment(input: IncomingPaymentInput): LedgerEntry {
    this.tick();
    const iban = normalizeIban(input.iban);
    if (!this.ledger.has(iban)) throw new SimulatorStateError(`no account ${input.iban} in the simulator`);
    const now = this.clock.now();
    const date = tallinnDate(now);
    const reference =
      input.reference ??
      (input.generateReference
        ? createEstonianReference(String(100 + Math.floor(this.#random() * 9_999_900)))
        : undefined);
    const entry = this.ledger.book(iban, {
      bookedAt: now.toISOString(),
      bookingDate: date,
      valueDate: date,
      amountMinor: input.amountMinor,
      creditDebit: 'CRDT',
      counterparty: {
        name: input.debtorName,
        ...(input.debtorIban ? { iban: normalizeIban(input.debtorIban) } : {}),
      },
      endToEndId: input.endToEndId ?? 'NOTPROVIDED',
      ...(reference ? { creditorReference: reference } : {}),
      ...(input.remittanceText ? { remittanceText: input.remittanceText } : {}),
      kind: 'incoming',
    });
    this.#notify(iban, entry);
    return entry;
  }

  /** Generates `count` incoming payments with valid Estonian reference numbers, spread over the given accounts. */
  generateIncomingPayments(count: number, ibans?: string[]): LedgerEntry[] {
    const targets = ibans?.length
      ? ibans
      : this.agreements.list().flatMap((a) => a.accounts.map((x) => x.iban));
    if (targets.length === 0) return [];
    const payers = ['Mets ja Meri OÜ', 'Kalju Tamm', 'Põhjala Ehitus AS', 'Tallinna Kohvik OÜ', 'Mari Kask'];
    const entries: LedgerEntry[] = [];
    for (let i = 0; i < count; i++) {
      const iban = targets[Math.floor(this.#random() * targets.length)] as string;
      entries.push(
        this.addIncomingPayment({
          iban,
          amountMinor: 100 + Math.floor(this.#random() * 500_000),
          debtorName: payers[Math.floor(this.#random() * payers.length)] as string,
          debtorIban: 'EE382200221020145685',
          generateReference: true,
          endToEndId: `INC${randomUUID().replaceAll('-', '').slice(0, 20)}`,
        }),
      );
    }
    return entries;
  }

  // ---------------------------------------------------------------------------------------------
  // Queue

  #enqueue(
    family: MessageFamily,
    version: string,
    body: string,
    endUser: QueueEndUser,
    requestId?: string,
  ): QueuedMessage {
    return this.queue.enqueue({
      family,
      typeHeader: this.settings.messageTypeHeaderValues[family] ?? version,
      endUser: { registryCode: endUser.registryCode, country: endUser.country },
      body,
      createdAt: this.clock.now().toISOString(),
      ...(requestId ? { requestId } : {}),
    });
  }

  /** Puts a raw document on the queue (malformed XML, foreign documents, hand-made messages). */
  injectMessage(input: {
    body: string;
    typeHeader?: string;
    endUser?: EndUserRef;
    requestId?: string;
    front?: boolean;
  }): QueuedMessage {
    const endUser = input.endUser ?? this.agreements.list()[0];
    const message = {
      family: 'unknown' as const,
      typeHeader: input.typeHeader ?? 'unknown',
      ...(endUser ? { endUser: { registryCode: endUser.registryCode, country: endUser.country } } : {}),
      body: input.body,
      createdAt: this.clock.now().toISOString(),
      ...(input.requestId ? { requestId: input.requestId } : {}),
    };
    return input.front ? this.queue.enqueueFront(message) : this.queue.enqueue(message);
  }

  #messageHeaders(message: QueuedMessage): Record<string, string> {
    const names = this.settings.headers;
    return {
      'content-type': 'application/xml; charset=utf-8',
      [names.responseId]: message.responseId,
      [names.responseType]: message.typeHeader,
      ...(message.requestId ? { [names.requestId]: message.requestId } : {}),
      ...(message.endUser
        ? {
            [names.endUserCode]: message.endUser.registryCode,
            [names.endUserCountry]: message.endUser.country,
          }
        : {}),
    };
  }

  #nextMessage(request: ApiRequest, endUser: EndUserRef | undefined): ApiResponse {
    const family = request.query.get(this.settings.headers.messageTypeQuery) ?? undefined;
    const message = this.queue.next({ ...(family ? { family } : {}), ...(endUser ? { endUser } : {}) });
    if (!message) return { status: 204 };
    return { status: 200, headers: this.#messageHeaders(message), body: message.body };
  }

  #getMessage(responseId: string, endUser: EndUserRef | undefined): ApiResponse {
    const message = this.queue.get(responseId);
    if (!message || (endUser && message.endUser && endUserKey(message.endUser) !== endUserKey(endUser))) {
      return json(404, { code: 'MESSAGE_NOT_FOUND', message: 'no unacknowledged message with this id' });
    }
    message.deliveries += 1;
    return { status: 200, headers: this.#messageHeaders(message), body: message.body };
  }

  #deleteBatch(request: ApiRequest): ApiResponse {
    let ids: unknown;
    try {
      ids = JSON.parse(request.body.toString('utf8'));
    } catch {
      ids = undefined;
    }
    if (!Array.isArray(ids) || !ids.every((id) => typeof id === 'string') || ids.length > 1000) {
      return json(400, {
        code: 'REQUEST_INVALID',
        message: 'body must be a JSON array of at most 1000 message ids',
      });
    }
    const now = this.clock.now();
    const notFound = (ids as string[]).filter((id) => !this.queue.acknowledge(id, now));
    return json(200, { deleted: ids.length - notFound.length, notFound });
  }

  // ---------------------------------------------------------------------------------------------
  // State inspection

  batches(): SimulatedBatch[] {
    return [...this.#batches.values()];
  }

  batch(messageId: string): SimulatedBatch | undefined {
    return this.#batches.get(messageId);
  }

  received(): ReceivedRequest[] {
    return [...this.#received];
  }

  /** How often each MsgId was delivered to the bank, including refused duplicates. */
  submissionsOf(messageId: string): ReceivedRequest[] {
    return this.#received.filter((request) => request.messageId === messageId);
  }

  summary() {
    return {
      time: this.clock.now().toISOString(),
      environment: this.settings.environment,
      signingMode: this.#signing,
      endUsers: this.agreements.size,
      accounts: this.ledger.size,
      batches: this.#batches.size,
      waitingForSignature: [...this.#batches.values()].filter((b) => b.status === 'pending-signature').length,
      queue: { pending: this.queue.size, order: this.queue.deliveryOrder },
      scheduled: this.scheduler.size,
      scenarios: this.scenarios.list().length,
      faults: this.faults.list().length,
    };
  }

  #requireBatch(messageId: string): SimulatedBatch {
    const batch = this.#batches.get(messageId);
    if (!batch) throw new SimulatorStateError(`no batch with message id ${messageId}`);
    return batch;
  }

  #nextId(prefix: string): string {
    this.#counter += 1;
    return `${prefix}${this.clock.now().toISOString().slice(0, 10).replaceAll('-', '')}${String(this.#counter).padStart(8, '0')}`;
  }
}

function controlSumMatches(controlSum: string, currency: string, totalMinor: number): boolean {
  try {
    return parseDecimal(controlSum, currency).minor === totalMinor;
  } catch {
    return false;
  }
}

/** A control call that does not fit the simulator's state (unknown batch, already signed, ...). */
export class SimulatorStateError extends Error {
  override name = 'SimulatorStateError';
}
