// Allocation-light mapping of one `Ntry` tree (the hot path of statement streaming). Mirrors `mapEntry` in
// `camt.ts` exactly, reading the raw tree instead of going through `Cursor` (no cursor objects, no path
// splitting, no closures). Whenever the slow mapping would throw (missing or malformed amount, bad
// credit/debit indicator) this returns `undefined` and the caller runs `mapEntry`, which produces the error
// with its element path.

import { type Money, MoneyError, parseDecimal } from '../domain/money.ts';
import type {
  BankTransactionCode,
  Charge,
  CreditDebit,
  Entry,
  EntryTransaction,
  PartyAccount,
} from './types.ts';
import type { XmlObject, XmlValue } from './xml.ts';

type Node = XmlValue | undefined;

/** First child element with that name (like `Cursor.el`), undefined when missing or not an element. */
function child(node: Node, name: string): Node {
  if (typeof node !== 'object' || Array.isArray(node)) return undefined;
  const value = (node as XmlObject)[name];
  return Array.isArray(value) ? value[0] : value;
}

const NO_CHILDREN: XmlValue[] = [];

/** All child elements with that name (like `Cursor.els`). */
function children(node: Node, name: string): XmlValue[] {
  if (typeof node !== 'object' || Array.isArray(node)) return NO_CHILDREN;
  const value = (node as XmlObject)[name];
  if (value === undefined) return NO_CHILDREN;
  return Array.isArray(value) ? value : [value];
}

/** Text of an element ('' for empty elements), like `Cursor.text`. */
function textOf(node: Node): string {
  if (typeof node === 'string') return node;
  if (typeof node === 'object' && !Array.isArray(node)) {
    const text = (node as XmlObject)['#text'];
    return typeof text === 'string' ? text : '';
  }
  return '';
}

/** Non-empty text of an element, like `Cursor.str` at the end of its path. */
function strOf(node: Node): string | undefined {
  const text =
    typeof node === 'string'
      ? node
      : typeof node === 'object' && !Array.isArray(node)
        ? (node as XmlObject)['#text']
        : undefined;
  return typeof text === 'string' && text !== '' ? text : undefined;
}

function str1(node: Node, a: string): string | undefined {
  return strOf(child(node, a));
}
function str2(node: Node, a: string, b: string): string | undefined {
  return strOf(child(child(node, a), b));
}
function str3(node: Node, a: string, b: string, c: string): string | undefined {
  return strOf(child(child(child(node, a), b), c));
}

/** Thrown inside the fast path where `mapEntry` would throw; never escapes `mapEntryFast`. */
const FALLBACK = new Error('fallback');

function moneyOf(node: Node): Money {
  let currency = '';
  if (typeof node === 'object' && !Array.isArray(node)) {
    const value = (node as XmlObject)['@_Ccy'];
    if (typeof value === 'string') currency = value;
  }
  try {
    return parseDecimal(textOf(node), currency);
  } catch (error) {
    if (error instanceof MoneyError) throw FALLBACK;
    throw error;
  }
}

function optionalCreditDebit(node: Node): CreditDebit | undefined {
  const value = str1(node, 'CdtDbtInd');
  return value === 'CRDT' || value === 'DBIT' ? value : undefined;
}

function isTrue(value: string | undefined): boolean {
  return value === 'true' || value === '1';
}

function dateOf(node: Node): string | undefined {
  if (node === undefined) return undefined;
  return str1(node, 'Dt') ?? str1(node, 'DtTm') ?? (textOf(node) || undefined);
}

function bankTransactionCode(node: Node): BankTransactionCode | undefined {
  if (node === undefined) return undefined;
  const domainNode = child(node, 'Domn');
  const domain = str1(domainNode, 'Cd');
  const familyNode = child(domainNode, 'Fmly');
  const family = str1(familyNode, 'Cd');
  const subFamily = str1(familyNode, 'SubFmlyCd');
  const proprietaryNode = child(node, 'Prtry');
  const proprietaryCode = str1(proprietaryNode, 'Cd');
  const issuer = str1(proprietaryNode, 'Issr');
  return assembleBankTransactionCode(domain, family, subFamily, proprietaryCode, issuer);
}

