// The hot path of statement reading: one `Ntry` captured straight from tokenizer events and mapped to an
// `Entry`, without building a tree for it.
//
// A fixed schema lists the elements `mapEntry` (camt.ts) reads, by path below `Ntry`. Each element on such a
// path gets a value slot in a flat record (repeating elements such as `TxDtls` or `Ustrd` start a record of
// their own); everything else is skipped without decoding its text. A slot holds what the tree would hold:
// `undefined` (absent), `null` (the element has child elements, so no text of its own) or the trimmed text.
// The mapping below then reads slots instead of walking a tree.
//
// The capture handles the common shape and gives up on anything unusual: a second occurrence of an element
// that is not a list (the tree mapping takes the first one), or whatever `mapEntry` would refuse (missing or
// unreadable amount, bad credit/debit indicator). The reader then rebuilds the tree of that one entry from its
// bytes and runs `mapEntry`, so results and errors are exactly the tree mapping's. A differential test holds
// both paths to the same output.

import { type Money, MoneyError, parseDecimal } from '../domain/money.ts';
import {
  assembleBankTransactionCode,
  assembleCharge,
  assembleEntry,
  assemblePartyAccount,
  assembleTransaction,
  REFERENCE_ELEMENTS,
} from './camt-assemble.ts';
import type {
  BankTransactionCode,
  Charge,
  CreditDebit,
  Entry,
  EntryTransaction,
  PartyAccount,
} from './types.ts';
import {
  nameId,
  TOKEN_CDATA,
  TOKEN_CLOSE,
  TOKEN_OPEN,
  TOKEN_TEXT,
  type XmlToken,
  type XmlTokenizer,
} from './xml-tokenizer.ts';

// ---------------------------------------------------------------------------------------------
// Schema

const LEAF = 1;
const MONEY = 2;
interface ListSpec {
  list: Spec;
}
type Spec = { [name: string]: Spec | ListSpec | typeof LEAF | typeof MONEY };
const list = (spec: Spec): ListSpec => ({ list: spec });

interface SchemaNode {
  /** Value slot in the record this node's values go to (0 for a list node: its own record). */
  readonly slot: number;
  /** Each occurrence starts a new record, kept in the parent record's list `listIndex`. */
  readonly isList: boolean;
  readonly listIndex: number;
  /** Keeps the `Ccy` attribute in `slot + 1`. */
  readonly money: boolean;
  /** Child nodes by the tokenizer's `nameId` of their local name. */
  readonly children: readonly (SchemaNode | undefined)[];
  /** For the root and list nodes: the shape of the record they start. */
  readonly scope: Scope | undefined;
}

/** The layout of one kind of record: slots by path, lists by path. */
class Scope {
  size = 1;
  lists = 0;
  /** `size` undefined slots, set once the schema is compiled. */
  empty: Value[] = [];
  readonly slots = new Map<string, number>();
  readonly listScopes = new Map<string, { index: number; scope: Scope }>();

  slot(path: string): number {
    const slot = this.slots.get(path);
    if (slot === undefined) throw new Error(`camt entry schema has no ${path}`);
    return slot;
  }

  list(path: string): { index: number; scope: Scope } {
    const found = this.listScopes.get(path);
    if (!found) throw new Error(`camt entry schema has no list ${path}`);
    return found;
  }
}

function compile(spec: Spec, scope: Scope, prefix: string): (SchemaNode | undefined)[] {
  const children: (SchemaNode | undefined)[] = [];
  for (const [name, child] of Object.entries(spec)) {
    const path = prefix === '' ? name : `${prefix}/${name}`;
    if (typeof child === 'object' && 'list' in child) {
      const own = new Scope();
      own.empty = [undefined];
      const index = scope.lists++;
      scope.listScopes.set(path, { index, scope: own });
      setChild(children, name, {
        slot: 0,
        isList: true,
        listIndex: index,
        money: false,
        children: compile(child.list as Spec, own, ''),
        scope: own,
      });
      continue;
    }
    const slot = scope.size;
    scope.size += child === MONEY ? 2 : 1;
    scope.empty = new Array<Value>(scope.size).fill(undefined);
    scope.slots.set(path, slot);
    setChild(children, name, {
      slot,
      isList: false,
      listIndex: -1,
      money: child === MONEY,
      children: typeof child === 'object' ? compile(child as Spec, scope, path) : NO_CHILDREN,
      scope: undefined,
    });
  }
  return children;
}

