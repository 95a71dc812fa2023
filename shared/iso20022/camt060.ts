// camt.060.001.03 (account reporting request): asks the bank for a statement (camt.053) or a balance
// report (camt.052) of one account and period. No XSD is in the corpus; the element order follows the
// ISO 20022 AccountReportingRequestV03 definition (GrpHdr; RptgReq: Id, ReqdMsgNmId, Acct, AcctOwnr,
// AcctSvcr, RptgPrd{FrToDt, FrToTm, Tp}).

import { checkBic, checkIban } from '../domain/iban.ts';
import { identifierProblem } from '../domain/sepa-text.ts';
import type { FieldIssue } from '../errors.ts';
import { expectMessageType } from './detect.ts';
import { Iso20022BuildError } from './errors.ts';
import { isIsoDate, isIsoDateTime } from './pain001.ts';
import type { Camt060Request, ParsedCamt060, ParseOptions } from './types.ts';
import { Cursor, el, parseXml } from './xml.ts';

const VERSION = 'camt.060.001.03';
const ISO_TIME = /^([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d{1,9})?(Z|[+-]([01]\d|2[0-3]):[0-5]\d)?$/;
const REQUESTABLE = new Set(['camt.053.001.02', 'camt.052.001.02']);

function validate(request: Camt060Request): { iban: string; bic?: string } {
  const issues: FieldIssue[] = [];
  const idProblem = identifierProblem(request.messageId ?? '');
  if (idProblem)
    issues.push({ path: 'messageId', message: `identifier "${request.messageId}" ${idProblem}` });
  if (request.requestId !== undefined) {
    const problem = identifierProblem(request.requestId);
    if (problem) issues.push({ path: 'requestId', message: `identifier "${request.requestId}" ${problem}` });
  }
  if (!isIsoDateTime(request.createdAt ?? '')) {
    issues.push({ path: 'createdAt', message: `"${request.createdAt}" is not an ISO date-time` });
  }
  if (!REQUESTABLE.has(request.requestedMessageType)) {
    issues.push({
      path: 'requestedMessageType',
      message: `must be camt.053.001.02 or camt.052.001.02, got "${request.requestedMessageType}"`,
    });
  }
  const iban = checkIban(request.account?.iban ?? '');
  if (!iban.ok)
    issues.push({
      path: 'account.iban',
      message: `"${request.account?.iban}" is not a valid IBAN: ${iban.reason}`,
    });
  if (request.account?.currency !== undefined && !/^[A-Z]{3}$/.test(request.account.currency)) {
    issues.push({
      path: 'account.currency',
      message: `"${request.account.currency}" is not a currency code`,
    });
  }
  let bic: string | undefined;
  if (request.accountServicerBic !== undefined) {
    const checked = checkBic(request.accountServicerBic);
    if (checked.ok) bic = checked.bic;
    else
      issues.push({
        path: 'accountServicerBic',
        message: `"${request.accountServicerBic}" ${checked.reason}`,
      });
  }
  for (const field of ['fromDate', 'toDate'] as const) {
    if (!isIsoDate(request[field] ?? ''))
      issues.push({ path: field, message: `"${request[field]}" is not a date (YYYY-MM-DD)` });
  }
  if (isIsoDate(request.fromDate) && isIsoDate(request.toDate) && request.fromDate > request.toDate) {
    issues.push({
      path: 'toDate',
      message: `period ends (${request.toDate}) before it starts (${request.fromDate})`,
    });
  }
  for (const field of ['fromTime', 'toTime'] as const) {
    const value = request[field];
    if (value !== undefined && !ISO_TIME.test(value)) {
      issues.push({ path: field, message: `"${value}" is not a time (hh:mm:ss[Z|±hh:mm])` });
    }
  }
  if (
    request.accountOwnerName !== undefined &&
    (request.accountOwnerName.length === 0 || request.accountOwnerName.length > 140)
  ) {
    issues.push({ path: 'accountOwnerName', message: 'must be 1 to 140 characters' });
  }
  if (issues.length > 0) throw new Iso20022BuildError(VERSION, issues);
  return { iban: iban.ok ? iban.iban : '', ...(bic === undefined ? {} : { bic }) };
}

/** Builds a camt.060.001.03 statement/balance request. Throws `Iso20022BuildError` on bad input. */
export function buildCamt060(request: Camt060Request): {
  xml: string;
  messageId: string;
  version: typeof VERSION;
} {
  const { iban, bic } = validate(request);
  const currency = request.account.currency === undefined ? '' : el('Ccy', request.account.currency);
  const owner =
    request.accountOwnerName === undefined ? '<Pty/>' : `<Pty>${el('Nm', request.accountOwnerName)}</Pty>`;
  const servicer =
    bic === undefined ? '' : `<AcctSvcr><FinInstnId>${el('BICFI', bic)}</FinInstnId></AcctSvcr>`;
  const xml =
    `<?xml version="1.0" encoding="UTF-8"?>\n<Document xmlns="urn:iso:std:iso:20022:tech:xsd:${VERSION}"><AcctRptgReq>` +
    `<GrpHdr>${el('MsgId', request.messageId)}${el('CreDtTm', request.createdAt)}</GrpHdr>` +
    `<RptgReq>${el('Id', request.requestId ?? request.messageId)}${el('ReqdMsgNmId', request.requestedMessageType)}` +
    `<Acct><Id>${el('IBAN', iban)}</Id>${currency}</Acct><AcctOwnr>${owner}</AcctOwnr>${servicer}` +
    `<RptgPrd><FrToDt>${el('FrDt', request.fromDate)}${el('ToDt', request.toDate)}</FrToDt>` +
    `<FrToTm>${el('FrTm', request.fromTime ?? '00:00:00')}${el('ToTm', request.toTime ?? '23:59:59')}</FrToTm>` +
    '<Tp>ALLL</Tp></RptgPrd></RptgReq></AcctRptgReq></Document>\n';
  return { xml, messageId: request.messageId, version: VERSION };
}

/** Parses a camt.060 (the simulator reads our requests with it). */
export function parseCamt060(xml: string, options: ParseOptions = {}): ParsedCamt060 {
  const detected = expectMessageType(xml, 'camt.060');
  const root = new Cursor(parseXml(xml, detected.version, options), detected.version, '')
    .req('Document')
    .req('AcctRptgReq');
  const header = root.req('GrpHdr');
  const request = root.req('RptgReq');
  const requested = request.reqStr('ReqdMsgNmId');
  if (!REQUESTABLE.has(requested)) {
    throw request.error('unsupported requested message type', `${request.path}/ReqdMsgNmId`, requested);
  }
  const period = request.el('RptgPrd');
  const currency = request.str('Acct/Ccy');
  const owner = request.str('AcctOwnr/Pty/Nm');
  const bic = request.str('AcctSvcr/FinInstnId/BICFI') ?? request.str('AcctSvcr/FinInstnId/BIC');
  const requestId = request.str('Id');
  const fromTime = period?.str('FrToTm/FrTm');
  const toTime = period?.str('FrToTm/ToTm');
  const iban = request.str('Acct/Id/IBAN');
  if (iban === undefined) throw request.error('account IBAN is missing', `${request.path}/Acct/Id/IBAN`);
  return {
    version: detected.version,
    messageId: header.reqStr('MsgId'),
    createdAt: header.reqStr('CreDtTm'),
    requestedMessageType: requested as Camt060Request['requestedMessageType'],
    ...(requestId === undefined ? {} : { requestId }),
    account: { iban, ...(currency === undefined ? {} : { currency }) },
    ...(owner === undefined ? {} : { accountOwnerName: owner }),
    ...(bic === undefined ? {} : { accountServicerBic: bic }),
    fromDate: period?.reqStr('FrToDt/FrDt') ?? request.reqStr('RptgPrd/FrToDt/FrDt'),
    toDate: period?.str('FrToDt/ToDt') ?? period?.reqStr('FrToDt/FrDt') ?? '',
    ...(fromTime === undefined ? {} : { fromTime }),
    ...(toTime === undefined ? {} : { toTime }),
  };
}
