// camt.052 / camt.053 / camt.054 reader for every version in the corpus (.001.02 to .001.14). One streaming
// pass with our byte tokenizer (`xml-tokenizer.ts`) builds a small tree per entry (and per statement header)
// and maps it to domain terms, so a 190 MB statement is read in bounded memory. The same reader backs the
// whole-document parsers.
// Invariants (opening + credits − debits = closing, TxsSummry) become findings, never exceptions.

import { Readable } from 'node:stream';
import { currencyExponent, type Money, MoneyError, parseDecimal } from '../domain/money.ts';
import {
  assembleBankTransactionCode,
  assembleCharge,
  assembleEntry,
  assemblePartyAccount,
  assembleTransaction,
  isTrue,
  REFERENCE_ELEMENTS,
} from './camt-assemble.ts';
import { EntryCapture } from './camt-entry.ts';
import { detectMessageType, sniffRoot } from './detect.ts';
import { Iso20022ParseError, UnknownMessageTypeError, UnsafeDocumentError } from './errors.ts';
import type {
  AccountStatement,
  Balance,
  BankTransactionCode,
  Charge,
  CreditDebit,
  DetectedMessageType,
  Entry,
  EntryTransaction,
  Finding,
  Pagination,
  ParsedCamt,
  ParseOptions,
  PartyAccount,
  TransactionsSummary,
} from './types.ts';
import { Cursor, checkNoDoctype, DEFAULT_MAX_BYTES, type XmlObject, type XmlValue } from './xml.ts';
import {
  TOKEN_CDATA,
  TOKEN_CLOSE,
  TOKEN_EOF,
  TOKEN_NONE,
  TOKEN_OPEN,
  TOKEN_TEXT,
  XmlSyntaxError,
  XmlTokenizer,
} from './xml-tokenizer.ts';

type CamtFamily = 'camt.052' | 'camt.053' | 'camt.054';

const MESSAGE_ELEMENT: Readonly<Record<CamtFamily, string>> = {
  'camt.052': 'BkToCstmrAcctRpt',
  'camt.053': 'BkToCstmrStmt',
  'camt.054': 'BkToCstmrDbtCdtNtfctn',
};
const STATEMENT_ELEMENT: Readonly<Record<CamtFamily, string>> = {
  'camt.052': 'Rpt',
  'camt.053': 'Stmt',
  'camt.054': 'Ntfctn',
};
const STATEMENT_INFO: Readonly<Record<CamtFamily, string>> = {
  'camt.052': 'AddtlRptInf',
  'camt.053': 'AddtlStmtInf',
  'camt.054': 'AddtlNtfctnInf',
};

/** Streaming documents have bounded memory, so their default limit is larger than the DOM parsers'. */
export const DEFAULT_STREAM_MAX_BYTES = 2 * 1024 * 1024 * 1024;

// ---------------------------------------------------------------------------------------------
// Mapping (tree → domain)

function money(node: Cursor): Money {
  const currency = node.attr('Ccy') ?? '';
  try {
    return parseDecimal(node.text(), currency);
  } catch (error) {
    if (error instanceof MoneyError) throw node.error(error.message, node.path, `${node.text()} ${currency}`);
    throw error;
  }
}

function creditDebit(node: Cursor, path: string): CreditDebit {
  const value = node.str(path);
  if (value === 'CRDT' || value === 'DBIT') return value;
  throw node.error(
    'credit/debit indicator must be CRDT or DBIT',
    `${node.path}/${path}`,
    value ?? '(missing)',
  );
}

function optionalCreditDebit(node: Cursor, path: string): CreditDebit | undefined {
  const value = node.str(path);
  return value === 'CRDT' || value === 'DBIT' ? value : undefined;
}

function dateOf(node: Cursor | undefined): string | undefined {
  if (!node) return undefined;
  return node.str('Dt') ?? node.str('DtTm') ?? (node.text() || undefined);
}

function bankTransactionCode(node: Cursor | undefined): BankTransactionCode | undefined {
  if (!node) return undefined;
  const domain = node.str('Domn/Cd');
  const family = node.str('Domn/Fmly/Cd');
  const subFamily = node.str('Domn/Fmly/SubFmlyCd');
  const proprietaryCode = node.str('Prtry/Cd');
  const issuer = node.str('Prtry/Issr');
  return assembleBankTransactionCode(domain, family, subFamily, proprietaryCode, issuer);
}

function charges(entry: Cursor): Charge[] {
  const out: Charge[] = [];
  for (const block of entry.els('Chrgs')) {
    // .001.02 repeats Chrgs; .001.04+ nests Chrgs/Rcrd.
    const records = block.has('Rcrd') ? block.els('Rcrd') : block.has('Amt') ? [block] : [];
    for (const record of records) {
      const amount = record.el('Amt');
      if (!amount) continue;
      const direction = optionalCreditDebit(record, 'CdtDbtInd');
      const type = record.str('Tp/Cd') ?? record.str('Tp/Prtry/Id') ?? record.str('Tp');
      const included = record.str('ChrgInclInd');
      out.push(assembleCharge(money(amount), direction, type, included));
    }
  }
  return out;
}

