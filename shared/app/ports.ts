// Ports the use cases depend on. Adapters (DynamoDB, Step Functions, registry, bank, the local runtime)
// implement them. Every repository method takes the company id first: tenant isolation is in the key.
import type { EndUser } from '../bank/bank-gateway.ts';
import type { AccountPermissions } from '../domain/bank-account.ts';
import type { ConnectionStatus, RepresentationConfirmation, Representative } from '../domain/connection.ts';
import type { Money } from '../domain/money.ts';
import type { NotificationSubscription } from '../domain/notification-subscription.ts';
import type { PaymentChannel, PaymentIssue, PaymentStatus, SourceDocument } from '../domain/payment.ts';
import type { BatchStatus } from '../domain/payment-batch.ts';
import type { StatementDay, StatementEntry } from '../domain/statement.ts';

export interface Clock {
  now(): Date;
}

export interface IdGenerator {
  /** A new unique, URL-safe identifier. */
  next(): string;
}

/** Who made a change: a person through the API, or a part of the system (workflow step, collector). */
export type AuditActor =
  | { type: 'user'; userId: string; personalCode?: string | undefined }
  | { type: 'system'; name: string };

export interface AuditEvent {
  companyId: string;
  eventId: string;
  at: string;
  actor: AuditActor;
  entityType: 'Connection' | 'BankAccount' | 'PaymentBatch' | 'NotificationSubscription';
  entityId: string;
  /** Past tense fact, e.g. `PaymentBatchConfirmed`. */
  action: string;
  details?: Record<string, unknown> | undefined;
}

export interface PageRequest {
  limit: number;
  /** Opaque cursor from a previous page. */
  cursor?: string | undefined;
}

export interface Page<T> {
  items: T[];
  nextCursor?: string | undefined;
}

export interface StoredPaymentBatch {
  companyId: string;
  batchId: string;
  status: BatchStatus;
  /** Incremented on every write; writes are conditional on the version read. */
  version: number;
  paymentCount: number;
  createdAt: string;
  createdBy: string;
  updatedAt: string;
  workflowExecutionName?: string | undefined;
  name?: string | undefined;
  /** IBAN of the company's account the payments are made from. */
  debtorAccountId?: string | undefined;
  totals?: Money[] | undefined;
  channelCounts?: Record<PaymentChannel, number> | undefined;
  errorCount?: number | undefined;
  warningCount?: number | undefined;
  confirmation?:
    | { idempotencyKey: string; at: string; by: string; acknowledgedDuplicates: string[] }
    | undefined;
  cancelledAt?: string | undefined;
  /** Why the batch is in its status (e.g. the bank's rejection), in words. */
  statusReason?: string | undefined;
  /** The pain.001 messages the batch is sent as (one, or several when the bank limits message size). */
  submissions?: BatchSubmission[] | undefined;
  /** When the bank first reported on the batch (any pain.002 for one of its messages). */
  bankAcknowledgedAt?: string | undefined;
  /** The workflow task waiting for this batch to reach a milestone (resumed by the collector). */
  awaiting?: { milestone: BatchMilestone; taskToken: string; since: string } | undefined;
  /** When the signing watchdog tells people that signing is overdue. */
  signingOverdueAt?: string | undefined;
  finalizedAt?: string | undefined;
}

/** Milestones the batch workflow waits for: the bank answered at all; every payment has a final status. */
export type BatchMilestone = 'acknowledged' | 'final';

export interface BatchSubmission {
  /** Deterministic per batch and part: the bank's idempotency key. */
  messageId: string;
  part: number;
  /** End-to-end ids of the payments in this message. */
  endToEndIds: string[];
  startedAt: string;
  /** Set when the bank confirmed receipt (or refused a re-send as a duplicate of it). */
  acceptedAt?: string | undefined;
  requestId?: string | undefined;
  attempts: number;
}

export interface PaymentStatusChange {
  status: PaymentStatus;
  at: string;
  reasonCode?: string | undefined;
}

