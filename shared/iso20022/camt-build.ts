// camt.053.001.02 and camt.054.001.02 builders for the bank simulator: XSD-valid statements and
// notifications built from a ledger. TxsSummry is computed from the entries so it is always consistent.

import { checkBic, checkIban } from '../domain/iban.ts';
import { currencyExponent, formatMinor, type Money } from '../domain/money.ts';
import { checkReference } from '../domain/reference.ts';
import { stripXmlInvalid, truncateText } from '../domain/sepa-text.ts';
import type { FieldIssue } from '../errors.ts';
import { Iso20022BuildError } from './errors.ts';
import { isIsoDate, isIsoDateTime } from './pain001.ts';
import type {
  BuildEntry,
  BuildEntryTransaction,
  BuildStatement,
  Camt053BuildVersion,
  Camt053Input,
  Camt054BuildVersion,
  Camt054Input,
  PartyAccount,
} from './types.ts';
import { el, escapeAttribute } from './xml.ts';

type Kind = 'camt.053' | 'camt.054';

function text(value: string, max: number): string {
  return truncateText(stripXmlInvalid(value).replace(/\s+/g, ' ').trim(), max);
}

function amount(tag: string, value: Money): string {
  return `<${tag} Ccy="${escapeAttribute(value.currency)}">${formatMinor(value.minor, currencyExponent(value.currency))}</${tag}>`;
}

function dateChoice(value: string): string {
  return isIsoDate(value) ? el('Dt', value) : el('DtTm', value);
}

function validate(input: Camt053Input, kind: Kind, version: string): void {
  const issues: FieldIssue[] = [];
  const add = (path: string, message: string) => issues.push({ path, message });
  const id = (path: string, value: string | undefined) => {
    if (typeof value !== 'string' || value.length < 1 || value.length > 35)
      add(path, `must be 1 to 35 characters, got "${value}"`);
  };
  const dateTime = (path: string, value: string | undefined) => {
    if (value !== undefined && !isIsoDateTime(value)) add(path, `"${value}" is not an ISO date-time`);
  };
  const dateOrDateTime = (path: string, value: string | undefined) => {
    if (value !== undefined && !isIsoDate(value) && !isIsoDateTime(value))
      add(path, `"${value}" is not a date or date-time`);
  };
  const money = (path: string, value: Money | undefined) => {
    if (!value || !Number.isSafeInteger(value.minor) || value.minor < 0) {
      add(path, `must be a non-negative integer number of minor units, got ${JSON.stringify(value)}`);
      return;
    }
    try {
      currencyExponent(value.currency);
    } catch {
      add(`${path}.currency`, `unknown currency "${value.currency}"`);
    }
  };
  const party = (path: string, value: PartyAccount | undefined) => {
    if (!value) return;
    if (value.iban !== undefined && !checkIban(value.iban).ok)
      add(`${path}.iban`, `"${value.iban}" is not a valid IBAN`);
    if (value.bic !== undefined && !checkBic(value.bic).ok)
      add(`${path}.bic`, `"${value.bic}" is not a valid BIC`);
  };
  id('messageId', input.messageId);
  dateTime('createdAt', input.createdAt);
  if (
    input.pagination &&
    (!Number.isInteger(input.pagination.pageNumber) ||
      input.pagination.pageNumber < 1 ||
      input.pagination.pageNumber > 99_999)
  ) {
    add('pagination.pageNumber', 'must be 1 to 99999');
  }
  if (!input.statements?.length) add('statements', 'at least one statement is required');
  input.statements?.forEach((statement, s) => {
    const at = `statements[${s}]`;
    id(`${at}.id`, statement.id);
    if (
      statement.electronicSequenceNumber !== undefined &&
      !/^\d{1,18}$/.test(statement.electronicSequenceNumber)
    ) {
      add(`${at}.electronicSequenceNumber`, 'must be 1 to 18 digits');
    }
    dateTime(`${at}.createdAt`, statement.createdAt);
    dateTime(`${at}.from`, statement.from);
    dateTime(`${at}.to`, statement.to);
    if ((statement.from === undefined) !== (statement.to === undefined))
      add(`${at}.to`, 'from and to go together');
    if (!checkIban(statement.account?.iban ?? '').ok)
      add(`${at}.account.iban`, `"${statement.account?.iban}" is not a valid IBAN`);
    if (statement.account?.servicerBic !== undefined && !checkBic(statement.account.servicerBic).ok) {
      add(`${at}.account.servicerBic`, `"${statement.account.servicerBic}" is not a valid BIC`);
    }
    if (kind === 'camt.053' && !statement.balances?.length)
      add(`${at}.balances`, 'a statement needs at least one balance');
    statement.balances?.forEach((balance, b) => {
      if (!/^[A-Z]{4}$/.test(balance.type))
        add(`${at}.balances[${b}].type`, `"${balance.type}" is not a balance type code`);
      money(`${at}.balances[${b}].amount`, balance.amount);
      if (!isIsoDate(balance.date)) add(`${at}.balances[${b}].date`, `"${balance.date}" is not a date`);
    });
    statement.entries?.forEach((entry, e) => {
      const en = `${at}.entries[${e}]`;
      money(`${en}.amount`, entry.amount);
      if (entry.creditDebit !== 'CRDT' && entry.creditDebit !== 'DBIT')
        add(`${en}.creditDebit`, 'must be CRDT or DBIT');
      dateOrDateTime(`${en}.bookingDate`, entry.bookingDate);
      dateOrDateTime(`${en}.valueDate`, entry.valueDate);
      id(`${en}.accountServicerReference`, entry.accountServicerReference);
      if (entry.entryReference !== undefined) id(`${en}.entryReference`, entry.entryReference);
      entry.transactions?.forEach((tx, t) => {
        const tp = `${en}.transactions[${t}]`;
        if (tx.endToEndId !== undefined) id(`${tp}.endToEndId`, tx.endToEndId);
        if (tx.instructionId !== undefined) id(`${tp}.instructionId`, tx.instructionId);
        if (tx.accountServicerReference !== undefined)
          id(`${tp}.accountServicerReference`, tx.accountServicerReference);
        if (tx.remittance?.kind === 'structured' && !checkReference(tx.remittance.reference).ok) {
          add(`${tp}.remittance.reference`, `"${tx.remittance.reference}" is not a valid creditor reference`);
        }
        party(`${tp}.debtor`, tx.debtor);
        party(`${tp}.creditor`, tx.creditor);
      });
    });
  });
  if (issues.length > 0) throw new Iso20022BuildError(version, issues);
}