/** Party in .001.02 style (`Dbtr/Nm`) or .001.08+ style (`Dbtr/Pty/Nm`, `Dbtr/Agt`). */
function partyName(node: Cursor | undefined): string | undefined {
  if (!node) return undefined;
  return node.str('Nm') ?? node.str('Pty/Nm') ?? node.str('Agt/FinInstnId/Nm');
}

function partyAccount(
  parties: Cursor | undefined,
  agents: Cursor | undefined,
  role: 'Dbtr' | 'Cdtr',
): PartyAccount | undefined {
  const name = partyName(parties?.el(role));
  const account = parties?.el(`${role}Acct`);
  const iban = account?.str('Id/IBAN');
  const otherId = account?.str('Id/Othr/Id');
  const institution = agents?.at(`${role}Agt/FinInstnId`);
  return assemblePartyAccount(name, iban, otherId, institution?.str('BICFI') ?? institution?.str('BIC'));
}

function transaction(tx: Cursor): EntryTransaction {
  const refs = tx.el('Refs');
  const parties = tx.el('RltdPties');
  const agents = tx.el('RltdAgts');
  const remittance = tx.el('RmtInf');
  const amountNode = tx.el('Amt') ?? tx.at('AmtDtls/TxAmt/Amt');
  const instructed = tx.at('AmtDtls/InstdAmt/Amt');
  const direction = optionalCreditDebit(tx, 'CdtDbtInd');
  const debtor = partyAccount(parties, agents, 'Dbtr');
  const creditor = partyAccount(parties, agents, 'Cdtr');
  const ultimateDebtor = partyName(parties?.el('UltmtDbtr'));
  const ultimateCreditor = partyName(parties?.el('UltmtCdtr'));
  const code = bankTransactionCode(tx.el('BkTxCd'));
  const returnReason = tx.str('RtrInf/Rsn/Cd') ?? tx.str('RtrInf/Rsn/Prtry');
  const additional = tx.str('AddtlTxInf');
  const structured: string[] = [];
  for (const block of remittance?.els('Strd') ?? []) {
    for (const info of block.els('CdtrRefInf')) {
      const reference = info.str('Ref');
      if (reference !== undefined) structured.push(reference);
    }
  }
  const unstructured = (remittance?.els('Ustrd') ?? [])
    .map((line) => line.text())
    .filter((line) => line !== '');
  return assembleTransaction(
    structured,
    unstructured,
    REFERENCE_ELEMENTS.map(([, name]) => refs?.str(name)),
    {
      amount: amountNode ? money(amountNode) : undefined,
      creditDebit: direction,
      instructedAmount: instructed ? money(instructed) : undefined,
      debtor,
      creditor,
      ultimateDebtor,
      ultimateCreditor,
      bankTransactionCode: code,
      returnReason,
      additionalInfo: additional,
    },
  );
}

const DIGITS = /^\d+$/;

/** Maps one `Ntry` element. */
export function mapEntry(entry: Cursor): Entry {
  const amount = money(entry.req('Amt'));
  const direction = creditDebit(entry, 'CdtDbtInd');
  const status = entry.str('Sts/Cd') ?? entry.str('Sts/Prtry') ?? entry.str('Sts');
  const bookingDate = dateOf(entry.el('BookgDt'));
  const valueDate = dateOf(entry.el('ValDt'));
  const entryReference = entry.str('NtryRef');
  const servicerReference = entry.str('AcctSvcrRef');
  const code = bankTransactionCode(entry.el('BkTxCd'));
  const additional = entry.str('AddtlNtryInf');
  let batchCount: number | undefined;
  const transactions: EntryTransaction[] = [];
  for (const details of entry.els('NtryDtls')) {
    const count = details.str('Btch/NbOfTxs');
    if (count !== undefined && DIGITS.test(count)) batchCount = (batchCount ?? 0) + Number(count);
    for (const tx of details.els('TxDtls')) transactions.push(transaction(tx));
  }
  return assembleEntry({
    entryReference,
    amount,
    creditDebit: direction,
    reversal: entry.str('RvslInd'),
    status,
    bookingDate,
    valueDate,
    accountServicerReference: servicerReference,
    bankTransactionCode: code,
    charges: charges(entry),
    additionalInfo: additional,
    batchTransactionCount: batchCount,
    transactions,
  });
}

function pagination(node: Cursor | undefined): Pagination | undefined {
  if (!node) return undefined;
  const page = node.str('PgNb');
  return {
    pageNumber: page && /^\d+$/.test(page) ? Number(page) : 1,
    lastPage: isTrue(node.str('LastPgInd')),
  };
}

function balance(node: Cursor, findings: Finding[]): Balance {
  const amount = money(node.req('Amt'));
  const type = node.str('Tp/CdOrPrtry/Cd') ?? node.str('Tp/CdOrPrtry/Prtry') ?? 'UNKNOWN';
  let direction = optionalCreditDebit(node, 'CdtDbtInd');
  if (direction === undefined) {
    // Seen in real files (XSD-invalid): read the balance as a credit, and say so.
    direction = 'CRDT';
    findings.push({
      code: 'balance_direction_missing',
      message: `${type} balance has no CdtDbtInd; read as a credit balance`,
      path: `${node.path}/CdtDbtInd`,
    });
  }
  const subType = node.str('Tp/SubTp/Cd') ?? node.str('Tp/SubTp/Prtry');
  const date = dateOf(node.el('Dt'));
  return {
    type,
    ...(subType === undefined ? {} : { subType }),
    amount,
    creditDebit: direction,
    signedMinor: direction === 'CRDT' ? amount.minor : -amount.minor,
    ...(date === undefined ? {} : { date }),
  };
}