export interface StoredPayment {
  companyId: string;
  batchId: string;
  /** Position in the batch, zero-padded (`00001`), so payments sort in the order they were given. */
  paymentId: string;
  position: number;
  endToEndId: string;
  creditorName: string;
  creditorIban: string;
  creditorBic?: string | undefined;
  amount: Money;
  remittanceInformation?: string | undefined;
  reference?: string | undefined;
  requestedExecutionDate?: string | undefined;
  sourceDocument: SourceDocument;
  channel: PaymentChannel;
  issues: PaymentIssue[];
  fingerprint: string;
  status: PaymentStatus;
  reasonCode?: string | undefined;
  statusHistory: PaymentStatusChange[];
  version: number;
}

/** A recorded payment fingerprint (for the duplicate guard): which payment of which batch had it. */
export interface FingerprintMatch {
  fingerprint: string;
  batchId: string;
  paymentId: string;
}

export interface PaymentBatchRepository {
  /** Stores a new batch item alone; fails with ConflictError when the id is taken. */
  create(batch: StoredPaymentBatch): Promise<void>;
  /**
   * Stores a draft with its payments: first claims every source document (ConflictError naming the
   * document and the batch holding it, and nothing stays claimed), then the payments, fingerprints and batch.
   */
  createDraft(batch: StoredPaymentBatch, payments: StoredPayment[], audit: AuditEvent): Promise<void>;
  get(companyId: string, batchId: string): Promise<StoredPaymentBatch | undefined>;
  getMany(companyId: string, batchIds: readonly string[]): Promise<StoredPaymentBatch[]>;
  /** Writes the changed batch if its stored version is still `expectedVersion`; ConflictError otherwise. */
  update(batch: StoredPaymentBatch, expectedVersion: number, audit?: AuditEvent): Promise<void>;
  list(companyId: string, page: PageRequest): Promise<Page<StoredPaymentBatch>>;
  listPayments(companyId: string, batchId: string, page: PageRequest): Promise<Page<StoredPayment>>;
  allPayments(companyId: string, batchId: string): Promise<StoredPayment[]>;
  /** Fingerprints recorded since `since` (ISO instant), for the duplicate guard. */
  fingerprintsSince(companyId: string, since: string): Promise<FingerprintMatch[]>;
  /** Frees the batch's claims on its source documents (cancelled or finished without paying them). */
  releaseSourceDocuments(
    companyId: string,
    batchId: string,
    documents: readonly SourceDocument[],
  ): Promise<void>;
}

export interface StoredConnection {
  companyId: string;
  connectionId: string;
  bankId: string;
  registryCode: string;
  country: string;
  companyName?: string | undefined;
  status: ConnectionStatus;
  version: number;
  representationConfirmations: RepresentationConfirmation[];
  accountIds: string[];
  createdAt: string;
  createdBy: string;
  updatedAt: string;
}

export interface StoredBankAccount {
  companyId: string;
  /** The normalized IBAN: one account item per IBAN and company. */
  accountId: string;
  iban: string;
  bankId: string;
  name?: string | undefined;
  currency: string;
  permissions: AccountPermissions;
  /** The connection that selected this account, while one does. */
  connectionId?: string | undefined;
  version: number;
  createdAt: string;
  createdBy: string;
  updatedAt: string;
}

export interface AccountPermissionChange {
  accountId: string;
  permissions: AccountPermissions;
  /** Undefined: the account is no longer selected by any connection. */
  connectionId: string | undefined;
}

export interface ConnectionRepository {
  /** Stores a new connection; ConflictError `connection_exists` when the company has an open one for the bank. */
  create(connection: StoredConnection, audit: AuditEvent): Promise<void>;
  get(companyId: string, connectionId: string): Promise<StoredConnection | undefined>;
  /** Latest non-revoked connection of the company to the bank, if any. */
  openConnectionFor(companyId: string, bankId: string): Promise<StoredConnection | undefined>;
  /**
   * Saves the connection (conditional on `expectedVersion`) together with account permission changes and the
   * audit event, in one transaction. `releaseBankSlot` frees the one-open-connection-per-bank guard (revoke).
   */
  save(
    connection: StoredConnection,
    expectedVersion: number,
    audit: AuditEvent,
    options?: { accountChanges?: AccountPermissionChange[]; releaseBankSlot?: boolean },
  ): Promise<void>;
}

