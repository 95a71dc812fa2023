// Statement data as stored per account: one statement day (balances, completeness) and its entries.
import type { Money } from './money.ts';

export interface StatementDay {
  iban: string;
  /** Business date `YYYY-MM-DD` (Europe/Tallinn). */
  date: string;
  openingBalance: Money;
  closingBalance: Money;
  entryCount: number;
  /** `complete` when opening + entries = closing and the previous day's closing matches the opening. */
  completeness: 'complete' | 'gap_before' | 'incomplete';
  bankMessageId?: string | undefined;
  receivedAt: string;
}

export type EntryDirection = 'credit' | 'debit';

export interface StatementEntry {
  iban: string;
  bookingDate: string;
  valueDate?: string | undefined;
  /** The bank's reference of the entry; with `occurrence` it identifies the entry (two equal entries both count). */
  bankReference: string;
  occurrence: number;
  direction: EntryDirection;
  amount: Money;
  counterpartyName?: string | undefined;
  counterpartyIban?: string | undefined;
  reference?: string | undefined;
  remittanceInformation?: string | undefined;
  endToEndId?: string | undefined;
  /** Our payment this entry settles, when linked. */
  payment?: { batchId: string; paymentId: string } | undefined;
}

// ---------------------------------------------------------------------------------------------
// Rules of a statement day's completeness and of which days must be asked for again.

/** Completeness of a day from its own balances and the previous day's closing balance. */
export function assessCompleteness(input: {
  opening: Money;
  closing: Money;
  /** Signed sum of the day's booked entries, or undefined when it cannot be checked (other currencies). */
  entriesNetMinor: number | undefined;
  /** The stored previous day, when there is one. */
  previous?: Pick<StatementDay, 'closingBalance'> | undefined;
  /** Whether any earlier day of the account is stored (a missing previous day is then a hole, not the start). */
  hasEarlierDay: boolean;
}): StatementDay['completeness'] {
  if (
    input.entriesNetMinor !== undefined &&
    input.opening.currency === input.closing.currency &&
    input.opening.minor + input.entriesNetMinor !== input.closing.minor
  ) {
    return 'incomplete';
  }
  if (input.previous) {
    const previous = input.previous.closingBalance;
    return previous.minor === input.opening.minor && previous.currency === input.opening.currency
      ? 'complete'
      : 'gap_before';
  }
  return input.hasEarlierDay ? 'gap_before' : 'complete';
}

/** Calendar days from `from` to `to` inclusive (`YYYY-MM-DD`). */
export function daysBetween(from: string, to: string): string[] {
  const days: string[] = [];
  for (let day = from; day <= to; day = nextDay(day)) days.push(day);
  return days;
}

function nextDay(date: string): string {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(year, month - 1, day + 1)).toISOString().slice(0, 10);
}

/**
 * The days of the window `from..to` that must be asked for (again): missing days, incomplete days, and for a
 * day whose opening does not continue the stored previous closing, both days. Days before the first stored
 * day are missing too: the window is what the account should have.
 */
export function daysToRequest(
  window: { from: string; to: string },
  stored: readonly Pick<StatementDay, 'date' | 'completeness'>[],
): string[] {
  const byDate = new Map(stored.map((day) => [day.date, day]));
  const wanted = new Set<string>();
  let previous: string | undefined;
  for (const date of daysBetween(window.from, window.to)) {
    const day = byDate.get(date);
    if (!day || day.completeness === 'incomplete') wanted.add(date);
    else if (day.completeness === 'gap_before') {
      if (previous !== undefined) wanted.add(previous);
      wanted.add(date);
    }
    previous = date;
  }
  return [...wanted].sort();
}

/** Groups sorted dates into contiguous ranges of at most `maxDays` days (one request each). */
export function contiguousRanges(
  dates: readonly string[],
  maxDays: number,
): Array<{ from: string; to: string; days: string[] }> {
  const ranges: Array<{ from: string; to: string; days: string[] }> = [];
  for (const date of [...dates].sort()) {
    const last = ranges.at(-1);
    if (last && nextDay(last.to) === date && last.days.length < maxDays) {
      last.to = date;
      last.days.push(date);
    } else ranges.push({ from: date, to: date, days: [date] });
  }
  return ranges;
}
