// The simulator's ledger: one account per IBAN with booked entries in time order, so every statement and
// balance the simulator reports is consistent (opening balance + entries = closing balance, day after day).

export type CreditDebit = 'CRDT' | 'DBIT';

export interface Counterparty {
  name: string;
  iban?: string;
  bic?: string;
}

export interface LedgerEntry {
  /** Account servicer reference, unique in the simulator. */
  reference: string;
  bookedAt: string;
  /** `YYYY-MM-DD` Tallinn. */
  bookingDate: string;
  valueDate: string;
  amountMinor: number;
  currency: string;
  creditDebit: CreditDebit;
  counterparty: Counterparty;
  endToEndId?: string;
  instructionId?: string;
  /** pain.001 MsgId / PmtInfId the entry came from (outgoing payments). */
  messageId?: string;
  paymentInformationId?: string;
  /** Structured creditor reference (Estonian 7-3-1 or RF). */
  creditorReference?: string;
  remittanceText?: string;
  balanceAfterMinor: number;
  kind: 'payment' | 'incoming' | 'fee' | 'adjustment';
}

export interface LedgerAccount {
  iban: string;
  currency: string;
  ownerName: string;
  /** Balance before the first entry. */
  openingBalanceMinor: number;
  balanceMinor: number;
  /** Overdraft the account may use; available = balance + limit − reserved. */
  creditLimitMinor: number;
  /** Amounts of signed payments waiting for execution. */
  reservedMinor: number;
  entries: LedgerEntry[];
  openedOn: string;
}

export interface DayStatement {
  date: string;
  openingBalanceMinor: number;
  closingBalanceMinor: number;
  entries: LedgerEntry[];
  /** 1-based number of this statement day since the account was opened (electronic sequence). */
  sequence: number;
}

export class LedgerError extends Error {
  override name = 'LedgerError';
}

export class Ledger {
  readonly #accounts = new Map<string, LedgerAccount>();
  #sequence = 0;
  readonly #referencePrefix: string;

  constructor(referencePrefix = 'SIM') {
    this.#referencePrefix = referencePrefix;
  }

  open(account: {
    iban: string;
    currency?: string;
    ownerName: string;
    balanceMinor?: number;
    creditLimitMinor?: number;
    openedOn: string;
  }): LedgerAccount {
    const existing = this.#accounts.get(account.iban);
    if (existing) return existing;
    const created: LedgerAccount = {
      iban: account.iban,
      currency: account.currency ?? 'EUR',
      ownerName: account.ownerName,
      openingBalanceMinor: account.balanceMinor ?? 0,
      balanceMinor: account.balanceMinor ?? 0,
      creditLimitMinor: account.creditLimitMinor ?? 0,
      reservedMinor: 0,
      entries: [],
      openedOn: account.openedOn,
    };
    this.#accounts.set(account.iban, created);
    return created;
  }

  get(iban: string): LedgerAccount | undefined {
    return this.#accounts.get(iban);
  }

  has(iban: string): boolean {
    return this.#accounts.has(iban);
  }

  get size(): number {
    return this.#accounts.size;
  }

  accounts(): IterableIterator<LedgerAccount> {
    return this.#accounts.values();
  }

  availableMinor(iban: string): number {
    const account = this.#require(iban);
    return account.balanceMinor + account.creditLimitMinor - account.reservedMinor;
  }

  reserve(iban: string, amountMinor: number): void {
    this.#require(iban).reservedMinor += amountMinor;
  }

  release(iban: string, amountMinor: number): void {
    const account = this.#require(iban);
    account.reservedMinor = Math.max(0, account.reservedMinor - amountMinor);
  }

  /** Books one entry and returns it. Amounts are positive; `creditDebit` gives the direction. */
  book(
    iban: string,
    entry: Omit<LedgerEntry, 'reference' | 'balanceAfterMinor' | 'currency'> & { currency?: string },
  ): LedgerEntry {
    const account = this.#require(iban);
    if (!Number.isSafeInteger(entry.amountMinor) || entry.amountMinor <= 0) {
      throw new LedgerError(
        `entry amount must be a positive integer of minor units, got ${entry.amountMinor}`,
      );
    }
    const currency = entry.currency ?? account.currency;
    if (currency !== account.currency) {
      throw new LedgerError(`account is in ${account.currency}, entry in ${currency}`);
    }
    const last = account.entries.at(-1);
    if (last && last.bookingDate > entry.bookingDate) {
      throw new LedgerError(
        `booking date ${entry.bookingDate} is before the last booked ${last.bookingDate}`,
      );
    }
    const signed = entry.creditDebit === 'CRDT' ? entry.amountMinor : -entry.amountMinor;
    account.balanceMinor += signed;
    this.#sequence += 1;
    const booked: LedgerEntry = {
      ...entry,
      currency,
      reference: `${this.#referencePrefix}${entry.bookingDate.replaceAll('-', '')}${String(this.#sequence).padStart(8, '0')}`,
      balanceAfterMinor: account.balanceMinor,
    };
    account.entries.push(booked);
    return booked;
  }

  /** Balance at the end of `date` (Tallinn), i.e. after every entry booked on or before it. */
  balanceAtEndOf(iban: string, date: string): number {
    const account = this.#require(iban);
    const entries = account.entries;
    // Entries are in booking order: binary search the last entry with bookingDate <= date.
    let low = 0;
    let high = entries.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if ((entries[middle] as LedgerEntry).bookingDate <= date) low = middle + 1;
      else high = middle;
    }
    return low === 0 ? account.openingBalanceMinor : (entries[low - 1] as LedgerEntry).balanceAfterMinor;
  }

  /** One statement per day from `from` to `to` inclusive; days before the account was opened are skipped. */
  statementDays(iban: string, from: string, to: string): DayStatement[] {
    const account = this.#require(iban);
    const days: DayStatement[] = [];
    for (let date = from; date <= to; date = nextDate(date)) {
      if (date < account.openedOn) continue;
      const opening = this.balanceAtEndOf(iban, previousDate(date));
      const entries = account.entries.filter((entry) => entry.bookingDate === date);
      days.push({
        date,
        openingBalanceMinor: opening,
        closingBalanceMinor: entries.at(-1)?.balanceAfterMinor ?? opening,
        entries,
        sequence: daysBetween(account.openedOn, date) + 1,
      });
    }
    return days;
  }

  #require(iban: string): LedgerAccount {
    const account = this.#accounts.get(iban);
    if (!account) throw new LedgerError(`no account ${iban} in the simulator ledger`);
    return account;
  }
}

function shift(date: string, days: number): string {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(year, month - 1, day + days)).toISOString().slice(0, 10);
}

function nextDate(date: string): string {
  return shift(date, 1);
}

function previousDate(date: string): string {
  return shift(date, -1);
}

function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}
