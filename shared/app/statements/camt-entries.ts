// From the codec's camt view to stored statement data: the Tallinn business date of a statement and of an
// entry, the entry's identity (bank reference + occurrence), its direction, counterparty and reference.
import { createHash } from 'node:crypto';
import { tallinnDate } from '../../domain/calendar.ts';
import { normalizeIban } from '../../domain/iban.ts';
import type { Money } from '../../domain/money.ts';
import { checkReference } from '../../domain/reference.ts';
import type { StatementEntry } from '../../domain/statement.ts';
import type { AccountStatement, Balance, Entry } from '../../iso20022/index.ts';

const isoDate = /^\d{4}-\d{2}-\d{2}$/;

/**
 * The Tallinn business date of a camt date or date-time. A date is taken as is; a date-time (with an offset
 * or `Z`) is an instant, whose Tallinn date may differ from the UTC date (e.g. 00:30 in Tallinn), also on the
 * days clocks change. A date-time without an offset is Tallinn wall-clock time.
 */
export function tallinnDayOf(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (isoDate.test(text)) return text;
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(text)) return text.slice(0, 10);
  const instant = new Date(text);
  return Number.isNaN(instant.getTime()) ? undefined : tallinnDate(instant);
}

function balanceOf(statement: AccountStatement, types: readonly string[]): Balance | undefined {
  for (const type of types) {
    const balance = statement.balances.find((candidate) => candidate.type === type);
    if (balance) return balance;
  }
  return undefined;
}

export function signedMoney(balance: Balance): Money {
  return { minor: balance.signedMinor, currency: balance.amount.currency };
}

export const openingBalanceOf = (statement: AccountStatement) => balanceOf(statement, ['OPBD', 'PRCD']);
export const closingBalanceOf = (statement: AccountStatement) => balanceOf(statement, ['CLBD']);

/**
 * The statement's business date: the start of its period (`FrToDt`) in Tallinn, else the closing balance's
 * date, else the first entry's booking date.
 */
export function statementDateOf(statement: AccountStatement, firstEntry?: Entry): string | undefined {
  return (
    tallinnDayOf(statement.from) ??
    tallinnDayOf(closingBalanceOf(statement)?.date) ??
    tallinnDayOf(firstEntry?.bookingDate)
  );
}

/** Only booked entries belong on a statement (pending and information entries are not money moved). */
export function isBooked(entry: Entry): boolean {
  return entry.status === undefined || entry.status === 'BOOK';
}

/** The sort key's separator may not appear inside a key part. */
function keyPart(text: string): string {
  return text.trim().replaceAll('%', '%25').replaceAll('#', '%23');
}

/**
 * The bank's reference of an entry: `AcctSvcrRef` (entry, else its single transaction), else the entry
 * reference, else a hash of its content (so two identical entries share it and differ by occurrence).
 */
export function bankReferenceOf(iban: string, bookingDate: string, entry: Entry): string {
  const transaction = entry.transactions.length === 1 ? entry.transactions[0] : undefined;
  const given =
    entry.accountServicerReference ?? transaction?.accountServicerReference ?? entry.entryReference;
  if (given?.trim()) return keyPart(given);
  const counterparty = entry.creditDebit === 'CRDT' ? transaction?.debtor : transaction?.creditor;
  const content = JSON.stringify([
    iban,
    bookingDate,
    tallinnDayOf(entry.valueDate) ?? '',
    entry.creditDebit,
    entry.reversal,
    entry.amount.minor,
    entry.amount.currency,
    transaction?.endToEndId ?? '',
    counterparty?.iban ?? '',
    counterparty?.name ?? '',
    transaction?.remittance.structured ?? [],
    transaction?.remittance.unstructured ?? [],
    entry.additionalInfo ?? '',
  ]);
  return `H${createHash('sha256').update(content).digest('hex').slice(0, 32)}`;
}

/** Counts (booking date, bank reference) pairs within one message: the n-th equal entry is occurrence n. */
export class OccurrenceCounter {
  readonly #seen = new Map<string, number>();
  next(bookingDate: string, bankReference: string): number {
    const key = `${bookingDate}#${bankReference}`;
    const occurrence = (this.#seen.get(key) ?? 0) + 1;
    this.#seen.set(key, occurrence);
    return occurrence;
  }
}

/** A valid Estonian (7-3-1) or RF creditor reference of the entry, normalised, if it has one. */
export function creditorReferenceOf(entry: Entry): string | undefined {
  for (const transaction of entry.transactions) {
    for (const candidate of transaction.remittance.structured) {
      const checked = checkReference(candidate);
      if (checked.ok) return checked.reference;
    }
  }
  return undefined;
}

const notProvided = 'NOTPROVIDED';

/** Maps a booked camt entry of the account to a stored statement entry (identity filled in by the caller). */
export function toStatementEntry(
  iban: string,
  fallbackDate: string,
  entry: Entry,
  occurrences: OccurrenceCounter,
): StatementEntry {
  const bookingDate = tallinnDayOf(entry.bookingDate) ?? fallbackDate;
  const bankReference = bankReferenceOf(iban, bookingDate, entry);
  const transaction = entry.transactions.length === 1 ? entry.transactions[0] : undefined;
  const direction = entry.creditDebit === 'CRDT' ? 'credit' : 'debit';
  const counterparty = direction === 'credit' ? transaction?.debtor : transaction?.creditor;
  const structured = entry.transactions.flatMap((each) => each.remittance.structured);
  const unstructured = entry.transactions.flatMap((each) => each.remittance.unstructured);
  const endToEndId =
    transaction?.endToEndId && transaction.endToEndId !== notProvided ? transaction.endToEndId : undefined;
  const valueDate = tallinnDayOf(entry.valueDate);
  return {
    iban,
    bookingDate,
    ...(valueDate ? { valueDate } : {}),
    bankReference,
    occurrence: occurrences.next(bookingDate, bankReference),
    direction,
    amount: { minor: entry.amount.minor, currency: entry.amount.currency },
    ...(counterparty?.name ? { counterpartyName: counterparty.name } : {}),
    ...(counterparty?.iban ? { counterpartyIban: normalizeIban(counterparty.iban) } : {}),
    ...(structured.length > 0 ? { reference: creditorReferenceOf(entry) ?? structured[0] } : {}),
    ...(unstructured.length > 0 ? { remittanceInformation: unstructured.join(' ') } : {}),
    ...(endToEndId ? { endToEndId } : {}),
  };
}

/** Stable id of an entry (also the id of the event it causes): the same entry always has the same id. */
export function entryId(
  entry: Pick<StatementEntry, 'iban' | 'bookingDate' | 'bankReference' | 'occurrence'>,
) {
  return `${entry.iban}:${entry.bookingDate}:${entry.bankReference}:${entry.occurrence}`;
}

/** Signed minor units of an entry (credit positive). */
export function signedMinorOf(entry: Pick<StatementEntry, 'direction' | 'amount'>): number {
  return entry.direction === 'credit' ? entry.amount.minor : -entry.amount.minor;
}

/**
 * Deterministic camt.060 message id (at most 35 characters) for asking the account's days `from..to` on a
 * run date: the same run asks with the same id (the bank refuses the repeat), a later run with a new one.
 */
export function statementRequestMessageId(iban: string, from: string, to: string, runDate: string): string {
  const compact = (date: string) => date.replaceAll('-', '').slice(2);
  const digest = createHash('sha256')
    .update(`${normalizeIban(iban)}|${from}|${to}|${runDate}`)
    .digest('hex')
    .slice(0, 12)
    .toUpperCase();
  return `STM-${compact(from)}-${compact(to)}-${digest}`;
}
