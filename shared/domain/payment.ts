// One payment of a batch: its status from our side to the bank's final word and the statement booking,
// the checks a payment line must pass before it may be sent, and the fingerprint used to spot duplicates.
import { DomainError } from '../errors.ts';
import { checkBic, checkIban, isSepaIban } from './iban.ts';
import type { Money } from './money.ts';
import { checkReference } from './reference.ts';
import { conformsToPolicy, DEFAULT_CHARACTER_POLICY, SEPA_LIMITS, textLength } from './sepa-text.ts';

export const paymentStatuses = [
  /** In a draft or confirmed batch; not yet sent. */
  'pending',
  'sent',
  'accepted',
  'pending_signature',
  'settled',
  'rejected',
  /** Seen on a bank statement (after settled). */
  'booked',
  'cancelled',
  /** Never signed in the internet bank before the batch's signing deadline: nothing was paid. */
  'expired',
] as const;

export type PaymentStatus = (typeof paymentStatuses)[number];

const allowed: Record<PaymentStatus, readonly PaymentStatus[]> = {
  pending: ['sent', 'cancelled'],
  sent: ['accepted', 'pending_signature', 'settled', 'rejected', 'expired'],
  accepted: ['pending_signature', 'settled', 'rejected', 'expired'],
  pending_signature: ['settled', 'rejected', 'expired'],
  settled: ['booked'],
  rejected: [],
  booked: [],
  cancelled: [],
  expired: [],
};

export function canMovePayment(from: PaymentStatus, to: PaymentStatus): boolean {
  return allowed[from].includes(to);
}

export function assertPaymentTransition(from: PaymentStatus, to: PaymentStatus): void {
  if (!canMovePayment(from, to)) {
    throw new DomainError(
      'illegal_payment_transition',
      `A payment cannot move from ${from.replaceAll('_', ' ')} to ${to.replaceAll('_', ' ')}`,
    );
  }
}

const paymentStatusWords: Record<PaymentStatus, string> = {
  pending: 'not sent yet',
  sent: 'sent to the bank',
  accepted: 'accepted by the bank',
  pending_signature: 'waiting for signing in the internet bank',
  settled: 'executed by the bank',
  rejected: 'rejected by the bank',
  booked: 'booked on the account statement',
  cancelled: 'cancelled',
  expired: 'not signed in time, not paid',
};

/** Statuses after which the bank will not change the payment any more (booking aside). */
export function isFinalPaymentStatus(status: PaymentStatus): boolean {
  return ['settled', 'booked', 'rejected', 'cancelled', 'expired'].includes(status);
}

export function describePaymentStatus(status: PaymentStatus): string {
  return paymentStatusWords[status];
}

export type SourceDocumentType = 'bill' | 'expense_report';

export interface SourceDocument {
  type: SourceDocumentType;
  id: string;
}

/** A payment line after its shape was checked: amount already in minor units. */
export interface PaymentLine {
  creditorName: string;
  creditorIban: string;
  creditorBic?: string | undefined;
  amount: Money;
  remittanceInformation?: string | undefined;
  reference?: string | undefined;
  /** `YYYY-MM-DD`; absent means as soon as possible. */
  requestedExecutionDate?: string | undefined;
  sourceDocument: SourceDocument;
}

export type PaymentChannel = 'instant' | 'sepa';

export interface PaymentIssue {
  /** Field of the line, e.g. `creditorIban`. */
  field: string;
  code: string;
  message: string;
  /** `error` blocks confirmation; `warning` is shown but does not. */
  severity: 'error' | 'warning';
}

/** Coop Pank sends EUR payments up to this amount as instant payments when the receiving bank supports it. */
export const instantPaymentLimit: Money = { minor: 100_000_00, currency: 'EUR' };

/**
 * Instant when the bank would route it instantly: EUR, within the instant limit, a SEPA account, and due
 * today (a future requested date makes it a scheduled SEPA payment).
 */