const NO_CHILDREN: (SchemaNode | undefined)[] = [];

function setChild(children: (SchemaNode | undefined)[], name: string, node: SchemaNode): void {
  const id = nameId(name);
  if (id < 0) throw new Error('camt entry schema: element name registry is full');
  while (children.length <= id) children.push(undefined);
  children[id] = node;
}

const BANK_TRANSACTION_CODE: Spec = {
  Domn: { Cd: LEAF, Fmly: { Cd: LEAF, SubFmlyCd: LEAF } },
  Prtry: { Cd: LEAF, Issr: LEAF },
};
// A charge record: `Chrgs` itself in .001.02, each `Chrgs/Rcrd` from .001.04 on. Listed first in both scopes,
// so its fields have the same slots in either.
const CHARGE: Spec = {
  Amt: MONEY,
  CdtDbtInd: LEAF,
  Tp: { Cd: LEAF, Prtry: { Id: LEAF } },
  ChrgInclInd: LEAF,
};
const PARTY: Spec = { Nm: LEAF, Pty: { Nm: LEAF }, Agt: { FinInstnId: { Nm: LEAF } } };
const ACCOUNT: Spec = { Id: { IBAN: LEAF, Othr: { Id: LEAF } } };
const AGENT: Spec = { FinInstnId: { BICFI: LEAF, BIC: LEAF } };
const TRANSACTION: Spec = {
  Refs: {
    EndToEndId: LEAF,
    InstrId: LEAF,
    MsgId: LEAF,
    PmtInfId: LEAF,
    AcctSvcrRef: LEAF,
    TxId: LEAF,
    MndtId: LEAF,
    UETR: LEAF,
  },
  Amt: MONEY,
  AmtDtls: { TxAmt: { Amt: MONEY }, InstdAmt: { Amt: MONEY } },
  CdtDbtInd: LEAF,
  RltdPties: {
    Dbtr: PARTY,
    DbtrAcct: ACCOUNT,
    Cdtr: PARTY,
    CdtrAcct: ACCOUNT,
    UltmtDbtr: PARTY,
    UltmtCdtr: PARTY,
  },
  RltdAgts: { DbtrAgt: AGENT, CdtrAgt: AGENT },
  BkTxCd: BANK_TRANSACTION_CODE,
  RtrInf: { Rsn: { Cd: LEAF, Prtry: LEAF } },
  AddtlTxInf: LEAF,
  RmtInf: { Strd: list({ CdtrRefInf: list({ Ref: LEAF }) }), Ustrd: list({}) },
};
const ENTRY: Spec = {
  NtryRef: LEAF,
  Amt: MONEY,
  CdtDbtInd: LEAF,
  RvslInd: LEAF,
  Sts: { Cd: LEAF, Prtry: LEAF },
  BookgDt: { Dt: LEAF, DtTm: LEAF },
  ValDt: { Dt: LEAF, DtTm: LEAF },
  AcctSvcrRef: LEAF,
  BkTxCd: BANK_TRANSACTION_CODE,
  Chrgs: list({ ...CHARGE, Rcrd: list(CHARGE) }),
  AddtlNtryInf: LEAF,
  NtryDtls: list({ Btch: { NbOfTxs: LEAF }, TxDtls: list(TRANSACTION) }),
};

const ENTRY_SCOPE = new Scope();
const ROOT: SchemaNode = {
  slot: 0,
  isList: false,
  listIndex: -1,
  money: false,
  children: compile(ENTRY, ENTRY_SCOPE, ''),
  scope: ENTRY_SCOPE,
};

// ---------------------------------------------------------------------------------------------
// Capture

type Value = string | null | undefined;

/** The captured values of one element that starts a record (the entry, a `TxDtls`, a `Ustrd` ...). */
interface CapturedRecord {
  readonly values: Value[];
  readonly lists: CapturedRecord[][];
}