/** Reads a plain decimal (no currency attribute) in the account currency; undefined when unreadable. */
function decimalIn(text: string | undefined, currency: string | undefined): number | undefined {
  if (text === undefined || currency === undefined) return undefined;
  try {
    return parseDecimal(text, currency, { allowNegative: true }).minor;
  } catch {
    return undefined;
  }
}

function count(text: string | undefined): number | undefined {
  return text !== undefined && /^\d+$/.test(text) ? Number(text) : undefined;
}

function summary(node: Cursor | undefined, currency: string | undefined): TransactionsSummary | undefined {
  if (!node) return undefined;
  const net = node.el('TtlNtries')?.el('TtlNetNtry');
  const netAmount = decimalIn(net?.str('Amt') ?? node.str('TtlNtries/TtlNetNtryAmt'), currency);
  const netSign = net?.str('CdtDbtInd') ?? node.str('TtlNtries/CdtDbtInd');
  const result: TransactionsSummary = {};
  const set = <K extends keyof TransactionsSummary>(key: K, value: TransactionsSummary[K] | undefined) => {
    if (value !== undefined) result[key] = value;
  };
  set('count', count(node.str('TtlNtries/NbOfNtries')));
  set('sumMinor', decimalIn(node.str('TtlNtries/Sum'), currency));
  set('netMinor', netAmount === undefined ? undefined : netSign === 'DBIT' ? -netAmount : netAmount);
  set('creditCount', count(node.str('TtlCdtNtries/NbOfNtries')));
  set('creditSumMinor', decimalIn(node.str('TtlCdtNtries/Sum'), currency));
  set('debitCount', count(node.str('TtlDbtNtries/NbOfNtries')));
  set('debitSumMinor', decimalIn(node.str('TtlDbtNtries/Sum'), currency));
  return result;
}

/** Maps a statement/report/notification element except its entries. */
export function mapStatementHeader(
  node: Cursor,
  family: CamtFamily,
  findings: Finding[] = [],
): AccountStatement {
  const account = node.el('Acct');
  const currency = account?.str('Ccy');
  const iban = account?.str('Id/IBAN');
  const otherId = account?.str('Id/Othr/Id');
  const owner = account?.str('Ownr/Nm') ?? account?.str('Ownr/Pty/Nm');
  const servicer = account?.str('Svcr/FinInstnId/BICFI') ?? account?.str('Svcr/FinInstnId/BIC');
  const balances = node.els('Bal').map((b) => balance(b, findings));
  const accountCurrency = currency ?? balances[0]?.amount.currency;
  const transactionsSummary = summary(node.el('TxsSummry'), accountCurrency);
  const page = pagination(node.el('StmtPgntn') ?? node.el('RptPgntn') ?? node.el('NtfctnPgntn'));
  const period = node.el('FrToDt');
  const fields: [keyof AccountStatement, string | undefined][] = [
    ['electronicSequenceNumber', node.str('ElctrncSeqNb')],
    ['legalSequenceNumber', node.str('LglSeqNb')],
    ['createdAt', node.str('CreDtTm')],
    ['from', period?.str('FrDtTm') ?? period?.str('FrDt')],
    ['to', period?.str('ToDtTm') ?? period?.str('ToDt')],
    ['additionalInfo', node.str(STATEMENT_INFO[family])],
  ];
  const statement: AccountStatement = {
    id: node.str('Id') ?? '',
    account: {
      ...(iban === undefined ? {} : { iban }),
      ...(otherId === undefined ? {} : { otherId }),
      ...(currency === undefined ? {} : { currency }),
      ...(owner === undefined ? {} : { ownerName: owner }),
      ...(servicer === undefined ? {} : { servicerBic: servicer }),
    },
    balances,
    entries: [],
  };
  const writable = statement as unknown as Record<string, unknown>;
  for (const [key, value] of fields) if (value !== undefined) writable[key] = value;
  if (transactionsSummary && Object.keys(transactionsSummary).length > 0)
    statement.summary = transactionsSummary;
  if (page) statement.pagination = page;
  return statement;
}

// ---------------------------------------------------------------------------------------------
// Invariants, accumulated while entries stream past

class StatementTotals {
  count = 0;
  sum = 0;
  net = 0;
  creditCount = 0;
  creditSum = 0;
  debitCount = 0;
  debitSum = 0;
  /** Net of booked entries in the account currency (for the balance check). */
  bookedNet = 0;
  foreignCurrency: string | undefined;

  add(entry: Entry, accountCurrency: string | undefined): void {
    this.count++;
    this.sum += entry.amount.minor;
    this.net += entry.signedMinor;
    if (entry.creditDebit === 'CRDT') {
      this.creditCount++;
      this.creditSum += entry.amount.minor;
    } else {
      this.debitCount++;
      this.debitSum += entry.amount.minor;
    }
    if (accountCurrency !== undefined && entry.amount.currency !== accountCurrency) {
      this.foreignCurrency = entry.amount.currency;
    }
    if (entry.status === undefined || entry.status === 'BOOK') this.bookedNet += entry.signedMinor;
  }
}

const OPENING = ['OPBD', 'PRCD'];
const CLOSING = ['CLBD'];

