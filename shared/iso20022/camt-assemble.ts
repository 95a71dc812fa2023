// How the camt readers build their domain objects from values already read, shared by the tree mapping
// (`mapEntry` in camt.ts) and the token capture (camt-entry.ts) so both give the same keys in the same order.
// Optional keys are assigned one by one rather than spread: this runs for every entry and transaction.

import type { Money } from '../domain/money.ts';
import type {
  BankTransactionCode,
  Charge,
  CreditDebit,
  Entry,
  EntryTransaction,
  PartyAccount,
} from './types.ts';

/** `true` / `1` as in xs:boolean. */
export function isTrue(value: string | undefined): boolean {
  return value === 'true' || value === '1';
}

/** Transaction reference: result key and `Refs` child element, in output order. */
export const REFERENCE_ELEMENTS = [
  ['endToEndId', 'EndToEndId'],
  ['instructionId', 'InstrId'],
  ['messageId', 'MsgId'],
  ['paymentInformationId', 'PmtInfId'],
  ['accountServicerReference', 'AcctSvcrRef'],
  ['transactionId', 'TxId'],
  ['mandateId', 'MndtId'],
  ['uetr', 'UETR'],
] as const satisfies readonly (readonly [keyof EntryTransaction, string])[];

/** The code from its parts, or undefined when none is given. */
export function assembleBankTransactionCode(
  domain: string | undefined,
  family: string | undefined,
  subFamily: string | undefined,
  proprietaryCode: string | undefined,
  issuer: string | undefined,
): BankTransactionCode | undefined {
  if (
    domain === undefined &&
    family === undefined &&
    subFamily === undefined &&
    proprietaryCode === undefined
  ) {
    return undefined;
  }
  const code: BankTransactionCode = {};
  if (domain !== undefined) code.domain = domain;
  if (family !== undefined) code.family = family;
  if (subFamily !== undefined) code.subFamily = subFamily;
  if (proprietaryCode !== undefined) {
    code.proprietary = issuer === undefined ? { code: proprietaryCode } : { code: proprietaryCode, issuer };
  }
  return code;
}

/** A related party, or undefined when nothing of it is given. */
export function assemblePartyAccount(
  name: string | undefined,
  iban: string | undefined,
  otherId: string | undefined,
  bic: string | undefined,
): PartyAccount | undefined {
  if (name === undefined && iban === undefined && otherId === undefined && bic === undefined)
    return undefined;
  const party: PartyAccount = {};
  if (name !== undefined) party.name = name;
  if (iban !== undefined) party.iban = iban;
  if (otherId !== undefined) party.otherId = otherId;
  if (bic !== undefined) party.bic = bic;
  return party;
}

export function assembleCharge(
  amount: Money,
  creditDebit: CreditDebit | undefined,
  type: string | undefined,
  included: string | undefined,
): Charge {
  const charge: Charge = { amount };
  if (creditDebit !== undefined) charge.creditDebit = creditDebit;
  if (type !== undefined) charge.type = type;
  if (included !== undefined) charge.includedInEntryAmount = isTrue(included);
  return charge;
}

/** What a transaction has besides its remittance and references (undefined = not given). */
export interface TransactionParts {
  amount: Money | undefined;
  creditDebit: CreditDebit | undefined;
  instructedAmount: Money | undefined;
  debtor: PartyAccount | undefined;
  creditor: PartyAccount | undefined;
  ultimateDebtor: string | undefined;
  ultimateCreditor: string | undefined;
  bankTransactionCode: BankTransactionCode | undefined;
  returnReason: string | undefined;
  additionalInfo: string | undefined;
}

/** `references` holds the `Refs` values in `REFERENCE_ELEMENTS` order; `NOTPROVIDED` counts as not given. */
export function assembleTransaction(
  structured: string[],
  unstructured: string[],
  references: readonly (string | undefined)[],
  parts: TransactionParts,
): EntryTransaction {
  const result: EntryTransaction = { remittance: { structured, unstructured } };
  const writable = result as unknown as Record<string, string>;
  let k = 0;
  for (const [key] of REFERENCE_ELEMENTS) {
    const value = references[k++];
    if (value !== undefined && value !== 'NOTPROVIDED') writable[key] = value;
  }
  if (parts.amount !== undefined) result.amount = parts.amount;
  if (parts.creditDebit) result.creditDebit = parts.creditDebit;
  if (parts.instructedAmount !== undefined) result.instructedAmount = parts.instructedAmount;
  if (parts.debtor) result.debtor = parts.debtor;
  if (parts.creditor) result.creditor = parts.creditor;
  if (parts.ultimateDebtor !== undefined) result.ultimateDebtor = parts.ultimateDebtor;
  if (parts.ultimateCreditor !== undefined) result.ultimateCreditor = parts.ultimateCreditor;
  if (parts.bankTransactionCode) result.bankTransactionCode = parts.bankTransactionCode;
  if (parts.returnReason !== undefined) result.returnReason = parts.returnReason;
  if (parts.additionalInfo !== undefined) result.additionalInfo = parts.additionalInfo;
  return result;
}

/** An entry's values (undefined = not given); `signedMinor` follows from amount and indicator. */
export interface EntryParts {
  entryReference: string | undefined;
  amount: Money;
  creditDebit: CreditDebit;
  reversal: string | undefined;
  status: string | undefined;
  bookingDate: string | undefined;
  valueDate: string | undefined;
  accountServicerReference: string | undefined;
  bankTransactionCode: BankTransactionCode | undefined;
  charges: Charge[];
  additionalInfo: string | undefined;
  batchTransactionCount: number | undefined;
  transactions: EntryTransaction[];
}

export function assembleEntry(parts: EntryParts): Entry {
  const result = {} as Entry;
  if (parts.entryReference !== undefined) result.entryReference = parts.entryReference;
  result.amount = parts.amount;
  result.creditDebit = parts.creditDebit;
  result.signedMinor = parts.creditDebit === 'CRDT' ? parts.amount.minor : -parts.amount.minor;
  result.reversal = isTrue(parts.reversal);
  if (parts.status !== undefined) result.status = parts.status;
  if (parts.bookingDate !== undefined) result.bookingDate = parts.bookingDate;
  if (parts.valueDate !== undefined) result.valueDate = parts.valueDate;
  if (parts.accountServicerReference !== undefined)
    result.accountServicerReference = parts.accountServicerReference;
  if (parts.bankTransactionCode !== undefined) result.bankTransactionCode = parts.bankTransactionCode;
  result.charges = parts.charges;
  if (parts.additionalInfo !== undefined) result.additionalInfo = parts.additionalInfo;
  if (parts.batchTransactionCount !== undefined) result.batchTransactionCount = parts.batchTransactionCount;
  result.transactions = parts.transactions;
  return result;
}