/** The code from its parts (both camt readers), or undefined when none is given. Assigned one by one, not
 * spread: this runs for every entry and transaction of a statement. */
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

function has(node: Node, name: string): boolean {
  return children(node, name).length > 0;
}

function charges(entry: Node): Charge[] {
  const out: Charge[] = [];
  for (const block of children(entry, 'Chrgs')) {
    const records = has(block, 'Rcrd') ? children(block, 'Rcrd') : has(block, 'Amt') ? [block] : NO_CHILDREN;
    for (const record of records) {
      const amount = child(record, 'Amt');
      if (amount === undefined) continue;
      const direction = optionalCreditDebit(record);
      const type = str2(record, 'Tp', 'Cd') ?? str3(record, 'Tp', 'Prtry', 'Id') ?? str1(record, 'Tp');
      const included = str1(record, 'ChrgInclInd');
      const charge: Charge = { amount: moneyOf(amount) };
      if (direction !== undefined) charge.creditDebit = direction;
      if (type !== undefined) charge.type = type;
      if (included !== undefined) charge.includedInEntryAmount = isTrue(included);
      out.push(charge);
    }
  }
  return out;
}

function partyName(node: Node): string | undefined {
  if (node === undefined) return undefined;
  return str1(node, 'Nm') ?? str2(node, 'Pty', 'Nm') ?? str3(node, 'Agt', 'FinInstnId', 'Nm');
}

function partyAccount(parties: Node, agents: Node, role: 'Dbtr' | 'Cdtr'): PartyAccount | undefined {
  const debtor = role === 'Dbtr';
  const name = partyName(child(parties, role));
  const account = child(parties, debtor ? 'DbtrAcct' : 'CdtrAcct');
  const accountId = child(account, 'Id');
  const iban = str1(accountId, 'IBAN');
  const otherId = str2(accountId, 'Othr', 'Id');
  const institution = child(child(agents, debtor ? 'DbtrAgt' : 'CdtrAgt'), 'FinInstnId');
  const bic = str1(institution, 'BICFI') ?? str1(institution, 'BIC');
  if (name === undefined && iban === undefined && otherId === undefined && bic === undefined)
    return undefined;
  const party: PartyAccount = {};
  if (name !== undefined) party.name = name;
  if (iban !== undefined) party.iban = iban;
  if (otherId !== undefined) party.otherId = otherId;
  if (bic !== undefined) party.bic = bic;
  return party;
}

function transaction(tx: Node): EntryTransaction {
  const refs = child(tx, 'Refs');
  const parties = child(tx, 'RltdPties');
  const agents = child(tx, 'RltdAgts');
  const remittance = child(tx, 'RmtInf');
  const amountDetails = child(tx, 'AmtDtls');
  const amountNode = child(tx, 'Amt') ?? child(child(amountDetails, 'TxAmt'), 'Amt');
  const instructed = child(child(amountDetails, 'InstdAmt'), 'Amt');
  const direction = optionalCreditDebit(tx);
  const debtor = partyAccount(parties, agents, 'Dbtr');
  const creditor = partyAccount(parties, agents, 'Cdtr');
  const ultimateDebtor = partyName(child(parties, 'UltmtDbtr'));
  const ultimateCreditor = partyName(child(parties, 'UltmtCdtr'));
  const code = bankTransactionCode(child(tx, 'BkTxCd'));
  const reason = child(child(tx, 'RtrInf'), 'Rsn');
  const returnReason = str1(reason, 'Cd') ?? str1(reason, 'Prtry');
  const additional = str1(tx, 'AddtlTxInf');
  const structured: string[] = [];
  for (const block of children(remittance, 'Strd')) {
    for (const info of children(block, 'CdtrRefInf')) {
      const reference = str1(info, 'Ref');
      if (reference !== undefined) structured.push(reference);
    }
  }
  const unstructured: string[] = [];
  for (const line of children(remittance, 'Ustrd')) {
    const text = textOf(line);
    if (text !== '') unstructured.push(text);
  }
  const result: EntryTransaction = { remittance: { structured, unstructured } };
  if (refs !== undefined) {
    let value = str1(refs, 'EndToEndId');
    if (value !== undefined && value !== 'NOTPROVIDED') result.endToEndId = value;
    value = str1(refs, 'InstrId');
    if (value !== undefined && value !== 'NOTPROVIDED') result.instructionId = value;
    value = str1(refs, 'MsgId');
    if (value !== undefined && value !== 'NOTPROVIDED') result.messageId = value;
    value = str1(refs, 'PmtInfId');
    if (value !== undefined && value !== 'NOTPROVIDED') result.paymentInformationId = value;
    value = str1(refs, 'AcctSvcrRef');
    if (value !== undefined && value !== 'NOTPROVIDED') result.accountServicerReference = value;
    value = str1(refs, 'TxId');
    if (value !== undefined && value !== 'NOTPROVIDED') result.transactionId = value;
    value = str1(refs, 'MndtId');
    if (value !== undefined && value !== 'NOTPROVIDED') result.mandateId = value;
    value = str1(refs, 'UETR');
    if (value !== undefined && value !== 'NOTPROVIDED') result.uetr = value;
  }
  if (amountNode !== undefined) result.amount = moneyOf(amountNode);
  if (direction) result.creditDebit = direction;
  if (instructed !== undefined) result.instructedAmount = moneyOf(instructed);
  if (debtor) result.debtor = debtor;
  if (creditor) result.creditor = creditor;
  if (ultimateDebtor !== undefined) result.ultimateDebtor = ultimateDebtor;
  if (ultimateCreditor !== undefined) result.ultimateCreditor = ultimateCreditor;
  if (code) result.bankTransactionCode = code;
  if (returnReason !== undefined) result.returnReason = returnReason;
  if (additional !== undefined) result.additionalInfo = additional;
  return result;
}