function newRecord(scope: Scope): CapturedRecord {
  const lists: CapturedRecord[][] = [];
  for (let k = 0; k < scope.lists; k++) lists.push([]);
  // Copying a packed template is cheaper than filling a new array.
  return { values: scope.empty.slice(), lists };
}

const NO_RECORDS: CapturedRecord[] = [];

/** `text.trim()`, without the call when both ends are visible ASCII (most values). */
function trimmed(text: string): string {
  const length = text.length;
  if (length === 0) return text;
  const first = text.charCodeAt(0);
  const last = text.charCodeAt(length - 1);
  return first > 0x20 && first < 0x7f && last > 0x20 && last < 0x7f ? text : text.trim();
}

function isNamespaceAttribute(name: string): boolean {
  return name === 'xmlns' || name.startsWith('xmlns:') || name.startsWith('xsi:');
}

/**
 * Captures one `Ntry` from the tokens after its start tag, across as many chunks as it takes. `begin` after the
 * start tag, then `run` with each drained tokenizer until it returns true (the entry element closed).
 */
export class EntryCapture {
  // Open elements below and including `Ntry`, as parallel arrays reused from entry to entry.
  private readonly nodes: (SchemaNode | null)[] = [];
  private readonly records: CapturedRecord[] = [];
  private readonly texts: string[] = [];
  private readonly hasChildren: boolean[] = [];
  private depth = 0;
  private root: CapturedRecord = newRecord(ENTRY_SCOPE);
  /** Something the capture does not reproduce exactly: the reader falls back to the tree mapping. */
  private gaveUp = false;

  begin(): void {
    this.root = newRecord(ENTRY_SCOPE);
    this.gaveUp = false;
    this.nodes[0] = ROOT;
    this.records[0] = this.root;
    this.texts[0] = '';
    this.hasChildren[0] = false;
    this.depth = 1;
  }

  /** Consumes tokens; true once the entry element has closed, false when the tokenizer needs more input. */
  run(tokenizer: XmlTokenizer): boolean {
    for (;;) {
      const token: XmlToken = tokenizer.next();
      if (token === TOKEN_OPEN) {
        this.open(tokenizer);
      } else if (token === TOKEN_CLOSE) {
        if (this.close()) return true;
      } else if (token === TOKEN_TEXT || token === TOKEN_CDATA) {
        const d = this.depth - 1;
        // Text of an element that has child elements is dropped (as in the tree); leading blanks are trimmed.
        if (
          this.nodes[d] !== null &&
          !this.hasChildren[d] &&
          !(token === TOKEN_TEXT && tokenizer.blank && this.texts[d] === '')
        ) {
          this.texts[d] += tokenizer.text();
        }
      } else {
        return false;
      }
    }
  }

  private open(tokenizer: XmlTokenizer): void {
    const d = this.depth;
    const parent = this.nodes[d - 1] as SchemaNode | null;
    this.hasChildren[d - 1] = true;
    this.texts[d] = '';
    this.hasChildren[d] = false;
    this.depth = d + 1;
    const id = tokenizer.localId;
    const node =
      parent === null || this.gaveUp || id < 0 || id >= parent.children.length
        ? undefined
        : parent.children[id];
    if (node === undefined) {
      this.nodes[d] = null;
      return;
    }
    const parentRecord = this.records[d - 1] as CapturedRecord;
    let record = parentRecord;
    if (node.isList) {
      record = newRecord(node.scope as Scope);
      (parentRecord.lists[node.listIndex] as CapturedRecord[]).push(record);
    } else if (record.values[node.slot] !== undefined) {
      // A repeated single element: the tree mapping reads the first one. Leave this entry to it.
      this.gaveUp = true;
      this.nodes[d] = null;
      return;
    }
    record.values[node.slot] = null;
    if (node.money) {
      let currency: string | undefined;
      for (let k = 0; k < tokenizer.attributeCount; k++) {
        const name = tokenizer.attributeNames[k] as string;
        if (isNamespaceAttribute(name)) continue;
        const colon = name.indexOf(':');
        if ((colon < 0 ? name : name.slice(colon + 1)) === 'Ccy') currency = tokenizer.attributeValues[k];
      }
      record.values[node.slot + 1] = currency;
    }
    this.nodes[d] = node;
    this.records[d] = record;
  }

