// camt.052.001.02 balance report builder for the bank simulator (answers a camt.060 balance request).
// Added by the bank-gateway work: the codec parses camt.052 but had no builder. Balances only (no entries),
// which is what the balance service returns; same conventions as camt-build.ts (validated input, el/escapeXml).

import { checkIban } from '../domain/iban.ts';
import { currencyExponent, formatMinor } from '../domain/money.ts';
import type { FieldIssue } from '../errors.ts';
import { Iso20022BuildError } from './errors.ts';
import { isIsoDate, isIsoDateTime } from './pain001.ts';
import type { BuildBalance } from './types.ts';
import { el } from './xml.ts';

const VERSION = 'camt.052.001.02';
const BALANCE_TYPES = new Set([
  'XPCD',
  'OPAV',
  'ITAV',
  'CLAV',
  'FWAV',
  'CLBD',
  'ITBD',
  'OPBD',
  'PRCD',
  'INFO',
]);

export interface Camt052Report {
  /** `Rpt/Id`, max 35. */
  id: string;
  createdAt: string;
  account: { iban: string; currency: string; ownerName?: string; servicerBic?: string };
  balances: BuildBalance[];
}

export interface Camt052Input {
  messageId: string;
  createdAt: string;
  reports: Camt052Report[];
}

function validate(input: Camt052Input): void {
  const issues: FieldIssue[] = [];
  const add = (path: string, message: string) => issues.push({ path, message });
  if (!input.messageId || input.messageId.length > 35) add('messageId', 'must be 1 to 35 characters');
  if (!isIsoDateTime(input.createdAt)) add('createdAt', `"${input.createdAt}" is not an ISO date-time`);
  if (input.reports.length === 0) add('reports', 'at least one report is required');
  input.reports.forEach((report, i) => {
    const at = `reports[${i}]`;
    if (!report.id || report.id.length > 35) add(`${at}.id`, 'must be 1 to 35 characters');
    if (!isIsoDateTime(report.createdAt))
      add(`${at}.createdAt`, `"${report.createdAt}" is not an ISO date-time`);
    const iban = checkIban(report.account.iban);
    if (!iban.ok) add(`${at}.account.iban`, `not a valid IBAN: ${iban.reason}`);
    report.balances.forEach((balance, j) => {
      const path = `${at}.balances[${j}]`;
      if (!BALANCE_TYPES.has(balance.type))
        add(`${path}.type`, `"${balance.type}" is not a balance type code`);
      if (!Number.isSafeInteger(balance.amount.minor) || balance.amount.minor < 0) {
        add(`${path}.amount`, 'must be a non-negative integer of minor units (sign goes in creditDebit)');
      }
      if (!isIsoDate(balance.date)) add(`${path}.date`, `"${balance.date}" is not a date (YYYY-MM-DD)`);
    });
  });
  if (issues.length > 0) throw new Iso20022BuildError(VERSION, issues);
}

/** Builds a camt.052.001.02 account report with balances. Throws `Iso20022BuildError` on bad input. */
export function buildCamt052(input: Camt052Input): {
  xml: string;
  messageId: string;
  version: typeof VERSION;
} {
  validate(input);
  const reports = input.reports.map((report) => {
    const account = report.account;
    const balances = report.balances
      .map(
        (balance) =>
          `<Bal><Tp><CdOrPrtry>${el('Cd', balance.type)}</CdOrPrtry></Tp>` +
          `<Amt Ccy="${balance.amount.currency}">${formatMinor(balance.amount.minor, currencyExponent(balance.amount.currency))}</Amt>` +
          `${el('CdtDbtInd', balance.creditDebit)}<Dt>${el('Dt', balance.date)}</Dt></Bal>`,
      )
      .join('');
    return (
      `<Rpt>${el('Id', report.id)}${el('CreDtTm', report.createdAt)}` +
      `<Acct><Id>${el('IBAN', account.iban.replace(/\s+/g, '').toUpperCase())}</Id>${el('Ccy', account.currency)}` +
      (account.ownerName === undefined ? '' : `<Ownr>${el('Nm', account.ownerName.slice(0, 140))}</Ownr>`) +
      (account.servicerBic === undefined
        ? ''
        : `<Svcr><FinInstnId>${el('BIC', account.servicerBic)}</FinInstnId></Svcr>`) +
      `</Acct>${balances}</Rpt>`
    );
  });
  const xml =
    `<?xml version="1.0" encoding="UTF-8"?>\n<Document xmlns="urn:iso:std:iso:20022:tech:xsd:${VERSION}"><BkToCstmrAcctRpt>` +
    `<GrpHdr>${el('MsgId', input.messageId)}${el('CreDtTm', input.createdAt)}</GrpHdr>${reports.join('')}` +
    '</BkToCstmrAcctRpt></Document>\n';
  return { xml, messageId: input.messageId, version: VERSION };
}
