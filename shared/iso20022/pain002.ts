// pain.002 (customer payment status report): tolerant parser for .001.03 and .001.10 and their dialects
// (Swiss SIX `.ch.02`, documents without a namespace), and a builder the bank simulator uses.

import { currencyExponent, formatMinor, type Money, MoneyError, parseDecimal } from '../domain/money.ts';
import { stripXmlInvalid, truncateText } from '../domain/sepa-text.ts';
import type { FieldIssue } from '../errors.ts';
import { expectMessageType } from './detect.ts';
import { Iso20022BuildError } from './errors.ts';
import { isIsoDateTime } from './pain001.ts';
import type {
  Pain002Report,
  Pain002Version,
  ParsedPain002,
  ParseOptions,
  PaymentInformationStatus,
  StatusReason,
  TransactionStatusReport,
} from './types.ts';
import { Cursor, el, escapeAttribute, parseXml } from './xml.ts';

function readReasons(node: Cursor): StatusReason[] {
  return node.els('StsRsnInf').map((info) => {
    const code = info.str('Rsn/Cd');
    const proprietary = info.str('Rsn/Prtry');
    return {
      ...(code === undefined ? {} : { code }),
      ...(proprietary === undefined ? {} : { proprietary }),
      additionalInfo: info
        .els('AddtlInf')
        .map((line) => line.text())
        .filter((line) => line !== ''),
    };
  });
}

function readAmount(node: Cursor | undefined): Money | undefined {
  const amount = node?.at('Amt/InstdAmt') ?? node?.at('Amt/EqvtAmt/Amt') ?? node?.at('IntrBkSttlmAmt');
  if (!amount) return undefined;
  const currency = amount.attr('Ccy') ?? '';
  try {
    return parseDecimal(amount.text(), currency);
  } catch (error) {
    if (error instanceof MoneyError)
      throw amount.error(error.message, amount.path, `${amount.text()} ${currency}`);
    throw error;
  }
}

function readTransaction(tx: Cursor, paymentInformationId: string | undefined): TransactionStatusReport {
  const instructionId = tx.str('OrgnlInstrId');
  const amount = readAmount(tx.el('OrgnlTxRef'));
  return {
    ...(paymentInformationId === undefined ? {} : { originalPaymentInformationId: paymentInformationId }),
    originalEndToEndId: tx.str('OrgnlEndToEndId') ?? '',
    ...(instructionId === undefined ? {} : { originalInstructionId: instructionId }),
    // A transaction block without TxSts inherits nothing: report it as an empty status, callers decide.
    status: tx.str('TxSts') ?? '',
    reasons: readReasons(tx),
    ...(amount === undefined ? {} : { originalAmount: amount }),
  };
}

/** Parses a pain.002 status report into domain terms. Throws `Iso20022Error` subclasses with paths. */
export function parsePain002(xml: string, options: ParseOptions = {}): ParsedPain002 {
  const detected = expectMessageType(xml, 'pain.002');
  const root = new Cursor(parseXml(xml, detected.version, options), detected.version, '')
    .req('Document')
    .req('CstmrPmtStsRpt');
  const header = root.req('GrpHdr');
  const group = root.req('OrgnlGrpInfAndSts');
  const paymentInformation: PaymentInformationStatus[] = [];
  const transactions: TransactionStatusReport[] = [];
  for (const info of root.els('OrgnlPmtInfAndSts')) {
    const id = info.str('OrgnlPmtInfId') ?? '';
    const status = info.str('PmtInfSts');
    paymentInformation.push({
      originalPaymentInformationId: id,
      ...(status === undefined ? {} : { status }),
      reasons: readReasons(info),
    });
    for (const tx of info.els('TxInfAndSts')) transactions.push(readTransaction(tx, id || undefined));
  }
  // pain.002.001.03 (pre-2009 layout) may carry TxInfAndSts directly under the message.
  for (const tx of root.els('TxInfAndSts')) transactions.push(readTransaction(tx, undefined));
  const groupStatus = group.str('GrpSts');
  return {
    version: detected.version,
    messageId: header.reqStr('MsgId'),
    createdAt: header.reqStr('CreDtTm'),
    originalMessageId: group.str('OrgnlMsgId') ?? '',
    originalMessageType: group.str('OrgnlMsgNmId') ?? '',
    ...(groupStatus === undefined ? {} : { groupStatus }),
    groupReasons: readReasons(group),
    paymentInformation,
    transactions,
  };
}

// ---------------------------------------------------------------------------------------------
// Builder (bank simulator)

const STATUS = /^[A-Z0-9]{1,4}$/;
const ADDITIONAL_INFO_MAX = 105;

function reasonsXml(reasons: readonly StatusReason[]): string {
  let out = '';
  for (const reason of reasons) {
    let inner = '';
    if (reason.code !== undefined) inner += `<Rsn>${el('Cd', reason.code)}</Rsn>`;
    else if (reason.proprietary !== undefined) inner += `<Rsn>${el('Prtry', reason.proprietary)}</Rsn>`;
    for (const line of reason.additionalInfo) {
      const clean = stripXmlInvalid(line).trim();
      if (clean !== '') inner += el('AddtlInf', truncateText(clean, ADDITIONAL_INFO_MAX));
    }
    out += `<StsRsnInf>${inner}</StsRsnInf>`;
  }
  return out;
}

