// Ports of the statements capability (daily requests, camt.053/054 ingestion) beyond the shared repositories.
import type { BankGateway } from '../../bank/bank-gateway.ts';
import type { Money } from '../../domain/money.ts';
import type { StatementEntry } from '../../domain/statement.ts';
import type { EventPublisher } from '../events.ts';
import type { NotificationLog, Notifier } from '../notifications.ts';
import type {
  BankAccountRepository,
  Clock,
  ConnectionRepository,
  StatementRepository,
  StoredPayment,
} from '../ports.ts';

/** An account on the statement work list (statement retrieval on, selected by a connection). */
export interface StatementAccount {
  companyId: string;
  accountId: string;
  iban: string;
  currency?: string | undefined;
  connectionId: string;
}

export interface StatementAccountDirectory {
  /** Every account with statement retrieval on that a connection selects (any company). */
  statementAccounts(): AsyncIterable<StatementAccount>;
}

/** How often a statement day was asked for, and when last (one record per account and day). */
export interface StatementRequestRecord {
  iban: string;
  date: string;
  /** Requests that reached the bank, at most one counted per run date. */
  attempts: number;
  /** Tallinn date of the run that last asked. */
  lastRequestedOn: string;
  lastMessageId: string;
}

export interface StatementRequestLog {
  /** The records of the account's days between `from` and `to` (inclusive), by date. */
  records(
    companyId: string,
    iban: string,
    from: string,
    to: string,
  ): Promise<Map<string, StatementRequestRecord>>;
  /** Counts one attempt for the day unless one was already counted on `runDate` (idempotent per run date). */
  recordAttempt(
    companyId: string,
    iban: string,
    date: string,
    runDate: string,
    messageId: string,
  ): Promise<void>;
}

export type BookingResult =
  /** The payment moved settled → booked now. */
  | { kind: 'booked'; payment: StoredPayment }
  /** It was booked before (a re-delivery, or the camt.054 came first). */
  | { kind: 'already_booked'; payment: StoredPayment }
  /** Ours, but the bank's final status has not reached us yet: the next delivery (the statement) tries again. */
  | { kind: 'not_settled'; payment: StoredPayment }
  /** Ours by end-to-end id, but amount or state do not fit (never booked automatically). */
  | { kind: 'mismatch'; payment: StoredPayment; problem: string }
  | { kind: 'not_ours' };

/** Moves our payments to `booked` when a statement shows them (conditional, idempotent). */
export interface PaymentBookings {
  bookByEndToEndId(input: {
    companyId: string;
    endToEndId: string;
    iban: string;
    amount: Money;
    bankReference: string;
    bookingDate: string;
    at: string;
  }): Promise<BookingResult>;
}

/** Bookkeeping on stored entries: whether an entry's effects (payment booking, events) were completed. */
export interface StatementEntryEffects {
  effectsDone(companyId: string, entry: StatementEntry): Promise<boolean>;
  markEffectsDone(
    companyId: string,
    entry: StatementEntry,
    done: { at: string; payment?: StatementEntry['payment'] },
  ): Promise<void>;
}

/** What the statement use cases and processors depend on. */
export interface StatementDependencies {
  accounts: BankAccountRepository;
  connections: ConnectionRepository;
  statements: StatementRepository;
  statementAccounts: StatementAccountDirectory;
  statementRequests: StatementRequestLog;
  statementEntryEffects: StatementEntryEffects;
  paymentBookings: PaymentBookings;
  bank: BankGateway;
  events: EventPublisher;
  notifier: Notifier;
  notificationLog: NotificationLog;
  clock: Clock;
  settings?: Partial<StatementSettings> | undefined;
}

export interface StatementSettings {
  /** How many days back missing statement days are requested again (the previous day included). */
  backfillDays: number;
  /** Longest period one camt.060 request may cover. */
  maxDaysPerRequest: number;
  /** A day still missing after this many requests is notified (`statement_missing`, once). */
  notifyAfterAttempts: number;
  /** Accounts handled in parallel by the daily run. */
  accountConcurrency: number;
  /** Statements larger than this are streamed (bounded memory) instead of parsed whole. */
  streamingThresholdBytes: number;
}

export const defaultStatementSettings: StatementSettings = {
  backfillDays: 31,
  maxDaysPerRequest: 31,
  notifyAfterAttempts: 3,
  accountConcurrency: 4,
  streamingThresholdBytes: 8 * 1024 * 1024,
};

export function statementSettingsOf(deps: Pick<StatementDependencies, 'settings'>): StatementSettings {
  return { ...defaultStatementSettings, ...deps.settings };
}
