// Daily statement requests: for every account with statement retrieval on and an active connection, ask the
// bank (camt.060) for the previous Tallinn day and again for every day of the backfill window that is missing,
// incomplete or breaks continuity; warn once when a day stays missing after the configured number of requests.
import { BankDuplicateMessageError, type BankError, BankRequestRejectedError } from '../../bank/errors.ts';
import { addDays, tallinnDate } from '../../domain/calendar.ts';
import { contiguousRanges, daysToRequest, type StatementDay } from '../../domain/statement.ts';
import { AppError } from '../../errors.ts';
import { notifyOnce } from '../notifications.ts';
import { statementRequestMessageId } from './camt-entries.ts';
import {
  type StatementAccount,
  type StatementDependencies,
  type StatementSettings,
  statementSettingsOf,
} from './ports.ts';

export interface AccountRequestOutcome {
  companyId: string;
  iban: string;
  /** Periods asked for in this run (the bank accepted them, or had them already from an earlier run today). */
  requested: Array<{ from: string; to: string; messageId: string }>;
  /** Days notified as missing in this run. */
  notified: string[];
  /** Why nothing was asked (connection not active). */
  skipped?: string;
  /** The bank refused a period (kept for the logs; counted as an attempt). */
  refused?: Array<{ from: string; to: string; code: string }>;
}

export interface DailyRunOutcome {
  runDate: string;
  accounts: AccountRequestOutcome[];
  failures: Array<{ companyId: string; iban: string; error: string }>;
}

/** A run in which some accounts could not be served for a reason a retry may fix. */
export class StatementRequestsFailedError extends AppError {
  override name = 'StatementRequestsFailedError';
  readonly outcome: DailyRunOutcome;
  constructor(outcome: DailyRunOutcome) {
    super(
      'statement_requests_failed',
      `Statement requests failed for ${outcome.failures.length} of ${outcome.accounts.length + outcome.failures.length} accounts`,
      { retryable: true },
    );
    this.outcome = outcome;
  }
}

/** The window of days the daily run keeps complete: the previous day and `backfillDays - 1` before it. */
export function statementWindow(now: Date, settings: Pick<StatementSettings, 'backfillDays'>) {
  const runDate = tallinnDate(now);
  return { runDate, from: addDays(runDate, -settings.backfillDays), to: addDays(runDate, -1) };
}

/** What the daily requests need (the processors' dependencies are a superset). */
export type DailyStatementDependencies = Pick<
  StatementDependencies,
  | 'accounts'
  | 'connections'
  | 'statements'
  | 'statementAccounts'
  | 'statementRequests'
  | 'bank'
  | 'notifier'
  | 'notificationLog'
  | 'clock'
  | 'settings'
>;

/**
 * Runs the daily requests for every account on the statement work list. `now` is the scheduled time when the
 * scheduler gives it (a retried or late run then asks with the same message ids). Throws when any account failed.
 */
export async function requestDailyStatements(
  deps: DailyStatementDependencies,
  options: { now?: Date | undefined } = {},
): Promise<DailyRunOutcome> {
  const settings = statementSettingsOf(deps);
  const now = options.now ?? deps.clock.now();
  const outcome: DailyRunOutcome = { runDate: tallinnDate(now), accounts: [], failures: [] };
  const work = async (account: StatementAccount) => {
    try {
      outcome.accounts.push(await requestMissingStatements(deps, account, now));
    } catch (error) {
      outcome.failures.push({
        companyId: account.companyId,
        iban: account.iban,
        error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
      });
    }
  };
  const running = new Set<Promise<void>>();
  for await (const account of deps.statementAccounts.statementAccounts()) {
    const task: Promise<void> = work(account).finally(() => running.delete(task));
    running.add(task);
    if (running.size >= settings.accountConcurrency) await Promise.race(running);
  }
  await Promise.all(running);
  if (outcome.failures.length > 0) throw new StatementRequestsFailedError(outcome);
  return outcome;
}

/**
 * Asks for the account's days that are missing, incomplete or break continuity in the window, and notifies the
 * days that stayed missing after the configured number of requests. Safe to run again the same day: the
 * message ids repeat, the bank refuses the repeats, and attempts are counted once per run date.
 */
export async function requestMissingStatements(
  deps: DailyStatementDependencies,
  account: StatementAccount,
  now: Date,
): Promise<AccountRequestOutcome> {
  const settings = statementSettingsOf(deps);
  const outcome: AccountRequestOutcome = {
    companyId: account.companyId,
    iban: account.iban,
    requested: [],
    notified: [],
  };
  const connection = await deps.connections.get(account.companyId, account.connectionId);
  if (connection?.status !== 'active') {
    outcome.skipped = `connection ${connection?.status ?? 'missing'}`;
    return outcome;
  }
  const stored = await deps.accounts.get(account.companyId, account.accountId);
  if (!stored?.permissions.statementRetrieval || stored.connectionId !== account.connectionId) {
    outcome.skipped = 'statement retrieval is off';
    return outcome;
  }
  const window = statementWindow(now, settings);
  const days = await storedDays(deps, account, window.from, window.to);
  const wanted = daysToRequest(window, days);
  if (wanted.length === 0) return outcome;

  const records = await deps.statementRequests.records(
    account.companyId,
    account.iban,
    window.from,
    window.to,
  );
  for (const date of wanted) {
    const record = records.get(date);
    // Requests of earlier runs only: a retried run the same day must decide as the first one did.
    const attempts = (record?.attempts ?? 0) - (record?.lastRequestedOn === window.runDate ? 1 : 0);
    if (attempts < settings.notifyAfterAttempts) continue;
    const sent = await notifyOnce(deps, {
      type: 'statement_missing',
      eventId: `statement-missing:${account.iban}:${date}`,
      companyId: account.companyId,
      occurredAt: now.toISOString(),
      iban: account.iban,
      date,
      attempts,
    });
    if (sent) outcome.notified.push(date);
  }

  const endUser = { registryCode: connection.registryCode, country: connection.country };
  for (const range of contiguousRanges(wanted, settings.maxDaysPerRequest)) {
    const messageId = statementRequestMessageId(account.iban, range.from, range.to, window.runDate);
    try {
      await deps.bank.requestStatement({
        endUser,
        messageId,
        iban: account.iban,
        ...(account.currency ? { currency: account.currency } : {}),
        fromDate: range.from,
        toDate: range.to,
      });
    } catch (error) {
      // Refused for good (period, permission) or already asked today: both count as an attempt.
      if (!(error instanceof BankRequestRejectedError)) throw error;
      if (!(error instanceof BankDuplicateMessageError)) {
        outcome.refused ??= [];
        outcome.refused.push({ from: range.from, to: range.to, code: bankCode(error) });
      }
    }
    for (const date of range.days) {
      await deps.statementRequests.recordAttempt(
        account.companyId,
        account.iban,
        date,
        window.runDate,
        messageId,
      );
    }
    outcome.requested.push({ from: range.from, to: range.to, messageId });
  }
  return outcome;
}

function bankCode(error: BankError): string {
  return error.bankErrorCode ?? error.code;
}

async function storedDays(
  deps: DailyStatementDependencies,
  account: StatementAccount,
  from: string,
  to: string,
): Promise<StatementDay[]> {
  const days: StatementDay[] = [];
  let cursor: string | undefined;
  do {
    const page = await deps.statements.listDays(
      account.companyId,
      account.iban,
      { from, to },
      { limit: 100, cursor },
    );
    days.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return days;
}
