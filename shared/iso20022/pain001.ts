// pain.001 (customer credit transfer initiation): a strict, deterministic string builder for versions
// .001.03 and .001.09, and a tolerant parser (the simulator reads what we send; round-trip tests).

import { checkBic, checkIban } from '../domain/iban.ts';
import {
  currencyExponent,
  decimalSum,
  formatMinor,
  type Money,
  MoneyError,
  parseDecimal,
} from '../domain/money.ts';
import { checkReference } from '../domain/reference.ts';
import {
  applyCharacterPolicy,
  type CharacterPolicy,
  DEFAULT_CHARACTER_POLICY,
  identifierProblem,
  SEPA_LIMITS,
  textLength,
  truncateText,
} from '../domain/sepa-text.ts';
import type { FieldIssue } from '../errors.ts';
import { expectMessageType } from './detect.ts';
import { Iso20022BuildError } from './errors.ts';
import type {
  AccountParty,
  BuiltPain001,
  CreditTransfer,
  Pain001Batch,
  Pain001BuildOptions,
  Pain001Version,
  ParsedPain001,
  ParseOptions,
  PaymentGroup,
  Remittance,
  ServiceLevel,
} from './types.ts';
import { Cursor, el, escapeAttribute, parseXml } from './xml.ts';

const NAMESPACE = 'urn:iso:std:iso:20022:tech:xsd:';
/** EPC limit for one SEPA credit transfer: 999,999,999.99 EUR. */
const MAX_SEPA_MINOR = 99_999_999_999;
const ISO_DATE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;
const ISO_DATE_TIME =
  /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d{1,9})?(Z|[+-]([01]\d|2[0-3]):[0-5]\d)?$/;

export function isIsoDate(text: string): boolean {
  if (!ISO_DATE.test(text)) return false;
  const date = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(text);
}

export function isIsoDateTime(text: string): boolean {
  return ISO_DATE_TIME.test(text) && isIsoDate(text.slice(0, 10));
}

// ---------------------------------------------------------------------------------------------
// Grouping helper: flat payments → PmtInf groups with deterministic ids

export interface FlatPayment extends CreditTransfer {
  debtor: AccountParty;
  requestedExecutionDate: string;
  serviceLevel: ServiceLevel;
}

/**
 * Groups payments by debtor IBAN + execution date + service level, in order of first appearance, and
 * names each group `<messageId>-<n>` (cut so it stays within 35 characters). Same input, same output.
 */
export function groupPayments(messageId: string, payments: readonly FlatPayment[]): PaymentGroup[] {
  const groups = new Map<string, PaymentGroup>();
  for (const payment of payments) {
    const { debtor, requestedExecutionDate, serviceLevel, ...transfer } = payment;
    const key = `${debtor.iban.replace(/\s+/g, '').toUpperCase()}|${requestedExecutionDate}|${serviceLevel}`;
    let group = groups.get(key);
    if (!group) {
      const suffix = `-${groups.size + 1}`;
      group = {
        paymentInformationId: `${messageId.slice(0, SEPA_LIMITS.identifier - suffix.length)}${suffix}`,
        debtor,
        requestedExecutionDate,
        serviceLevel,
        payments: [],
      };
      groups.set(key, group);
    }
    group.payments.push(transfer);
  }
  return [...groups.values()];
}

// ---------------------------------------------------------------------------------------------
// Validation + normalisation (every problem collected, with input paths)

class Issues {
  readonly list: FieldIssue[] = [];
  add(path: string, message: string): void {
    this.list.push({ path, message });
  }
}

function cleanText(issues: Issues, path: string, text: string, max: number, policy: CharacterPolicy): string {
  if (typeof text !== 'string') {
    issues.add(path, 'must be a string');
    return '';
  }
  if (textLength(text) > max) {
    issues.add(path, `must be at most ${max} characters (has ${textLength(text)})`);
    return '';
  }
  // Transliteration can lengthen text (ß → ss); the schema limit still applies to what we send.
  const cleaned = truncateText(applyCharacterPolicy(text, policy), max);
  if (cleaned === '') issues.add(path, 'must contain at least one character allowed by the character policy');
  return cleaned;
}

function checkId(issues: Issues, path: string, id: string | undefined): void {
  if (typeof id !== 'string') {
    issues.add(path, 'must be a string');
    return;
  }
  const problem = identifierProblem(id);
  if (problem) issues.add(path, `identifier "${id}" ${problem}`);
}