function isDigits(text: string): boolean {
  if (text.length === 0) return false;
  for (let k = 0; k < text.length; k++) {
    const c = text.charCodeAt(k);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

function mapEntryOrThrow(entry: XmlValue): Entry {
  const amountNode = child(entry, 'Amt');
  if (amountNode === undefined) throw FALLBACK;
  const amount = moneyOf(amountNode);
  const direction = str1(entry, 'CdtDbtInd');
  if (direction !== 'CRDT' && direction !== 'DBIT') throw FALLBACK;
  const statusNode = child(entry, 'Sts');
  const status = str1(statusNode, 'Cd') ?? str1(statusNode, 'Prtry') ?? strOf(statusNode);
  const bookingDate = dateOf(child(entry, 'BookgDt'));
  const valueDate = dateOf(child(entry, 'ValDt'));
  const entryReference = str1(entry, 'NtryRef');
  const servicerReference = str1(entry, 'AcctSvcrRef');
  const code = bankTransactionCode(child(entry, 'BkTxCd'));
  const additional = str1(entry, 'AddtlNtryInf');
  let batchCount: number | undefined;
  const transactions: EntryTransaction[] = [];
  for (const details of children(entry, 'NtryDtls')) {
    const count = str2(details, 'Btch', 'NbOfTxs');
    if (count !== undefined && isDigits(count)) batchCount = (batchCount ?? 0) + Number(count);
    for (const tx of children(details, 'TxDtls')) transactions.push(transaction(tx));
  }
  const result = {} as Entry;
  if (entryReference !== undefined) result.entryReference = entryReference;
  result.amount = amount;
  result.creditDebit = direction;
  result.signedMinor = direction === 'CRDT' ? amount.minor : -amount.minor;
  result.reversal = isTrue(str1(entry, 'RvslInd'));
  if (status !== undefined) result.status = status;
  if (bookingDate !== undefined) result.bookingDate = bookingDate;
  if (valueDate !== undefined) result.valueDate = valueDate;
  if (servicerReference !== undefined) result.accountServicerReference = servicerReference;
  if (code !== undefined) result.bankTransactionCode = code;
  result.charges = charges(entry);
  if (additional !== undefined) result.additionalInfo = additional;
  if (batchCount !== undefined) result.batchTransactionCount = batchCount;
  result.transactions = transactions;
  return result;
}

/** Maps one `Ntry` tree like `mapEntry`; undefined where `mapEntry` would throw (call it for the error). */
export function mapEntryFast(entry: XmlValue): Entry | undefined {
  try {
    return mapEntryOrThrow(entry);
  } catch (error) {
    if (error === FALLBACK) return undefined;
    throw error;
  }
}