function partyXml(role: 'Dbtr' | 'Cdtr', party: PartyAccount | undefined): string {
  if (!party) return '';
  let out = '';
  if (party.name !== undefined) out += `<${role}>${el('Nm', text(party.name, 140))}</${role}>`;
  if (party.iban !== undefined)
    out += `<${role}Acct><Id>${el('IBAN', checkIban(party.iban).ok ? party.iban.replace(/\s+/g, '').toUpperCase() : party.iban)}</Id></${role}Acct>`;
  else if (party.otherId !== undefined)
    out += `<${role}Acct><Id><Othr>${el('Id', text(party.otherId, 34))}</Othr></Id></${role}Acct>`;
  return out;
}

function transactionXml(tx: BuildEntryTransaction, entry: BuildEntry, single: boolean): string {
  const refs =
    (tx.accountServicerReference === undefined ? '' : el('AcctSvcrRef', tx.accountServicerReference)) +
    (tx.instructionId === undefined ? '' : el('InstrId', tx.instructionId)) +
    (tx.endToEndId === undefined ? '' : el('EndToEndId', tx.endToEndId));
  const parties = partyXml('Dbtr', tx.debtor) + partyXml('Cdtr', tx.creditor);
  const agents =
    (tx.debtor?.bic === undefined
      ? ''
      : `<DbtrAgt><FinInstnId>${el('BIC', tx.debtor.bic)}</FinInstnId></DbtrAgt>`) +
    (tx.creditor?.bic === undefined
      ? ''
      : `<CdtrAgt><FinInstnId>${el('BIC', tx.creditor.bic)}</FinInstnId></CdtrAgt>`);
  let remittance = '';
  if (tx.remittance?.kind === 'unstructured')
    remittance = `<RmtInf>${el('Ustrd', text(tx.remittance.text, 140))}</RmtInf>`;
  else if (tx.remittance?.kind === 'structured') {
    const reference = tx.remittance.reference.replace(/\s+/g, '').toUpperCase();
    const issuer = reference.startsWith('RF') ? '<Issr>ISO</Issr>' : '';
    remittance = `<RmtInf><Strd><CdtrRefInf><Tp><CdOrPrtry><Cd>SCOR</Cd></CdOrPrtry>${issuer}</Tp>${el('Ref', reference)}</CdtrRefInf></Strd></RmtInf>`;
  }
  return (
    '<TxDtls>' +
    (refs === '' ? '' : `<Refs>${refs}</Refs>`) +
    (single ? `<AmtDtls><TxAmt>${amount('Amt', entry.amount)}</TxAmt></AmtDtls>` : '') +
    (parties === '' ? '' : `<RltdPties>${parties}</RltdPties>`) +
    (agents === '' ? '' : `<RltdAgts>${agents}</RltdAgts>`) +
    remittance +
    (tx.additionalInfo === undefined ? '' : el('AddtlTxInf', text(tx.additionalInfo, 500))) +
    '</TxDtls>'
  );
}