function formatMinorIn(minor: number, currency: string): string {
  const exponent = currencyExponent(currency);
  const negative = minor < 0;
  const digits = String(Math.abs(minor)).padStart(exponent + 1, '0');
  const whole = digits.slice(0, digits.length - exponent);
  return `${negative ? '-' : ''}${whole}${exponent ? `.${digits.slice(digits.length - exponent)}` : ''}`;
}

export function checkStatement(
  statement: AccountStatement,
  totals: StatementTotals,
  family: CamtFamily,
): Finding[] {
  const findings: Finding[] = [];
  const id = statement.id;
  const currency = statement.account.currency ?? statement.balances[0]?.amount.currency ?? 'EUR';
  const add = (code: string, message: string) => findings.push({ code, message, statementId: id });
  const show = (minor: number) => `${formatMinorIn(minor, currency)} ${currency}`;
  if (totals.foreignCurrency !== undefined) {
    add(
      'entry_currency_differs',
      `an entry is in ${totals.foreignCurrency}, the account in ${currency}; balance check skipped`,
    );
  }
  const opening = statement.balances.find((b) => OPENING.includes(b.type) && b.subType === undefined);
  const closing = statement.balances.find((b) => CLOSING.includes(b.type) && b.subType === undefined);
  if (family === 'camt.053' && !opening)
    add('opening_balance_missing', 'statement has no opening balance (OPBD/PRCD)');
  if (family === 'camt.053' && !closing)
    add('closing_balance_missing', 'statement has no closing balance (CLBD)');
  // A statement split over several pages carries its entries on several messages: the balance check
  // only makes sense for a complete statement.
  const paginated =
    statement.pagination !== undefined &&
    (statement.pagination.pageNumber > 1 || !statement.pagination.lastPage);
  if (opening && closing && totals.foreignCurrency === undefined && !paginated) {
    const expected = opening.signedMinor + totals.bookedNet;
    if (expected !== closing.signedMinor) {
      add(
        'balance_mismatch',
        `opening ${show(opening.signedMinor)} + booked entries ${show(totals.bookedNet)} = ${show(expected)}, but closing balance is ${show(closing.signedMinor)}`,
      );
    }
  }
  const s = statement.summary;
  if (s) {
    const compare = (
      code: string,
      label: string,
      stated: number | undefined,
      actual: number,
      money: boolean,
    ) => {
      if (stated !== undefined && stated !== actual) {
        add(
          code,
          `TxsSummry ${label} is ${money ? show(stated) : stated}, entries give ${money ? show(actual) : actual}`,
        );
      }
    };
    compare('summary_count_mismatch', 'number of entries', s.count, totals.count, false);
    compare('summary_sum_mismatch', 'sum of entries', s.sumMinor, totals.sum, true);
    compare('summary_net_mismatch', 'net amount', s.netMinor, totals.net, true);
    compare('summary_credit_count_mismatch', 'number of credits', s.creditCount, totals.creditCount, false);
    compare('summary_credit_sum_mismatch', 'sum of credits', s.creditSumMinor, totals.creditSum, true);
    compare('summary_debit_count_mismatch', 'number of debits', s.debitCount, totals.debitCount, false);
    compare('summary_debit_sum_mismatch', 'sum of debits', s.debitSumMinor, totals.debitSum, true);
  }
  return findings;
}

// ---------------------------------------------------------------------------------------------
// The streaming reader

export interface CamtHeader {
  type: CamtFamily;
  version: string;
  dialect: DetectedMessageType['dialect'];
  messageId: string;
  createdAt: string;
  pagination?: Pagination;
  additionalInfo?: string;
}

export type CamtEvent =
  | { kind: 'header'; header: CamtHeader }
  /** Statement header (account, balances, summary) before its first entry; `entries` is empty. */
  | { kind: 'statement'; statement: AccountStatement }
  | { kind: 'entry'; statementId: string; index: number; entry: Entry }
  | { kind: 'statement-end'; statement: AccountStatement; entryCount: number; findings: Finding[] }
  /** A message-level problem (e.g. missing group header fields). Statement findings come with statement-end. */
  | { kind: 'finding'; finding: Finding };

/** An open element. Frames are pooled per depth; `object` is created on the first attribute or child. */
interface Frame {
  name: string;
  object: XmlObject | undefined;
  text: string;
  hasChildren: boolean;
  hasAttributes: boolean;
}

/** Adds a child value: the first one is stored as is, repeats turn it into an array (the cursor reads both). */
function addChild(object: XmlObject, name: string, value: XmlValue): void {
  const existing = object[name];
  if (existing === undefined) object[name] = value;
  else if (Array.isArray(existing)) existing.push(value);
  else object[name] = [existing, value];
}

const LOCAL_NAMES = new Map<string, string>();
/** The name without its prefix; memoised, so the same (interned) string comes back for every tag. */
function localName(name: string): string {
  let local = LOCAL_NAMES.get(name);
  if (local === undefined) {
    const colon = name.indexOf(':');
    local = colon < 0 ? name : name.slice(colon + 1);
    if (LOCAL_NAMES.size < 10_000) LOCAL_NAMES.set(name, local);
  }
  return local;
}