function cleanIban(issues: Issues, path: string, iban: string): string {
  const checked = checkIban(typeof iban === 'string' ? iban : '');
  if (!checked.ok) {
    issues.add(path, `"${iban}" is not a valid IBAN: ${checked.reason}`);
    return '';
  }
  return checked.iban;
}

function cleanBic(issues: Issues, path: string, bic: string | undefined): string | undefined {
  if (bic === undefined || bic === '') return undefined;
  const checked = checkBic(bic);
  if (!checked.ok) {
    issues.add(path, `"${bic}" is not a valid BIC: ${checked.reason}`);
    return undefined;
  }
  return checked.bic;
}

function cleanParty(
  issues: Issues,
  path: string,
  party: AccountParty,
  policy: CharacterPolicy,
): AccountParty {
  if (!party || typeof party !== 'object') {
    issues.add(path, 'is required');
    return { name: '', iban: '' };
  }
  const bic = cleanBic(issues, `${path}.bic`, party.bic);
  return {
    name: cleanText(issues, `${path}.name`, party.name, SEPA_LIMITS.name, policy),
    iban: cleanIban(issues, `${path}.iban`, party.iban),
    ...(bic === undefined ? {} : { bic }),
  };
}

function cleanAmount(issues: Issues, path: string, amount: Money): Money {
  if (!amount || typeof amount !== 'object') {
    issues.add(path, 'is required');
    return { minor: 0, currency: 'EUR' };
  }
  if (amount.currency !== 'EUR') {
    issues.add(`${path}.currency`, `SEPA credit transfers are in EUR, got "${amount.currency}"`);
  }
  if (!Number.isSafeInteger(amount.minor)) {
    issues.add(`${path}.minor`, `must be an integer number of cents, got ${amount.minor}`);
  } else if (amount.minor <= 0) {
    issues.add(`${path}.minor`, `must be greater than zero, got ${amount.minor}`);
  } else if (amount.minor > MAX_SEPA_MINOR) {
    issues.add(`${path}.minor`, `must be at most 999999999.99 EUR, got ${amount.minor} cents`);
  }
  return { minor: amount.minor, currency: amount.currency };
}

function cleanRemittance(
  issues: Issues,
  path: string,
  remittance: Remittance | undefined,
  policy: CharacterPolicy,
): Remittance | undefined {
  if (remittance === undefined) return undefined;
  if (remittance.kind === 'structured') {
    const checked = checkReference(remittance.reference ?? '');
    if (!checked.ok) {
      issues.add(`${path}.reference`, `"${remittance.reference}": ${checked.reason}`);
      return undefined;
    }
    return { kind: 'structured', reference: checked.reference };
  }
  if (remittance.kind === 'unstructured') {
    const text = cleanText(
      issues,
      `${path}.text`,
      remittance.text,
      SEPA_LIMITS.unstructuredRemittance,
      policy,
    );
    return { kind: 'unstructured', text };
  }
  issues.add(`${path}.kind`, "must be 'structured' or 'unstructured'");
  return undefined;
}

/**
 * Validates a batch against the SEPA rules and the XSD facets, applies the character policy, and
 * returns the batch exactly as it will be written. Throws `Iso20022BuildError` listing every problem.
 */