export interface BankAccountRepository {
  /** ConflictError `account_exists` when the company already added this IBAN. */
  add(account: StoredBankAccount, audit: AuditEvent): Promise<void>;
  get(companyId: string, accountId: string): Promise<StoredBankAccount | undefined>;
  list(companyId: string, page: PageRequest): Promise<Page<StoredBankAccount>>;
  /** ConflictError `account_in_use` when a connection still selects it. */
  remove(companyId: string, accountId: string, audit: AuditEvent): Promise<void>;
}

export interface StatementRepository {
  saveDay(companyId: string, day: StatementDay): Promise<void>;
  /** Stores an entry once (same bank reference + occurrence = same entry); false when it already existed. */
  saveEntry(companyId: string, entry: StatementEntry): Promise<boolean>;
  listDays(
    companyId: string,
    iban: string,
    range: { from?: string | undefined; to?: string | undefined },
    page: PageRequest,
  ): Promise<Page<StatementDay>>;
  listEntries(
    companyId: string,
    iban: string,
    filter: {
      from?: string | undefined;
      to?: string | undefined;
      direction?: 'credit' | 'debit' | undefined;
      reference?: string | undefined;
    },
    page: PageRequest,
  ): Promise<Page<StatementEntry>>;
}

export interface StoredNotificationSubscription extends NotificationSubscription {
  companyId: string;
  createdAt: string;
  createdBy: string;
  /** The delivery channel's own id (the SNS subscription ARN in AWS), to unsubscribe later. */
  channelRef?: string | undefined;
}

/**
 * Delivery of notifications to a company's subscribers: in AWS an SNS subscription with a filter policy on
 * the message attributes `company`, `type` and `severity`, so a company only ever receives its own alerts.
 */
export interface NotificationChannels {
  subscribe(subscription: StoredNotificationSubscription): Promise<string | undefined>;
  unsubscribe(channelRef: string): Promise<void>;
}

export interface NotificationSubscriptionRepository {
  create(subscription: StoredNotificationSubscription, audit: AuditEvent): Promise<void>;
  list(companyId: string): Promise<StoredNotificationSubscription[]>;
  /** NotFoundError when the company has no such subscription. */
  remove(companyId: string, subscriptionId: string, audit: AuditEvent): Promise<void>;
}

export interface AuditLog {
  /** The entity's events in time order (its timeline). */
  forEntity(companyId: string, entityType: AuditEvent['entityType'], entityId: string): Promise<AuditEvent[]>;
  record(event: AuditEvent): Promise<void>;
}

/** The stored outcome of a request made with an Idempotency-Key. */
export interface IdempotentResponse {
  statusCode: number;
  body: unknown;
}

export type IdempotencyClaim =
  | { kind: 'claimed' }
  | { kind: 'replay'; response: IdempotentResponse }
  | { kind: 'mismatch' }
  | { kind: 'in_progress' };

export interface IdempotencyStore {
  /**
   * Claims `key` for a request whose content hashes to `requestHash`. A finished earlier request with the
   * same hash is replayed; a different hash is a mismatch; a request still running is in progress (an
   * abandoned claim older than the lock time may be taken over).
   */
  claim(companyId: string, key: string, requestHash: string): Promise<IdempotencyClaim>;
  complete(companyId: string, key: string, response: IdempotentResponse): Promise<void>;
  /** Forgets a claim whose request failed, so the client may retry with the same key. */
  release(companyId: string, key: string): Promise<void>;
}

export interface WorkflowEngine {
  /** Starts the batch lifecycle; the execution name is the batch id so a second start is refused. */
  startBatchWorkflow(input: { companyId: string; batchId: string }): Promise<{ executionName: string }>;
  resumeTask(taskToken: string, output: unknown): Promise<void>;
}

/** The e-Business Register: who may represent a company, alone or jointly. */
export interface RepresentationRegistry {
  /** The company's board as registered, or undefined when the registry has no such company. */
  representativesOf(company: {
    registryCode: string;
    country: string;
  }): Promise<{ companyName: string; representatives: Representative[] } | undefined>;
}

/** Whether the bank knows a Gateway agreement for a company (asked with the operator end-user headers). */
export interface BankAgreements {
  hasAgreement(endUser: EndUser): Promise<boolean>;
}

export const systemClock: Clock = { now: () => new Date() };

export const randomIds: IdGenerator = { next: () => crypto.randomUUID() };