const ATTRIBUTE_KEYS = new Map<string, string>();
function attributeKey(name: string): string {
  let key = ATTRIBUTE_KEYS.get(name);
  if (key === undefined) {
    key = `@_${localName(name)}`;
    if (ATTRIBUTE_KEYS.size < 10_000) ATTRIBUTE_KEYS.set(name, key);
  }
  return key;
}

/**
 * Builds the tree of open elements from tokens, in fast-xml-parser's shape (local names as keys, `@_` attributes,
 * `#text`, repeats as arrays, leaves as trimmed strings): the statement header, and an entry the capture left to
 * the tree mapping.
 */
class TreeBuilder {
  /** Open elements: `frames[0..depth)`; frames beyond `depth` are kept for reuse. */
  readonly frames: Frame[] = [];
  depth = 0;

  open(tokenizer: XmlTokenizer): void {
    const name = tokenizer.localName;
    let object: XmlObject | undefined;
    let hasAttributes = false;
    for (let k = 0; k < tokenizer.attributeCount; k++) {
      const key = tokenizer.attributeNames[k] as string;
      if (key === 'xmlns' || key.startsWith('xmlns:') || key.startsWith('xsi:')) continue;
      object ??= {};
      object[attributeKey(key)] = tokenizer.attributeValues[k] as string;
      hasAttributes = true;
    }
    const depth = this.depth;
    const parent = depth > 0 ? this.frames[depth - 1] : undefined;
    if (parent && !parent.hasChildren) {
      parent.hasChildren = true;
      parent.object ??= {};
    }
    const frame = this.frames[depth];
    if (frame) {
      frame.name = name;
      frame.object = object;
      frame.text = '';
      frame.hasChildren = false;
      frame.hasAttributes = hasAttributes;
    } else {
      this.frames.push({ name, object, text: '', hasChildren: false, hasAttributes });
    }
    this.depth = depth + 1;
  }

  text(tokenizer: XmlTokenizer, cdata: boolean): void {
    const top = this.depth > 0 ? this.frames[this.depth - 1] : undefined;
    if (!top) return;
    // Whitespace between child elements is irrelevant; skipping it keeps containers cheap. Leading blanks of
    // a leaf are trimmed anyway.
    if (cdata) top.text += tokenizer.text();
    else if (!top.hasChildren && !(tokenizer.blank && top.text === '')) top.text += tokenizer.text();
  }

  /** Closes the innermost element; returns its frame (reused later) and its value. */
  close(): { frame: Frame; value: XmlValue } {
    const frame = this.frames[--this.depth] as Frame;
    const object = frame.object;
    if (frame.hasChildren && object) return { frame, value: object };
    const text = frame.text.trim();
    if (frame.hasAttributes && object) {
      object['#text'] = text;
      return { frame, value: object };
    }
    return { frame, value: text };
  }

  /** The object of the innermost open element, once it has an attribute or a child. */
  parentObject(): XmlObject | undefined {
    return this.depth > 0 ? this.frames[this.depth - 1]?.object : undefined;
  }
}

/** The tree of one element from its bytes (an entry the capture left to the tree mapping). */
function treeOf(bytes: Uint8Array): XmlValue {
  const tokenizer = new XmlTokenizer();
  tokenizer.push(bytes);
  tokenizer.finish();
  const tree = new TreeBuilder();
  let root: XmlValue = '';
  for (;;) {
    const token = tokenizer.next();
    if (token === TOKEN_OPEN) tree.open(tokenizer);
    else if (token === TOKEN_TEXT || token === TOKEN_CDATA) tree.text(tokenizer, token === TOKEN_CDATA);
    else if (token === TOKEN_CLOSE) {
      const { frame, value } = tree.close();
      const parent = tree.parentObject();
      if (parent) addChild(parent, frame.name, value);
      else if (tree.depth === 0) root = value;
    } else return root;
  }
}

/**
 * Push parser: feed text with `write`, then `close`. Events are delivered synchronously to `emit`.
 * Depth 0 = Document, 1 = message element, 2 = GrpHdr / Stmt, 3 = Stmt children (Ntry...).
 */
export class CamtReader {
  private readonly tokenizer = new XmlTokenizer();
  private readonly tree = new TreeBuilder();
  /** The `Ntry` being captured (between its start and end tag), else undefined. */
  private capturing: EntryCapture | undefined;
  private readonly capture = new EntryCapture();
  /** Map every entry through its tree (the reference path; tests compare both). */
  private readonly treeMappingOnly: boolean;
  private detected: DetectedMessageType | undefined;
  private family: CamtFamily | undefined;
  private head = '';
  private readonly headChunks: Uint8Array[] = [];
  private readonly headDecoder = new TextDecoder('utf-8', { fatal: false });
  /** A high surrogate that ended the previous string chunk (its pair is in the next one). */
  private pendingSurrogate = '';
  private bytes = 0;
  private readonly maxBytes: number;
  private readonly expected: CamtFamily | undefined;
  private statementIndex = -1;
  private entryIndex = 0;
  private statementStarted = false;
  private currentStatement: AccountStatement | undefined;
  private totals = new StatementTotals();
  private headerSeen = false;
  private readonly emit: (event: CamtEvent) => void;