function entryXml(entry: BuildEntry): string {
  const code = entry.bankTransactionCode ?? {
    domain: 'PMNT',
    family: entry.creditDebit === 'CRDT' ? 'RCDT' : 'ICDT',
    subFamily: 'ESCT',
  };
  const transactions = entry.transactions ?? [];
  const details =
    transactions.length === 0
      ? ''
      : `<NtryDtls>${transactions.length > 1 ? `<Btch><NbOfTxs>${transactions.length}</NbOfTxs></Btch>` : ''}${transactions.map((tx) => transactionXml(tx, entry, transactions.length === 1)).join('')}</NtryDtls>`;
  return (
    '<Ntry>' +
    (entry.entryReference === undefined ? '' : el('NtryRef', entry.entryReference)) +
    amount('Amt', entry.amount) +
    `<CdtDbtInd>${entry.creditDebit}</CdtDbtInd>` +
    (entry.reversal ? '<RvslInd>true</RvslInd>' : '') +
    `<Sts>${entry.status ?? 'BOOK'}</Sts>` +
    `<BookgDt>${dateChoice(entry.bookingDate)}</BookgDt>` +
    `<ValDt>${dateChoice(entry.valueDate ?? entry.bookingDate)}</ValDt>` +
    el('AcctSvcrRef', entry.accountServicerReference) +
    `<BkTxCd><Domn>${el('Cd', code.domain)}<Fmly>${el('Cd', code.family)}${el('SubFmlyCd', code.subFamily)}</Fmly></Domn></BkTxCd>` +
    details +
    (entry.additionalInfo === undefined ? '' : el('AddtlNtryInf', text(entry.additionalInfo, 500))) +
    '</Ntry>'
  );
}

function summaryXml(statement: BuildStatement): string {
  let credits = 0n;
  let debits = 0n;
  let creditCount = 0;
  let debitCount = 0;
  let exponent = 2;
  for (const entry of statement.entries) {
    exponent = currencyExponent(entry.amount.currency);
    if (entry.creditDebit === 'CRDT') {
      credits += BigInt(entry.amount.minor);
      creditCount++;
    } else {
      debits += BigInt(entry.amount.minor);
      debitCount++;
    }
  }
  const net = credits - debits;
  return (
    '<TxsSummry>' +
    `<TtlNtries><NbOfNtries>${creditCount + debitCount}</NbOfNtries><Sum>${formatMinor(credits + debits, exponent)}</Sum>` +
    `<TtlNetNtryAmt>${formatMinor(net < 0n ? -net : net, exponent)}</TtlNetNtryAmt><CdtDbtInd>${net < 0n ? 'DBIT' : 'CRDT'}</CdtDbtInd></TtlNtries>` +
    `<TtlCdtNtries><NbOfNtries>${creditCount}</NbOfNtries><Sum>${formatMinor(credits, exponent)}</Sum></TtlCdtNtries>` +
    `<TtlDbtNtries><NbOfNtries>${debitCount}</NbOfNtries><Sum>${formatMinor(debits, exponent)}</Sum></TtlDbtNtries>` +
    '</TxsSummry>'
  );
}