  private close(): boolean {
    const d = --this.depth;
    const node = this.nodes[d];
    if (node !== null && node !== undefined && !this.gaveUp) {
      (this.records[d] as CapturedRecord).values[node.slot] = this.hasChildren[d]
        ? null
        : trimmed(this.texts[d] as string);
    }
    return d === 0;
  }

  /** The entry, or undefined when the tree mapping has to take it (unusual shape, or an error to report). */
  entry(): Entry | undefined {
    if (this.gaveUp) return undefined;
    try {
      return entryOf(this.root);
    } catch (error) {
      if (error === GIVE_UP) return undefined;
      throw error;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Mapping: `mapEntry` of camt.ts over slots. Same fields, same key order, same rules.

/** Thrown where `mapEntry` would throw; the reader then runs it on the tree for the error and its path. */
const GIVE_UP = new Error('camt entry capture: use the tree mapping');

function str(record: CapturedRecord, slot: number): string | undefined {
  const value = record.values[slot];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function text(record: CapturedRecord, slot: number): string {
  const value = record.values[slot];
  return typeof value === 'string' ? value : '';
}

function present(record: CapturedRecord, slot: number): boolean {
  return record.values[slot] !== undefined;
}

function money(record: CapturedRecord, slot: number): Money {
  try {
    return parseDecimal(text(record, slot), (record.values[slot + 1] as string | undefined) ?? '');
  } catch (error) {
    if (error instanceof MoneyError) throw GIVE_UP;
    throw error;
  }
}

function creditDebitOf(record: CapturedRecord, slot: number): CreditDebit | undefined {
  const value = str(record, slot);
  return value === 'CRDT' || value === 'DBIT' ? value : undefined;
}

function isDigits(value: string): boolean {
  if (value.length === 0) return false;
  for (let k = 0; k < value.length; k++) {
    const c = value.charCodeAt(k);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/** Slots of a `BkTxCd` below `prefix` in a scope. */
function codeSlots(scope: Scope, prefix: string): number[] {
  return ['Domn/Cd', 'Domn/Fmly/Cd', 'Domn/Fmly/SubFmlyCd', 'Prtry/Cd', 'Prtry/Issr'].map((path) =>
    scope.slot(`${prefix}/${path}`),
  );
}

function codeOf(record: CapturedRecord, slots: number[]): BankTransactionCode | undefined {
  return assembleBankTransactionCode(
    str(record, slots[0] as number),
    str(record, slots[1] as number),
    str(record, slots[2] as number),
    str(record, slots[3] as number),
    str(record, slots[4] as number),
  );
}

function partySlots(scope: Scope, prefix: string): [number, number, number] {
  return [
    scope.slot(`${prefix}/Nm`),
    scope.slot(`${prefix}/Pty/Nm`),
    scope.slot(`${prefix}/Agt/FinInstnId/Nm`),
  ];
}

function partyName(record: CapturedRecord, slots: [number, number, number]): string | undefined {
  return str(record, slots[0]) ?? str(record, slots[1]) ?? str(record, slots[2]);
}

// Entry scope
const E = {
  amount: ENTRY_SCOPE.slot('Amt'),
  creditDebit: ENTRY_SCOPE.slot('CdtDbtInd'),
  reversal: ENTRY_SCOPE.slot('RvslInd'),
  status: ENTRY_SCOPE.slot('Sts'),
  statusCode: ENTRY_SCOPE.slot('Sts/Cd'),
  statusProprietary: ENTRY_SCOPE.slot('Sts/Prtry'),
  booking: ENTRY_SCOPE.slot('BookgDt'),
  bookingDate: ENTRY_SCOPE.slot('BookgDt/Dt'),
  bookingDateTime: ENTRY_SCOPE.slot('BookgDt/DtTm'),
  value: ENTRY_SCOPE.slot('ValDt'),
  valueDate: ENTRY_SCOPE.slot('ValDt/Dt'),
  valueDateTime: ENTRY_SCOPE.slot('ValDt/DtTm'),
  entryReference: ENTRY_SCOPE.slot('NtryRef'),
  servicerReference: ENTRY_SCOPE.slot('AcctSvcrRef'),
  code: codeSlots(ENTRY_SCOPE, 'BkTxCd'),
  additional: ENTRY_SCOPE.slot('AddtlNtryInf'),
  charges: ENTRY_SCOPE.list('Chrgs'),
  details: ENTRY_SCOPE.list('NtryDtls'),
};
const CHARGES_SCOPE = E.charges.scope;
const RECORDS = CHARGES_SCOPE.list('Rcrd');
const C = {
  amount: CHARGES_SCOPE.slot('Amt'),
  creditDebit: CHARGES_SCOPE.slot('CdtDbtInd'),
  type: CHARGES_SCOPE.slot('Tp'),
  typeCode: CHARGES_SCOPE.slot('Tp/Cd'),
  typeProprietary: CHARGES_SCOPE.slot('Tp/Prtry/Id'),
  included: CHARGES_SCOPE.slot('ChrgInclInd'),
};
for (const [path, slot] of CHARGES_SCOPE.slots) {
  if (RECORDS.scope.slots.has(path) && RECORDS.scope.slot(path) !== slot)
    throw new Error(`camt entry schema: charge field ${path} has different slots`);
}
const DETAILS_SCOPE = E.details.scope;
const D = {
  batchCount: DETAILS_SCOPE.slot('Btch/NbOfTxs'),
  transactions: DETAILS_SCOPE.list('TxDtls'),
};
const TX_SCOPE = D.transactions.scope;
// `Refs` slots in `REFERENCE_ELEMENTS` order.
const REFERENCE_SLOTS = REFERENCE_ELEMENTS.map(([, name]) => TX_SCOPE.slot(`Refs/${name}`));
const STRUCTURED = TX_SCOPE.list('RmtInf/Strd');
const T = {
  amount: TX_SCOPE.slot('Amt'),
  detailAmount: TX_SCOPE.slot('AmtDtls/TxAmt/Amt'),
  instructed: TX_SCOPE.slot('AmtDtls/InstdAmt/Amt'),
  creditDebit: TX_SCOPE.slot('CdtDbtInd'),
  debtor: partySlots(TX_SCOPE, 'RltdPties/Dbtr'),
  debtorIban: TX_SCOPE.slot('RltdPties/DbtrAcct/Id/IBAN'),
  debtorOther: TX_SCOPE.slot('RltdPties/DbtrAcct/Id/Othr/Id'),
  debtorBicfi: TX_SCOPE.slot('RltdAgts/DbtrAgt/FinInstnId/BICFI'),
  debtorBic: TX_SCOPE.slot('RltdAgts/DbtrAgt/FinInstnId/BIC'),
  creditor: partySlots(TX_SCOPE, 'RltdPties/Cdtr'),
  creditorIban: TX_SCOPE.slot('RltdPties/CdtrAcct/Id/IBAN'),
  creditorOther: TX_SCOPE.slot('RltdPties/CdtrAcct/Id/Othr/Id'),
  creditorBicfi: TX_SCOPE.slot('RltdAgts/CdtrAgt/FinInstnId/BICFI'),
  creditorBic: TX_SCOPE.slot('RltdAgts/CdtrAgt/FinInstnId/BIC'),
  ultimateDebtor: partySlots(TX_SCOPE, 'RltdPties/UltmtDbtr'),
  ultimateCreditor: partySlots(TX_SCOPE, 'RltdPties/UltmtCdtr'),
  code: codeSlots(TX_SCOPE, 'BkTxCd'),
  reasonCode: TX_SCOPE.slot('RtrInf/Rsn/Cd'),
  reasonProprietary: TX_SCOPE.slot('RtrInf/Rsn/Prtry'),
  additional: TX_SCOPE.slot('AddtlTxInf'),
  structured: STRUCTURED.index,
  references: STRUCTURED.scope.list('CdtrRefInf').index,
  reference: STRUCTURED.scope.list('CdtrRefInf').scope.slot('Ref'),
  unstructured: TX_SCOPE.list('RmtInf/Ustrd').index,
};

function partyAccount(
  tx: CapturedRecord,
  name: string | undefined,
  ibanSlot: number,
  otherSlot: number,
  bicfiSlot: number,
  bicSlot: number,
): PartyAccount | undefined {
  return assemblePartyAccount(
    name,
    str(tx, ibanSlot),
    str(tx, otherSlot),
    str(tx, bicfiSlot) ?? str(tx, bicSlot),
  );
}

function transaction(tx: CapturedRecord): EntryTransaction {
  const amountSlot = present(tx, T.amount) ? T.amount : present(tx, T.detailAmount) ? T.detailAmount : -1;
  const direction = creditDebitOf(tx, T.creditDebit);
  const debtor = partyAccount(
    tx,
    partyName(tx, T.debtor),
    T.debtorIban,
    T.debtorOther,
    T.debtorBicfi,
    T.debtorBic,
  );
  const creditor = partyAccount(
    tx,
    partyName(tx, T.creditor),
    T.creditorIban,
    T.creditorOther,
    T.creditorBicfi,
    T.creditorBic,
  );
  const ultimateDebtor = partyName(tx, T.ultimateDebtor);
  const ultimateCreditor = partyName(tx, T.ultimateCreditor);
  const code = codeOf(tx, T.code);
  const returnReason = str(tx, T.reasonCode) ?? str(tx, T.reasonProprietary);
  const additional = str(tx, T.additional);
  const structured: string[] = [];
  for (const block of tx.lists[T.structured] ?? NO_RECORDS) {
    for (const info of block.lists[T.references] ?? NO_RECORDS) {
      const reference = str(info, T.reference);
      if (reference !== undefined) structured.push(reference);
    }
  }
  const unstructured: string[] = [];
  for (const line of tx.lists[T.unstructured] ?? NO_RECORDS) {
    const value = text(line, 0);
    if (value !== '') unstructured.push(value);
  }
  return assembleTransaction(
    structured,
    unstructured,
    REFERENCE_SLOTS.map((slot) => str(tx, slot)),
    {
      amount: amountSlot >= 0 ? money(tx, amountSlot) : undefined,
      creditDebit: direction,
      instructedAmount: present(tx, T.instructed) ? money(tx, T.instructed) : undefined,
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

function charges(entry: CapturedRecord): Charge[] {
  const out: Charge[] = [];
  for (const block of entry.lists[E.charges.index] ?? NO_RECORDS) {
    const nested = block.lists[RECORDS.index] ?? NO_RECORDS;
    const records = nested.length > 0 ? nested : present(block, C.amount) ? [block] : NO_RECORDS;
    for (const record of records) {
      if (!present(record, C.amount)) continue;
      const direction = creditDebitOf(record, C.creditDebit);
      const type = str(record, C.typeCode) ?? str(record, C.typeProprietary) ?? str(record, C.type);
      const included = str(record, C.included);
      out.push(assembleCharge(money(record, C.amount), direction, type, included));
    }
  }
  return out;
}

function dateOf(record: CapturedRecord, own: number, date: number, dateTime: number): string | undefined {
  if (!present(record, own)) return undefined;
  return str(record, date) ?? str(record, dateTime) ?? (text(record, own) || undefined);
}

function entryOf(entry: CapturedRecord): Entry {
  if (!present(entry, E.amount)) throw GIVE_UP;
  const amount = money(entry, E.amount);
  const direction = creditDebitOf(entry, E.creditDebit);
  if (direction === undefined) throw GIVE_UP;
  const status = str(entry, E.statusCode) ?? str(entry, E.statusProprietary) ?? str(entry, E.status);
  const bookingDate = dateOf(entry, E.booking, E.bookingDate, E.bookingDateTime);
  const valueDate = dateOf(entry, E.value, E.valueDate, E.valueDateTime);
  const entryReference = str(entry, E.entryReference);
  const servicerReference = str(entry, E.servicerReference);
  const code = codeOf(entry, E.code);
  const additional = str(entry, E.additional);
  let batchCount: number | undefined;
  const transactions: EntryTransaction[] = [];
  for (const details of entry.lists[E.details.index] ?? NO_RECORDS) {
    const count = str(details, D.batchCount);
    if (count !== undefined && isDigits(count)) batchCount = (batchCount ?? 0) + Number(count);
    for (const tx of details.lists[D.transactions.index] ?? NO_RECORDS) transactions.push(transaction(tx));
  }
  return assembleEntry({
    entryReference,
    amount,
    creditDebit: direction,
    reversal: str(entry, E.reversal),
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
