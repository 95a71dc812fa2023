// Domain-facing shapes of the ISO 20022 codec. Callers never see ISO tag names: builders take these
// shapes, parsers return them. Money is always `Money` (integer minor units as a safe-integer number).

import type { Money } from '../domain/money.ts';
import type { CharacterPolicy } from '../domain/sepa-text.ts';

export type { Money } from '../domain/money.ts';
export type { CharacterPolicy } from '../domain/sepa-text.ts';

/** Message families the codec understands. */
export type MessageFamily = 'pain.001' | 'pain.002' | 'camt.052' | 'camt.053' | 'camt.054' | 'camt.060';

export type Pain001Version = 'pain.001.001.03' | 'pain.001.001.09';
export type Pain002Version = 'pain.002.001.03' | 'pain.002.001.10';
export type Camt053BuildVersion = 'camt.053.001.02';
export type Camt054BuildVersion = 'camt.054.001.02';
export type Camt060Version = 'camt.060.001.03';

/** Result of `detectMessageType`. `version` is the ISO message identifier, e.g. `pain.002.001.10`. */
export interface DetectedMessageType {
  type: MessageFamily;
  version: string;
  /** The namespace URI found on the root element ('' when the document has none). */
  namespace: string;
  /** 'iso' for urn:iso:std:iso:20022 namespaces, otherwise the dialect that was recognised. */
  dialect: 'iso' | 'swiss-six' | 'no-namespace';
}

// ---------------------------------------------------------------------------------------------
// Shared parts

/** `structured` = creditor reference (Estonian 7-3-1 reference or RF ISO 11649), sent as SCOR. */
export type Remittance = { kind: 'structured'; reference: string } | { kind: 'unstructured'; text: string };

export type ServiceLevel = 'INST' | 'SEPA';

export interface AccountParty {
  name: string;
  /** Electronic format (no spaces). '' only in parsed third-party files that use another account id. */
  iban: string;
  bic?: string;
  /** Parsed only: a non-IBAN account id (`Othr/Id`) found in third-party files. */
  otherAccountId?: string;
}

// ---------------------------------------------------------------------------------------------
// pain.001 (customer credit transfer initiation)

export interface CreditTransfer {
  /** Unique per batch, max 35 chars, SEPA identifier charset. Travels to the creditor. */
  endToEndId: string;
  /** Our own per-payment id, max 35 chars (optional in ISO; omitted from the XML when absent). */
  instructionId?: string;
  amount: Money;
  creditor: AccountParty;
  remittance?: Remittance;
}

/** One `PmtInf` block: payments from one debtor account on one date with one service level. */
export interface PaymentGroup {
  /** Deterministic per batch, e.g. `${messageId}-1`; max 35 chars. */
  paymentInformationId: string;
  debtor: AccountParty;
  /** `YYYY-MM-DD`. */
  requestedExecutionDate: string;
  serviceLevel: ServiceLevel;
  /** Omitted from the XML when undefined. */
  batchBooking?: boolean;
  payments: CreditTransfer[];
}

export interface Pain001Batch {
  /** Max 35 chars; the bank's idempotency key. */
  messageId: string;
  /** ISO date-time, e.g. `2025-03-01T10:15:00Z` or with offset. Emitted as given. */
  createdAt: string;
  initiatingPartyName: string;
  paymentGroups: PaymentGroup[];
}

export interface Pain001BuildOptions {
  version: Pain001Version;
  /** Default: `{ kind: 'sepa-latin' }` (transliterate to the EPC basic Latin set). */
  characterPolicy?: CharacterPolicy;
  /**
   * How an instant payment is marked. `local-instrument` (default, EPC SCT Inst): SvcLvl SEPA +
   * LclInstrm INST. `service-level`: SvcLvl INST. The bank's choice is unknown, so it is configurable.
   */
  instantEncoding?: 'local-instrument' | 'service-level';
  /** Charge bearer, default `SLEV` (SEPA). */
  chargeBearer?: 'SLEV' | 'SHAR' | 'DEBT' | 'CRED';
}

export interface BuiltPain001 {
  /** The message as sent: UTF-8 bytes. */
  readonly bytes: Buffer;
  /** The same message as text (decoded from `bytes` on first access). */
  readonly xml: string;
  messageId: string;
  version: Pain001Version;
  numberOfTransactions: number;
  /** Decimal string exactly as written to `CtrlSum`. */
  controlSum: string;
  /**
   * Input after validation and the character policy (what the bank will actually see), read back from `xml`
   * on first access.
   */
  readonly batch: Pain001Batch;
}