function validate(report: Pain002Report, version: string): void {
  const issues: FieldIssue[] = [];
  const text = (path: string, value: string | undefined, max: number) => {
    if (typeof value !== 'string' || value.length === 0 || value.length > max) {
      issues.push({ path, message: `must be 1 to ${max} characters, got "${value}"` });
    }
  };
  text('messageId', report.messageId, 35);
  text('originalMessageId', report.originalMessageId, 35);
  text('originalMessageType', report.originalMessageType, 35);
  if (!isIsoDateTime(report.createdAt ?? ''))
    issues.push({ path: 'createdAt', message: `"${report.createdAt}" is not an ISO date-time` });
  const status = (path: string, value: string | undefined) => {
    if (value !== undefined && !STATUS.test(value))
      issues.push({ path, message: `"${value}" is not a status code` });
  };
  status('groupStatus', report.groupStatus);
  const reasons = (path: string, list: readonly StatusReason[]) =>
    list.forEach((reason, i) => {
      if (reason.code !== undefined && !STATUS.test(reason.code)) {
        issues.push({
          path: `${path}[${i}].code`,
          message: `"${reason.code}" is not a reason code (1-4 characters)`,
        });
      }
      if (reason.proprietary !== undefined) text(`${path}[${i}].proprietary`, reason.proprietary, 35);
    });
  reasons('groupReasons', report.groupReasons ?? []);
  report.paymentInformation.forEach((info, i) => {
    text(`paymentInformation[${i}].originalPaymentInformationId`, info.originalPaymentInformationId, 35);
    status(`paymentInformation[${i}].status`, info.status);
    reasons(`paymentInformation[${i}].reasons`, info.reasons);
  });
  report.transactions.forEach((tx, i) => {
    text(`transactions[${i}].originalPaymentInformationId`, tx.originalPaymentInformationId, 35);
    text(`transactions[${i}].originalEndToEndId`, tx.originalEndToEndId, 35);
    if (tx.originalInstructionId !== undefined)
      text(`transactions[${i}].originalInstructionId`, tx.originalInstructionId, 35);
    status(`transactions[${i}].status`, tx.status);
    reasons(`transactions[${i}].reasons`, tx.reasons);
  });
  if (issues.length > 0) throw new Iso20022BuildError(version, issues);
}

/**
 * Builds a pain.002 (.001.03 or .001.10). Transactions are nested under the `OrgnlPmtInfAndSts` of their
 * `originalPaymentInformationId` (required here), in input order.
 */
export function buildPain002(
  report: Pain002Report,
  version: Pain002Version,
): { xml: string; messageId: string } {
  if (version !== 'pain.002.001.03' && version !== 'pain.002.001.10') {
    throw new Iso20022BuildError('pain.002', [
      { path: 'version', message: `unsupported version "${version}"` },
    ]);
  }
  validate(report, version);
  const blocks = new Map<
    string,
    { info?: PaymentInformationStatus; transactions: TransactionStatusReport[] }
  >();
  for (const info of report.paymentInformation)
    blocks.set(info.originalPaymentInformationId, { info, transactions: [] });
  for (const tx of report.transactions) {
    const id = tx.originalPaymentInformationId ?? '';
    let block = blocks.get(id);
    if (!block) {
      block = { transactions: [] };
      blocks.set(id, block);
    }
    block.transactions.push(tx);
  }
  const parts: string[] = [
    `<?xml version="1.0" encoding="UTF-8"?>\n<Document xmlns="urn:iso:std:iso:20022:tech:xsd:${version}"><CstmrPmtStsRpt>`,
    `<GrpHdr>${el('MsgId', report.messageId)}${el('CreDtTm', report.createdAt)}</GrpHdr>`,
    `<OrgnlGrpInfAndSts>${el('OrgnlMsgId', report.originalMessageId)}${el('OrgnlMsgNmId', report.originalMessageType)}`,
    report.groupStatus === undefined ? '' : el('GrpSts', report.groupStatus),
    reasonsXml(report.groupReasons ?? []),
    '</OrgnlGrpInfAndSts>',
  ];
  for (const [id, block] of blocks) {
    parts.push(`<OrgnlPmtInfAndSts>${el('OrgnlPmtInfId', id)}`);
    if (block.info?.status !== undefined) parts.push(el('PmtInfSts', block.info.status));
    parts.push(reasonsXml(block.info?.reasons ?? []));
    for (const tx of block.transactions) {
      const amount = tx.originalAmount;
      const reference =
        amount === undefined
          ? ''
          : `<OrgnlTxRef><Amt><InstdAmt Ccy="${escapeAttribute(amount.currency)}">${formatMinor(amount.minor, currencyExponent(amount.currency))}</InstdAmt></Amt></OrgnlTxRef>`;
      parts.push(
        `<TxInfAndSts>${tx.originalInstructionId === undefined ? '' : el('OrgnlInstrId', tx.originalInstructionId)}${el('OrgnlEndToEndId', tx.originalEndToEndId)}${el('TxSts', tx.status)}${reasonsXml(tx.reasons)}${reference}</TxInfAndSts>`,
      );
    }
    parts.push('</OrgnlPmtInfAndSts>');
  }
  parts.push('</CstmrPmtStsRpt></Document>\n');
  return { xml: parts.join(''), messageId: report.messageId };
}