  constructor(
    emit: (event: CamtEvent) => void,
    options: ParseOptions & { expect?: CamtFamily; defaultMaxBytes?: number; treeMappingOnly?: boolean } = {},
  ) {
    this.emit = emit;
    this.maxBytes = options.maxBytes ?? options.defaultMaxBytes ?? DEFAULT_STREAM_MAX_BYTES;
    this.expected = options.expect;
    this.treeMappingOnly = options.treeMappingOnly ?? false;
  }

  get messageType(): string {
    return this.detected?.version ?? this.expected ?? 'camt';
  }

  private currentPath(): string {
    const names = this.tree.frames.slice(0, this.tree.depth).map((frame) => frame.name);
    // Inside an entry the tokenizer knows what is open below the statement.
    if (this.capturing) names.push(...this.tokenizer.openElements.slice(this.tree.depth).map(localName));
    return names.join('/');
  }

  /** Feeds a chunk of the document (UTF-8 bytes, or text). */
  write(chunk: string | Uint8Array): this {
    let bytes: Uint8Array;
    if (typeof chunk === 'string') {
      let text = this.pendingSurrogate + chunk;
      this.pendingSurrogate = '';
      const last = text.charCodeAt(text.length - 1);
      if (last >= 0xd800 && last <= 0xdbff) {
        this.pendingSurrogate = text.slice(-1);
        text = text.slice(0, -1);
      }
      bytes = Buffer.from(text, 'utf8');
    } else {
      bytes = chunk;
    }
    this.bytes += bytes.length;
    if (this.bytes > this.maxBytes) {
      throw new UnsafeDocumentError(`document is larger than the limit of ${this.maxBytes} bytes`, {
        messageType: this.messageType,
      });
    }
    if (!this.detected) {
      this.headChunks.push(bytes);
      this.head += this.headDecoder.decode(bytes, { stream: true });
      const root = sniffRoot(this.head);
      if (!root?.messageElement && this.head.length < 65_536) return this;
      this.detect(this.head);
      this.head = '';
      for (const held of this.headChunks.splice(0)) this.feed(held);
      return this;
    }
    this.feed(bytes);
    return this;
  }

  /** Ends the document; throws when it is truncated. */
  close(): void {
    if (this.pendingSurrogate) {
      const lone = this.pendingSurrogate;
      this.pendingSurrogate = '';
      this.write(Buffer.from(lone, 'utf8'));
    }
    if (!this.detected) {
      this.detect(this.head + this.headDecoder.decode());
      this.head = '';
      for (const held of this.headChunks.splice(0)) this.feed(held);
    }
    this.tokenizer.finish();
    this.drain();
    if (this.tree.depth > 0 || this.detected === undefined) {
      throw new Iso20022ParseError('document ended early', {
        messageType: this.messageType,
        path: this.currentPath(),
      });
    }
    if (!this.headerSeen) {
      // XSD-invalid but seen in real files: report it and carry on with an empty header.
      this.emitHeader(
        new Cursor({}, this.messageType, `Document/${MESSAGE_ELEMENT[this.family as CamtFamily]}/GrpHdr`),
      );
    }
  }

  private feed(bytes: Uint8Array): void {
    this.tokenizer.push(bytes);
    this.drain();
  }

  private drain(): void {
    const tokenizer = this.tokenizer;
    const tree = this.tree;
    try {
      for (;;) {
        const capture = this.capturing;
        if (capture) {
          // Inside an entry: the capture takes the tokens up to its end tag.
          if (!capture.run(tokenizer)) return;
          this.capturing = undefined;
          this.endEntry(capture.entry());
          continue;
        }
        const token = tokenizer.next();
        if (token === TOKEN_OPEN) {
          this.open(tokenizer);
        } else if (token === TOKEN_CLOSE) {
          this.close_();
        } else if (token === TOKEN_TEXT || token === TOKEN_CDATA) {
          tree.text(tokenizer, token === TOKEN_CDATA);
        } else if (token === TOKEN_NONE || token === TOKEN_EOF) {
          return;
        }
      }
    } catch (error) {
      if (!(error instanceof XmlSyntaxError)) throw error;
      if (error.doctype) {
        throw new UnsafeDocumentError(error.message, { messageType: this.messageType, cause: error });
      }
      throw new Iso20022ParseError(`not well-formed XML: ${error.message}`, {
        messageType: this.messageType,
        path: this.currentPath(),
        cause: error,
      });
    }
  }

  private detect(head: string): void {
    checkNoDoctype(head, this.expected ?? 'camt');
    const detected = detectMessageType(head);
    if (detected.type !== 'camt.052' && detected.type !== 'camt.053' && detected.type !== 'camt.054') {
      throw new UnknownMessageTypeError(`expected a camt.052/053/054 message but got ${detected.type}`, {
        messageType: detected.version,
        value: detected.namespace || detected.type,
      });
    }
    if (this.expected && detected.type !== this.expected) {
      throw new UnknownMessageTypeError(`expected a ${this.expected} message but got ${detected.type}`, {
        messageType: detected.version,
        value: detected.namespace || detected.type,
      });
    }
    this.detected = detected;
    this.family = detected.type;
  }