/** What `parsePain001` returns: the batch plus the version it was read from. */
export interface ParsedPain001 extends Pain001Batch {
  version: string;
  numberOfTransactions: number;
  controlSum?: string;
}

// ---------------------------------------------------------------------------------------------
// pain.002 (payment status report)

export type KnownTransactionStatus = 'ACTC' | 'ACCP' | 'ACSP' | 'ACSC' | 'ACWC' | 'PDNG' | 'RJCT' | 'RCVD';
/** Known ISO status codes plus any other string the bank sends (kept verbatim). */
export type TransactionStatus = KnownTransactionStatus | (string & {});

export interface StatusReason {
  /** ISO external status reason code (`Rsn/Cd`), e.g. `AC01`. */
  code?: string;
  /** Bank-proprietary reason (`Rsn/Prtry`). */
  proprietary?: string;
  additionalInfo: string[];
}

export interface PaymentInformationStatus {
  originalPaymentInformationId: string;
  status?: TransactionStatus;
  reasons: StatusReason[];
}

export interface TransactionStatusReport {
  originalPaymentInformationId?: string;
  originalEndToEndId: string;
  originalInstructionId?: string;
  status: TransactionStatus;
  reasons: StatusReason[];
  /** Amount of the original transaction when the report carries `OrgnlTxRef/Amt`. */
  originalAmount?: Money;
}

export interface Pain002Report {
  messageId: string;
  createdAt: string;
  originalMessageId: string;
  originalMessageType: string;
  groupStatus?: TransactionStatus;
  groupReasons: StatusReason[];
  paymentInformation: PaymentInformationStatus[];
  transactions: TransactionStatusReport[];
}

export interface ParsedPain002 extends Pain002Report {
  version: string;
}

// ---------------------------------------------------------------------------------------------
// camt.052 / camt.053 / camt.054 (account report, statement, notification)

export type CreditDebit = 'CRDT' | 'DBIT';

export interface Balance {
  /** `Tp/CdOrPrtry/Cd` (OPBD, CLBD, ITBD, CLAV, PRCD, ...) or the proprietary text. */
  type: string;
  /** `Tp/SubTp` code when present (e.g. BLKD). */
  subType?: string;
  /** Always positive; see `creditDebit`. */
  amount: Money;
  creditDebit: CreditDebit;
  /** Signed minor units: positive for CRDT, negative for DBIT. */
  signedMinor: number;
  /** `YYYY-MM-DD` or a date-time string, exactly as given. */
  date?: string;
}

export interface BankTransactionCode {
  domain?: string;
  family?: string;
  subFamily?: string;
  proprietary?: { code: string; issuer?: string };
}

export interface Charge {
  amount: Money;
  creditDebit?: CreditDebit;
  type?: string;
  includedInEntryAmount?: boolean;
}

export interface PartyAccount {
  name?: string;
  iban?: string;
  /** Account id when not an IBAN (`Othr/Id`). */
  otherId?: string;
  bic?: string;
}

export interface EntryTransaction {
  endToEndId?: string;
  instructionId?: string;
  messageId?: string;
  paymentInformationId?: string;
  accountServicerReference?: string;
  transactionId?: string;
  mandateId?: string;
  uetr?: string;
  /** Transaction amount when given per transaction (batch entries). */
  amount?: Money;
  creditDebit?: CreditDebit;
  /** Instructed amount (`AmtDtls/InstdAmt`) when given, e.g. for currency conversions. */
  instructedAmount?: Money;
  remittance: {
    /** Creditor references (`Strd/CdtrRefInf/Ref`). */
    structured: string[];
    /** `Ustrd` lines. */
    unstructured: string[];
  };
  debtor?: PartyAccount;
  creditor?: PartyAccount;
  ultimateDebtor?: string;
  ultimateCreditor?: string;
  bankTransactionCode?: BankTransactionCode;
  returnReason?: string;
  additionalInfo?: string;
}

export interface Entry {
  entryReference?: string;
  amount: Money;
  creditDebit: CreditDebit;
  signedMinor: number;
  reversal: boolean;
  /** BOOK, PDNG, INFO, ... (`Sts` or `Sts/Cd`); undefined when the file omits it. */
  status?: string;
  /** `YYYY-MM-DD` or date-time string, exactly as given. */
  bookingDate?: string;
  valueDate?: string;
  accountServicerReference?: string;
  bankTransactionCode?: BankTransactionCode;
  charges: Charge[];
  additionalInfo?: string;
  /** `NtryDtls/Btch/NbOfTxs` when present. */
  batchTransactionCount?: number;
  transactions: EntryTransaction[];
}