export function paymentChannel(line: PaymentLine, today: string): PaymentChannel {
  const dueNow = !line.requestedExecutionDate || line.requestedExecutionDate <= today;
  return line.amount.currency === 'EUR' &&
    line.amount.minor <= instantPaymentLimit.minor &&
    isSepaIban(line.creditorIban) &&
    dueNow
    ? 'instant'
    : 'sepa';
}

/** Content checks of one line (its shape is already valid). `today` is the business date `YYYY-MM-DD`. */
export function paymentLineIssues(line: PaymentLine, today: string): PaymentIssue[] {
  const issues: PaymentIssue[] = [];
  const error = (field: string, code: string, message: string) =>
    issues.push({ field, code, message, severity: 'error' });
  const warning = (field: string, code: string, message: string) =>
    issues.push({ field, code, message, severity: 'warning' });

  const iban = checkIban(line.creditorIban);
  if (!iban.ok) error('creditorIban', 'invalid_iban', `The recipient's IBAN is not valid: ${iban.reason}`);
  else if (!isSepaIban(iban.iban)) {
    error(
      'creditorIban',
      'not_sepa',
      'The recipient account is outside the SEPA area; this is not supported',
    );
  }
  if (line.creditorBic !== undefined) {
    const bic = checkBic(line.creditorBic);
    if (!bic.ok) error('creditorBic', 'invalid_bic', `The BIC is not valid: ${bic.reason}`);
  }
  if (line.amount.currency !== 'EUR') {
    error('currency', 'unsupported_currency', 'Only EUR payments can be sent through Coop Pank Gateway');
  }
  if (line.amount.minor <= 0) error('amount', 'not_positive', 'The amount must be greater than zero');
  if (line.reference !== undefined) {
    const reference = checkReference(line.reference);
    if (!reference.ok)
      error('reference', 'invalid_reference', `The reference number is not valid: ${reference.reason}`);
  }
  if (line.reference === undefined && line.remittanceInformation === undefined) {
    error('remittanceInformation', 'missing', 'Give a reference number or a payment description');
  }
  if (line.remittanceInformation !== undefined) {
    if (textLength(line.remittanceInformation) > SEPA_LIMITS.unstructuredRemittance) {
      error(
        'remittanceInformation',
        'too_long',
        `The payment description must be at most ${SEPA_LIMITS.unstructuredRemittance} characters`,
      );
    } else if (!conformsToPolicy(line.remittanceInformation, DEFAULT_CHARACTER_POLICY)) {
      warning(
        'remittanceInformation',
        'characters_replaced',
        'Some characters are outside the SEPA character set and will be replaced (e.g. õ → o)',
      );
    }
  }
  if (textLength(line.creditorName) > SEPA_LIMITS.name) {
    error('creditorName', 'too_long', `The recipient name must be at most ${SEPA_LIMITS.name} characters`);
  } else if (!conformsToPolicy(line.creditorName, DEFAULT_CHARACTER_POLICY)) {
    warning(
      'creditorName',
      'characters_replaced',
      'Some characters of the name will be replaced (e.g. õ → o)',
    );
  }
  if (line.requestedExecutionDate !== undefined && line.requestedExecutionDate < today) {
    error(
      'requestedExecutionDate',
      'in_the_past',
      `The requested date ${line.requestedExecutionDate} is in the past`,
    );
  }
  return issues;
}

/**
 * What makes two payments "the same": recipient account, amount and the reference (or, without one, the
 * description with case and spacing ignored).
 */
export function duplicateFingerprint(line: PaymentLine): string {
  const iban = line.creditorIban.replace(/\s+/g, '').toUpperCase();
  const reference = line.reference
    ? `R:${line.reference.replace(/\s+/g, '').toUpperCase()}`
    : `T:${(line.remittanceInformation ?? '').trim().replace(/\s+/g, ' ').toLowerCase()}`;
  return `${iban}|${line.amount.currency}|${line.amount.minor}|${reference}`;
}

/** A deterministic end-to-end id (≤ 35 characters) from the batch id and the payment's position. */
export function endToEndIdFor(batchId: string, position: number): string {
  const compact = batchId.replace(/[^A-Za-z0-9]/g, '').slice(0, 24);
  return `${compact}-${String(position).padStart(5, '0')}`;
}