function build(input: Camt053Input, kind: Kind, version: string): string {
  validate(input, kind, version);
  const root = kind === 'camt.053' ? 'BkToCstmrStmt' : 'BkToCstmrDbtCdtNtfctn';
  const item = kind === 'camt.053' ? 'Stmt' : 'Ntfctn';
  const info = kind === 'camt.053' ? 'AddtlStmtInf' : 'AddtlNtfctnInf';
  const parts: string[] = [
    `<?xml version="1.0" encoding="UTF-8"?>\n<Document xmlns="urn:iso:std:iso:20022:tech:xsd:${version}"><${root}>`,
    `<GrpHdr>${el('MsgId', input.messageId)}${el('CreDtTm', input.createdAt)}`,
    input.pagination
      ? `<MsgPgntn><PgNb>${input.pagination.pageNumber}</PgNb><LastPgInd>${input.pagination.lastPage}</LastPgInd></MsgPgntn>`
      : '',
    '</GrpHdr>',
  ];
  for (const statement of input.statements) {
    const account = statement.account;
    parts.push(
      `<${item}>${el('Id', statement.id)}` +
        (statement.electronicSequenceNumber === undefined
          ? ''
          : el('ElctrncSeqNb', statement.electronicSequenceNumber)) +
        el('CreDtTm', statement.createdAt) +
        (statement.from === undefined || statement.to === undefined
          ? ''
          : `<FrToDt>${el('FrDtTm', statement.from)}${el('ToDtTm', statement.to)}</FrToDt>`) +
        `<Acct><Id>${el('IBAN', account.iban.replace(/\s+/g, '').toUpperCase())}</Id>${el('Ccy', account.currency)}` +
        (account.ownerName === undefined ? '' : `<Ownr>${el('Nm', text(account.ownerName, 140))}</Ownr>`) +
        (account.servicerBic === undefined
          ? ''
          : `<Svcr><FinInstnId>${el('BIC', account.servicerBic)}</FinInstnId></Svcr>`) +
        '</Acct>',
    );
    if (kind === 'camt.053') {
      for (const balance of statement.balances) {
        parts.push(
          `<Bal><Tp><CdOrPrtry>${el('Cd', balance.type)}</CdOrPrtry></Tp>${amount('Amt', balance.amount)}<CdtDbtInd>${balance.creditDebit}</CdtDbtInd><Dt>${el('Dt', balance.date)}</Dt></Bal>`,
        );
      }
    }
    parts.push(summaryXml(statement));
    for (const entry of statement.entries) parts.push(entryXml(entry));
    if (statement.additionalInfo !== undefined) parts.push(el(info, text(statement.additionalInfo, 500)));
    parts.push(`</${item}>`);
  }
  parts.push(`</${root}></Document>\n`);
  return parts.join('');
}

/** Builds a camt.053.001.02 bank statement (bank simulator). Throws `Iso20022BuildError` on bad input. */
export function buildCamt053(
  input: Camt053Input,
  version: Camt053BuildVersion = 'camt.053.001.02',
): { xml: string; messageId: string } {
  if (version !== 'camt.053.001.02') {
    throw new Iso20022BuildError('camt.053', [
      { path: 'version', message: `unsupported version "${version}"` },
    ]);
  }
  return { xml: build(input, 'camt.053', version), messageId: input.messageId };
}

/** Builds a camt.054.001.02 debit/credit notification (balances are not part of a notification). */
export function buildCamt054(
  input: Camt054Input,
  version: Camt054BuildVersion = 'camt.054.001.02',
): { xml: string; messageId: string } {
  if (version !== 'camt.054.001.02') {
    throw new Iso20022BuildError('camt.054', [
      { path: 'version', message: `unsupported version "${version}"` },
    ]);
  }
  return { xml: build(input, 'camt.054', version), messageId: input.messageId };
}