export interface Pagination {
  pageNumber: number;
  lastPage: boolean;
}

/** `TxsSummry`; sums are unsigned minor units in the account currency, `netMinor` is signed. */
export interface TransactionsSummary {
  count?: number;
  sumMinor?: number;
  netMinor?: number;
  creditCount?: number;
  creditSumMinor?: number;
  debitCount?: number;
  debitSumMinor?: number;
}

export interface Finding {
  /** Stable code for machines: `balance_mismatch`, `summary_count_mismatch`, ... */
  code: string;
  message: string;
  /** Which statement (`Stmt/Id`) it concerns. */
  statementId?: string;
  path?: string;
}

/** One `Stmt` (camt.053), `Rpt` (camt.052) or `Ntfctn` (camt.054). */
export interface AccountStatement {
  id: string;
  electronicSequenceNumber?: string;
  legalSequenceNumber?: string;
  createdAt?: string;
  from?: string;
  to?: string;
  pagination?: Pagination;
  account: {
    iban?: string;
    otherId?: string;
    currency?: string;
    ownerName?: string;
    servicerBic?: string;
  };
  balances: Balance[];
  summary?: TransactionsSummary;
  entries: Entry[];
  additionalInfo?: string;
}

export interface ParsedCamt {
  type: 'camt.052' | 'camt.053' | 'camt.054';
  version: string;
  messageId: string;
  createdAt: string;
  pagination?: Pagination;
  /** Original request id (`GrpHdr/MsgRcpt`-independent `AddtlInf`), when present. */
  additionalInfo?: string;
  statements: AccountStatement[];
  findings: Finding[];
}

// Builder input for the simulator (camt.053 / camt.054): the same shapes, minus derived fields.

export interface BuildBalance {
  type: string;
  amount: Money;
  creditDebit: CreditDebit;
  /** `YYYY-MM-DD`. */
  date: string;
}

export interface BuildEntryTransaction {
  endToEndId?: string;
  instructionId?: string;
  accountServicerReference?: string;
  remittance?: Remittance;
  debtor?: PartyAccount;
  creditor?: PartyAccount;
  additionalInfo?: string;
}

export interface BuildEntry {
  entryReference?: string;
  amount: Money;
  creditDebit: CreditDebit;
  reversal?: boolean;
  status?: 'BOOK' | 'PDNG' | 'INFO';
  /** `YYYY-MM-DD` or date-time. */
  bookingDate: string;
  valueDate?: string;
  accountServicerReference: string;
  bankTransactionCode?: { domain: string; family: string; subFamily: string };
  additionalInfo?: string;
  transactions: BuildEntryTransaction[];
}

export interface BuildStatement {
  id: string;
  electronicSequenceNumber?: string;
  createdAt: string;
  /** Date-times. */
  from?: string;
  to?: string;
  account: { iban: string; currency: string; ownerName?: string; servicerBic?: string };
  balances: BuildBalance[];
  entries: BuildEntry[];
  additionalInfo?: string;
}

export interface Camt053Input {
  messageId: string;
  createdAt: string;
  pagination?: Pagination;
  statements: BuildStatement[];
}

/** camt.054 notifications: same shape; balances are ignored (the schema allows none in Ntfctn). */
export type Camt054Input = Camt053Input;

// ---------------------------------------------------------------------------------------------
// camt.060 (account reporting request)

export interface Camt060Request {
  messageId: string;
  createdAt: string;
  /** Which report we ask for. */
  requestedMessageType: 'camt.053.001.02' | 'camt.052.001.02';
  /** Request id, defaults to messageId. */
  requestId?: string;
  account: { iban: string; currency?: string };
  accountOwnerName?: string;
  accountServicerBic?: string;
  /** `YYYY-MM-DD`, inclusive. */
  fromDate: string;
  toDate: string;
  /** `HH:MM:SS` (optionally with offset), defaults 00:00:00 and 23:59:59. */
  fromTime?: string;
  toTime?: string;
}

export interface ParsedCamt060 extends Camt060Request {
  version: string;
}

// ---------------------------------------------------------------------------------------------
// Status reason codes (issue point 6)

export type ReasonClass = 'fix-and-resubmit' | 'final' | 'retry-later';

export interface ReasonDescription {
  code: string;
  class: ReasonClass;
  en: string;
  et: string;
  /** false for codes outside our catalogue (generic text, class `final`). */
  known: boolean;
}

// ---------------------------------------------------------------------------------------------
// Parse options shared by all parsers

export interface ParseOptions {
  /** Reject documents larger than this many bytes (UTF-8). Default 50 MB. */
  maxBytes?: number;
}