export function normalizePain001Batch(
  batch: Pain001Batch,
  policy: CharacterPolicy = DEFAULT_CHARACTER_POLICY,
  messageType = 'pain.001',
): Pain001Batch {
  const issues = new Issues();
  checkId(issues, 'messageId', batch.messageId);
  if (typeof batch.createdAt !== 'string' || !isIsoDateTime(batch.createdAt)) {
    issues.add('createdAt', `"${batch.createdAt}" is not an ISO date-time (YYYY-MM-DDThh:mm:ss[Z|±hh:mm])`);
  }
  const initiatingPartyName = cleanText(
    issues,
    'initiatingPartyName',
    batch.initiatingPartyName,
    SEPA_LIMITS.name,
    policy,
  );
  if (!Array.isArray(batch.paymentGroups) || batch.paymentGroups.length === 0) {
    issues.add('paymentGroups', 'at least one payment group is required');
  }
  const seenGroups = new Set<string>();
  const seenEndToEnd = new Set<string>();
  const seenInstruction = new Set<string>();
  const paymentGroups = (batch.paymentGroups ?? []).map((group, g): PaymentGroup => {
    const path = `paymentGroups[${g}]`;
    checkId(issues, `${path}.paymentInformationId`, group.paymentInformationId);
    if (seenGroups.has(group.paymentInformationId)) {
      issues.add(
        `${path}.paymentInformationId`,
        `duplicate payment information id "${group.paymentInformationId}"`,
      );
    }
    seenGroups.add(group.paymentInformationId);
    if (typeof group.requestedExecutionDate !== 'string' || !isIsoDate(group.requestedExecutionDate)) {
      issues.add(
        `${path}.requestedExecutionDate`,
        `"${group.requestedExecutionDate}" is not a date (YYYY-MM-DD)`,
      );
    }
    if (group.serviceLevel !== 'SEPA' && group.serviceLevel !== 'INST') {
      issues.add(`${path}.serviceLevel`, `must be 'SEPA' or 'INST', got "${group.serviceLevel}"`);
    }
    if (!Array.isArray(group.payments) || group.payments.length === 0) {
      issues.add(`${path}.payments`, 'at least one payment is required');
    }
    const payments = (group.payments ?? []).map((payment, p): CreditTransfer => {
      const at = `${path}.payments[${p}]`;
      checkId(issues, `${at}.endToEndId`, payment.endToEndId);
      if (seenEndToEnd.has(payment.endToEndId)) {
        issues.add(`${at}.endToEndId`, `duplicate end-to-end id "${payment.endToEndId}" in the batch`);
      }
      seenEndToEnd.add(payment.endToEndId);
      if (payment.instructionId !== undefined) {
        checkId(issues, `${at}.instructionId`, payment.instructionId);
        if (seenInstruction.has(payment.instructionId)) {
          issues.add(
            `${at}.instructionId`,
            `duplicate instruction id "${payment.instructionId}" in the batch`,
          );
        }
        seenInstruction.add(payment.instructionId);
      }
      const remittance = cleanRemittance(issues, `${at}.remittance`, payment.remittance, policy);
      return {
        endToEndId: payment.endToEndId,
        ...(payment.instructionId === undefined ? {} : { instructionId: payment.instructionId }),
        amount: cleanAmount(issues, `${at}.amount`, payment.amount),
        creditor: cleanParty(issues, `${at}.creditor`, payment.creditor, policy),
        ...(remittance === undefined ? {} : { remittance }),
      };
    });
    return {
      paymentInformationId: group.paymentInformationId,
      debtor: cleanParty(issues, `${path}.debtor`, group.debtor, policy),
      requestedExecutionDate: group.requestedExecutionDate,
      serviceLevel: group.serviceLevel,
      ...(group.batchBooking === undefined ? {} : { batchBooking: group.batchBooking }),
      payments,
    };
  });
  if (issues.list.length > 0) throw new Iso20022BuildError(messageType, issues.list);
  return { messageId: batch.messageId, createdAt: batch.createdAt, initiatingPartyName, paymentGroups };
}

// ---------------------------------------------------------------------------------------------
// Builder

function controlSum(payments: readonly CreditTransfer[]): string {
  // All EUR after validation, so a plain integer sum is exact.
  let total = 0n;
  for (const payment of payments) total += BigInt(payment.amount.minor);
  return formatMinor(total, 2);
}

function agent(bic: string | undefined, v09: boolean): string {
  if (bic === undefined) return '<FinInstnId><Othr><Id>NOTPROVIDED</Id></Othr></FinInstnId>';
  return `<FinInstnId>${el(v09 ? 'BICFI' : 'BIC', bic)}</FinInstnId>`;
}

function remittanceXml(remittance: Remittance | undefined): string {
  if (remittance === undefined) return '';
  if (remittance.kind === 'unstructured') return `<RmtInf>${el('Ustrd', remittance.text)}</RmtInf>`;
  const issuer = remittance.reference.startsWith('RF') ? '<Issr>ISO</Issr>' : '';
  return `<RmtInf><Strd><CdtrRefInf><Tp><CdOrPrtry><Cd>SCOR</Cd></CdOrPrtry>${issuer}</Tp>${el('Ref', remittance.reference)}</CdtrRefInf></Strd></RmtInf>`;
}