  private open(tokenizer: XmlTokenizer): void {
    const name = tokenizer.localName;
    const depth = this.tree.depth;
    const family = this.family as CamtFamily;
    if (depth === 1 && name !== MESSAGE_ELEMENT[family]) {
      throw new Iso20022ParseError(`expected ${MESSAGE_ELEMENT[family]}`, {
        messageType: this.messageType,
        path: this.currentPath(),
        value: name,
      });
    }
    if (depth === 2 && name === STATEMENT_ELEMENT[family]) {
      this.statementIndex++;
      this.entryIndex = 0;
      this.statementStarted = false;
      this.totals = new StatementTotals();
    }
    if (depth === 3 && name === 'Ntry') {
      if (!this.statementStarted) {
        const statementFrame = this.tree.frames[2];
        if (statementFrame) this.startStatement(statementFrame);
      }
      // The statement element now has a child (as if the entry were added to it).
      const statement = this.tree.frames[2] as Frame;
      statement.hasChildren = true;
      statement.object ??= {};
      // Keep the entry's bytes in case the capture leaves it to the tree mapping.
      tokenizer.record();
      this.capture.begin();
      this.capturing = this.capture;
      return;
    }
    this.tree.open(tokenizer);
  }

  private statementPath(): string {
    const family = this.family as CamtFamily;
    return `Document/${MESSAGE_ELEMENT[family]}/${STATEMENT_ELEMENT[family]}[${this.statementIndex}]`;
  }

  private startStatement(frame: Frame): void {
    const family = this.family as CamtFamily;
    this.currentStatement = mapStatementHeader(
      new Cursor(frame.object ?? {}, this.messageType, this.statementPath()),
      family,
    );
    this.statementStarted = true;
    this.emit({ kind: 'statement', statement: this.currentStatement });
  }

  private endEntry(captured: Entry | undefined): void {
    let entry = this.treeMappingOnly ? undefined : captured;
    if (entry === undefined) {
      // The reference path: this entry's tree, mapped by `mapEntry` (which names the element of any error).
      const tree = treeOf(this.tokenizer.recorded());
      entry = mapEntry(
        new Cursor(tree, this.messageType, `${this.statementPath()}/Ntry[${this.entryIndex}]`),
      );
    } else {
      this.tokenizer.stopRecording();
    }
    this.totals.add(
      entry,
      this.currentStatement?.account.currency ?? this.currentStatement?.balances[0]?.amount.currency,
    );
    this.emit({
      kind: 'entry',
      statementId: this.currentStatement?.id ?? '',
      index: this.entryIndex,
      entry,
    });
    this.entryIndex++;
  }

  private close_(): void {
    if (this.tree.depth === 0) return;
    const { frame, value } = this.tree.close();
    const depth = this.tree.depth;
    const parent = this.tree.parentObject();
    const family = this.family as CamtFamily;
    if (parent) addChild(parent, frame.name, value);
    if (depth === 2 && frame.name === 'GrpHdr')
      this.emitHeader(new Cursor(value, this.messageType, `Document/${MESSAGE_ELEMENT[family]}/GrpHdr`));
    if (depth === 2 && frame.name === STATEMENT_ELEMENT[family]) {
      if (!this.statementStarted) this.startStatement(frame);
      // Trailing elements (AddtlStmtInf) arrive after the entries: re-read the header once more.
      const headerFindings: Finding[] = [];
      const statement = mapStatementHeader(
        new Cursor(frame.object ?? {}, this.messageType, this.statementPath()),
        family,
        headerFindings,
      );
      const findings = [
        ...headerFindings.map((finding) => ({ ...finding, statementId: statement.id })),
        ...checkStatement(statement, this.totals, family),
      ];
      this.emit({ kind: 'statement-end', statement, entryCount: this.entryIndex, findings });
      if (parent) delete parent[frame.name];
    }
  }

  private emitHeader(header: Cursor): void {
    const detected = this.detected as DetectedMessageType;
    const page = pagination(header.el('MsgPgntn'));
    const info = header.str('AddtlInf');
    const messageId = header.str('MsgId');
    const createdAt = header.str('CreDtTm');
    this.headerSeen = true;
    for (const [name, value] of [
      ['MsgId', messageId],
      ['CreDtTm', createdAt],
    ] as const) {
      if (value === undefined) {
        this.emit({
          kind: 'finding',
          finding: {
            code: 'header_field_missing',
            message: `group header has no ${name}`,
            path: `${header.path}/${name}`,
          },
        });
      }
    }
    this.emit({
      kind: 'header',
      header: {
        type: detected.type as CamtFamily,
        version: detected.version,
        dialect: detected.dialect,
        messageId: messageId ?? '',
        createdAt: createdAt ?? '',
        ...(page === undefined ? {} : { pagination: page }),
        ...(info === undefined ? {} : { additionalInfo: info }),
      },
    });
  }
}

// ---------------------------------------------------------------------------------------------
// Whole-document parsers

function parseCamt(xml: string, family: CamtFamily | undefined, options: ParseOptions): ParsedCamt {
  let header: CamtHeader | undefined;
  const statements: AccountStatement[] = [];
  const findings: Finding[] = [];
  let current: AccountStatement | undefined;
  const reader = new CamtReader(
    (event) => {
      switch (event.kind) {
        case 'header':
          header = event.header;
          break;
        case 'statement':
          current = event.statement;
          break;
        case 'entry':
          current?.entries.push(event.entry);
          break;
        case 'statement-end':
          statements.push({ ...event.statement, entries: current?.entries ?? [] });
          findings.push(...event.findings);
          current = undefined;
          break;
        case 'finding':
          findings.push(event.finding);
          break;
      }
    },
    { ...options, ...(family === undefined ? {} : { expect: family }), defaultMaxBytes: DEFAULT_MAX_BYTES },
  );
  reader.write(xml).close();
  const h = header as CamtHeader;
  return {
    type: h.type,
    version: h.version,
    messageId: h.messageId,
    createdAt: h.createdAt,
    ...(h.pagination === undefined ? {} : { pagination: h.pagination }),
    ...(h.additionalInfo === undefined ? {} : { additionalInfo: h.additionalInfo }),
    statements,
    findings,
  };
}

