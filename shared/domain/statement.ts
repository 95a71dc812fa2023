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