/** Builds a pain.001 message. Throws `Iso20022BuildError` (with every issue) when the input breaks a rule. */
export function buildPain001(input: Pain001Batch, options: Pain001BuildOptions): BuiltPain001 {
  const version: Pain001Version = options.version;
  if (version !== 'pain.001.001.03' && version !== 'pain.001.001.09') {
    throw new Iso20022BuildError('pain.001', [
      { path: 'options.version', message: `unsupported version "${version}"` },
    ]);
  }
  const v09 = version === 'pain.001.001.09';
  const batch = normalizePain001Batch(input, options.characterPolicy ?? DEFAULT_CHARACTER_POLICY, version);
  const instantAsServiceLevel = options.instantEncoding === 'service-level';
  const chargeBearer = options.chargeBearer ?? 'SLEV';

  const allPayments = batch.paymentGroups.flatMap((group) => group.payments);
  const total = controlSum(allPayments);
  const parts: string[] = [
    `<?xml version="1.0" encoding="UTF-8"?>\n<Document xmlns="${NAMESPACE}${version}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><CstmrCdtTrfInitn>`,
    `<GrpHdr>${el('MsgId', batch.messageId)}${el('CreDtTm', batch.createdAt)}<NbOfTxs>${allPayments.length}</NbOfTxs><CtrlSum>${total}</CtrlSum><InitgPty>${el('Nm', batch.initiatingPartyName)}</InitgPty></GrpHdr>`,
  ];
  for (const group of batch.paymentGroups) {
    const instant = group.serviceLevel === 'INST';
    const paymentType = instant
      ? instantAsServiceLevel
        ? '<PmtTpInf><SvcLvl><Cd>INST</Cd></SvcLvl></PmtTpInf>'
        : '<PmtTpInf><SvcLvl><Cd>SEPA</Cd></SvcLvl><LclInstrm><Cd>INST</Cd></LclInstrm></PmtTpInf>'
      : '<PmtTpInf><SvcLvl><Cd>SEPA</Cd></SvcLvl></PmtTpInf>';
    const date = v09
      ? `<ReqdExctnDt><Dt>${group.requestedExecutionDate}</Dt></ReqdExctnDt>`
      : `<ReqdExctnDt>${group.requestedExecutionDate}</ReqdExctnDt>`;
    const booking = group.batchBooking === undefined ? '' : `<BtchBookg>${group.batchBooking}</BtchBookg>`;
    parts.push(
      `<PmtInf>${el('PmtInfId', group.paymentInformationId)}<PmtMtd>TRF</PmtMtd>${booking}<NbOfTxs>${group.payments.length}</NbOfTxs><CtrlSum>${controlSum(group.payments)}</CtrlSum>${paymentType}${date}<Dbtr>${el('Nm', group.debtor.name)}</Dbtr><DbtrAcct><Id>${el('IBAN', group.debtor.iban)}</Id></DbtrAcct><DbtrAgt>${agent(group.debtor.bic, v09)}</DbtrAgt><ChrgBr>${chargeBearer}</ChrgBr>`,
    );
    for (const payment of group.payments) {
      const instruction = payment.instructionId === undefined ? '' : el('InstrId', payment.instructionId);
      const creditorAgent =
        payment.creditor.bic === undefined ? '' : `<CdtrAgt>${agent(payment.creditor.bic, v09)}</CdtrAgt>`;
      parts.push(
        `<CdtTrfTxInf><PmtId>${instruction}${el('EndToEndId', payment.endToEndId)}</PmtId><Amt><InstdAmt Ccy="${escapeAttribute(payment.amount.currency)}">${formatMinor(payment.amount.minor, currencyExponent(payment.amount.currency))}</InstdAmt></Amt>${creditorAgent}<Cdtr>${el('Nm', payment.creditor.name)}</Cdtr><CdtrAcct><Id>${el('IBAN', payment.creditor.iban)}</Id></CdtrAcct>${remittanceXml(payment.remittance)}</CdtTrfTxInf>`,
      );
    }
    parts.push('</PmtInf>');
  }
  parts.push('</CstmrCdtTrfInitn></Document>\n');
  return {
    xml: parts.join(''),
    messageId: batch.messageId,
    version,
    numberOfTransactions: allPayments.length,
    controlSum: total,
    batch,
  };
}

// ---------------------------------------------------------------------------------------------
// Parser (tolerant: reads third-party files too)