/** Parses a camt.053 bank statement (any version .001.02–.001.14). */
export function parseCamt053(xml: string, options: ParseOptions = {}): ParsedCamt {
  return parseCamt(xml, 'camt.053', options);
}

/** Parses a camt.052 account report. */
export function parseCamt052(xml: string, options: ParseOptions = {}): ParsedCamt {
  return parseCamt(xml, 'camt.052', options);
}

/** Parses a camt.054 debit/credit notification. */
export function parseCamt054(xml: string, options: ParseOptions = {}): ParsedCamt {
  return parseCamt(xml, 'camt.054', options);
}

/** Parses any of camt.052/053/054, whichever the document is. */
export function parseCamtAny(xml: string, options: ParseOptions = {}): ParsedCamt {
  return parseCamt(xml, undefined, options);
}

// ---------------------------------------------------------------------------------------------
// Streaming

export type CamtSource =
  | string
  | Buffer
  | Uint8Array
  | Readable
  | AsyncIterable<string | Buffer | Uint8Array>
  | Iterable<string | Buffer | Uint8Array>;

async function* chunksOf(source: CamtSource): AsyncGenerator<string | Uint8Array> {
  if (typeof source === 'string') {
    // The reader keeps a high surrogate split off at a slice boundary for the next slice.
    for (let i = 0; i < source.length; i += 1 << 20) yield source.slice(i, i + (1 << 20));
    return;
  }
  if (source instanceof Uint8Array) {
    yield source;
    return;
  }
  yield* source as AsyncIterable<string | Uint8Array> | Iterable<string | Uint8Array>;
}

/**
 * Async iteration over the items a reader produces from the source's chunks: the next chunk is read only when
 * the consumer has taken every item of the previous one. Hand-written rather than an async generator, whose
 * `yield` costs an extra microtask per item (one per statement entry). Stopping early (`break`) or a parse
 * error closes the source.
 */
class ChunkPump<T> implements AsyncIterableIterator<T> {
  private readonly items: T[];
  private head = 0;
  private readonly chunks: AsyncIterator<string | Uint8Array>;
  private finished = false;
  private readonly write: (chunk: string | Uint8Array) => void;
  private readonly end: () => void;

  constructor(source: CamtSource, items: T[], write: (chunk: string | Uint8Array) => void, end: () => void) {
    this.chunks = chunksOf(source);
    this.items = items;
    this.write = write;
    this.end = end;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  async next(): Promise<IteratorResult<T, undefined>> {
    const items = this.items;
    for (;;) {
      if (this.head < items.length) return { value: items[this.head++] as T, done: false };
      items.length = 0;
      this.head = 0;
      if (this.finished) return { value: undefined, done: true };
      try {
        const step = await this.chunks.next();
        if (step.done) {
          this.finished = true;
          this.end();
        } else {
          this.write(step.value);
        }
      } catch (error) {
        if (!this.finished) {
          this.finished = true;
          await this.chunks.return?.();
        }
        items.length = 0;
        throw error;
      }
    }
  }

  async return(): Promise<IteratorResult<T, undefined>> {
    this.items.length = 0;
    this.head = 0;
    if (!this.finished) {
      this.finished = true;
      await this.chunks.return?.();
    }
    return { value: undefined, done: true };
  }
}

/**
 * Streams a camt.052/053/054 as events (header, statement, entry, statement-end) with bounded memory.
 * Reads the next chunk only when the consumer has taken the events of the previous one.
 */
export function streamCamt(
  source: CamtSource,
  options: ParseOptions & { expect?: CamtFamily } = {},
): AsyncIterableIterator<CamtEvent> {
  const pending: CamtEvent[] = [];
  const reader = new CamtReader((event) => pending.push(event), options);
  return new ChunkPump(
    source,
    pending,
    (chunk) => reader.write(chunk),
    () => reader.close(),
  );
}

/** The entries of a camt.053, one at a time, each with its statement header (balances, account). */
export function streamCamt053Entries(
  source: CamtSource,
  options: ParseOptions = {},
): AsyncIterableIterator<{ statement: AccountStatement; entry: Entry; index: number }> {
  let statement: AccountStatement | undefined;
  const pending: { statement: AccountStatement; entry: Entry; index: number }[] = [];
  const reader = new CamtReader(
    (event) => {
      if (event.kind === 'statement') statement = event.statement;
      else if (event.kind === 'entry' && statement)
        pending.push({ statement, entry: event.entry, index: event.index });
    },
    { ...options, expect: 'camt.053' },
  );
  return new ChunkPump(
    source,
    pending,
    (chunk) => reader.write(chunk),
    () => reader.close(),
  );
}

/** Convenience for `fs.createReadStream` users. */
export function isReadable(value: unknown): value is Readable {
  return value instanceof Readable;
}