function readAmount(amount: Cursor): Money {
  const currency = amount.attr('Ccy') ?? '';
  try {
    return parseDecimal(amount.text(), currency);
  } catch (error) {
    if (error instanceof MoneyError)
      throw amount.error(error.message, amount.path, `${amount.text()} ${currency}`);
    throw error;
  }
}

function readAgentBic(agentNode: Cursor | undefined): string | undefined {
  const institution = agentNode?.el('FinInstnId');
  return institution?.str('BICFI') ?? institution?.str('BIC');
}

function readParty(
  party: Cursor | undefined,
  account: Cursor | undefined,
  agentNode: Cursor | undefined,
): AccountParty {
  const iban = account?.str('Id/IBAN');
  const other = account?.str('Id/Othr/Id');
  const bic = readAgentBic(agentNode);
  return {
    name: party?.str('Nm') ?? '',
    iban: iban ?? '',
    ...(bic === undefined ? {} : { bic }),
    ...(iban === undefined && other !== undefined ? { otherAccountId: other } : {}),
  };
}

function readRemittance(info: Cursor | undefined): Remittance | undefined {
  if (!info) return undefined;
  const reference = info
    .els('Strd')
    .map((s) => s.str('CdtrRefInf/Ref'))
    .find((ref) => ref !== undefined);
  if (reference !== undefined) return { kind: 'structured', reference };
  const lines = info
    .els('Ustrd')
    .map((line) => line.text())
    .filter((line) => line !== '');
  return lines.length > 0 ? { kind: 'unstructured', text: lines.join(' ') } : undefined;
}

function readServiceLevel(paymentType: Cursor | undefined): ServiceLevel {
  if (!paymentType) return 'SEPA';
  const serviceLevel = paymentType.str('SvcLvl/Cd');
  const local = paymentType.str('LclInstrm/Cd');
  return serviceLevel === 'INST' || local === 'INST' || local === 'INSTANT' ? 'INST' : 'SEPA';
}

/** Parses a pain.001 (.001.03 / .001.09 and neighbours) into the builder's input shape. */
export function parsePain001(xml: string, options: ParseOptions = {}): ParsedPain001 {
  const detected = expectMessageType(xml, 'pain.001');
  const tree = parseXml(xml, detected.version, options);
  const root = new Cursor(tree, detected.version, '').req('Document').req('CstmrCdtTrfInitn');
  const header = root.req('GrpHdr');
  const paymentGroups = root.els('PmtInf').map((info): PaymentGroup => {
    const date = info.req('ReqdExctnDt');
    const booking = info.str('BtchBookg');
    const groupPaymentType = info.el('PmtTpInf');
    return {
      paymentInformationId: info.reqStr('PmtInfId'),
      debtor: readParty(info.el('Dbtr'), info.el('DbtrAcct'), info.el('DbtrAgt')),
      requestedExecutionDate: date.str('Dt') ?? date.str('DtTm') ?? date.text(),
      serviceLevel: readServiceLevel(groupPaymentType),
      ...(booking === undefined ? {} : { batchBooking: booking === 'true' || booking === '1' }),
      payments: info.els('CdtTrfTxInf').map((tx): CreditTransfer => {
        const instructionId = tx.str('PmtId/InstrId');
        const remittance = readRemittance(tx.el('RmtInf'));
        return {
          endToEndId: tx.reqStr('PmtId/EndToEndId'),
          ...(instructionId === undefined ? {} : { instructionId }),
          amount: readAmount(tx.at('Amt/InstdAmt') ?? tx.req('Amt').req('InstdAmt')),
          creditor: readParty(tx.el('Cdtr'), tx.el('CdtrAcct'), tx.el('CdtrAgt')),
          ...(remittance === undefined ? {} : { remittance }),
        };
      }),
    };
  });
  const controlSum = header.str('CtrlSum');
  return {
    version: detected.version,
    messageId: header.reqStr('MsgId'),
    createdAt: header.reqStr('CreDtTm'),
    initiatingPartyName: header.str('InitgPty/Nm') ?? '',
    numberOfTransactions: Number(header.str('NbOfTxs') ?? '0'),
    ...(controlSum === undefined ? {} : { controlSum }),
    paymentGroups,
  };
}

/** Sum of all instructed amounts as the decimal `CtrlSum` would state it. */
export function pain001ControlSum(batch: Pain001Batch): string {
  return decimalSum(batch.paymentGroups.flatMap((group) => group.payments.map((payment) => payment.amount)));
}
