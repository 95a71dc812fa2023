// Money as an integer number of minor units plus an ISO 4217 currency. Decimal strings exist only at the
// edges and are converted by string manipulation, never through floating point.
//
// Minor units are a safe-integer `number` (not bigint): JSON and DynamoDB carry it as is, and
// Number.MAX_SAFE_INTEGER cents is ~90 trillion EUR, far beyond any payment or statement we handle.
// Every operation checks that results stay safe integers.

import { DomainError } from '../errors.ts';

export interface Money {
  /** Integer minor units (cents for EUR). May be negative only where an operation says so. */
  minor: number;
  /** ISO 4217 alphabetic code, upper case. */
  currency: string;
}

export class MoneyError extends DomainError {
  override name = 'MoneyError';
  readonly value: string;
  constructor(message: string, value: unknown) {
    super('money_invalid', message);
    this.value = String(value);
  }
}

// Active ISO 4217 codes whose exponent is not 2. Every other code in ACTIVE_CODES uses 2.
const EXPONENT_OVERRIDES: Readonly<Record<string, number>> = {
  BIF: 0,
  CLP: 0,
  DJF: 0,
  GNF: 0,
  ISK: 0,
  JPY: 0,
  KMF: 0,
  KRW: 0,
  PYG: 0,
  RWF: 0,
  UGX: 0,
  UYI: 0,
  VND: 0,
  VUV: 0,
  XAF: 0,
  XOF: 0,
  XPF: 0,
  BHD: 3,
  IQD: 3,
  JOD: 3,
  KWD: 3,
  LYD: 3,
  OMR: 3,
  TND: 3,
  CLF: 4,
  UYW: 4,
};

const ACTIVE_CODES = new Set(
  (
    'AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BOV BRL BSD BTN BWP BYN ' +
    'BZD CAD CDF CHE CHF CHW CLF CLP CNY COP COU CRC CUC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD ' +
    'FKP GBP GEL GHS GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR ' +
    'KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MXV ' +
    'MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR SBD SCR SDG ' +
    'SEK SGD SHP SLE SLL SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS UAH UGX USD USN ' +
    'UYI UYU UYW UZS VED VES VND VUV WST XAF XCD XCG XOF XPF YER ZAR ZMW ZWG ZWL'
  ).split(' '),
);

export function isKnownCurrency(currency: string): boolean {
  return ACTIVE_CODES.has(currency);
}

/** Number of fraction digits of an ISO 4217 currency (EUR 2, JPY 0, BHD 3). Unknown codes throw. */
export function currencyExponent(currency: string): number {
  if (!ACTIVE_CODES.has(currency)) {
    throw new MoneyError(`unknown currency code "${currency}" (expected an active ISO 4217 code)`, currency);
  }
  return EXPONENT_OVERRIDES[currency] ?? 2;
}

export interface AmountRules {
  /** Allow a zero amount (default true). */
  allowZero?: boolean;
  /** Allow a leading minus sign (default false). */
  allowNegative?: boolean;
}

/** Builds a Money value, checking that `minor` is a safe integer and the currency is known. */
export function money(minor: number, currency: string, rules: AmountRules = {}): Money {
  currencyExponent(currency);
  checkMinor(minor, currency, rules);
  return { minor, currency };
}

function checkMinor(minor: number, currency: string, rules: AmountRules): void {
  if (!Number.isSafeInteger(minor)) {
    throw new MoneyError(`amount ${minor} ${currency} is not a safe integer number of minor units`, minor);
  }
  if (minor < 0 && !rules.allowNegative) {
    throw new MoneyError(`amount ${minor} ${currency} must not be negative`, minor);
  }
  if (minor === 0 && rules.allowZero === false) {
    throw new MoneyError(`amount of ${currency} must be greater than zero`, minor);
  }
}

const DECIMAL = /^([+-]?)(\d+)(?:\.(\d*))?$/;

let lastCurrency = '';
let lastExponent = 2;
/** `currencyExponent`, remembering the last currency (a statement is nearly always in one). */
function exponentOf(currency: string): number {
  if (currency === lastCurrency) return lastExponent;
  const exponent = currencyExponent(currency);
  lastCurrency = currency;
  lastExponent = exponent;
  return exponent;
}

const POWERS_OF_TEN = [1, 10, 100, 1000, 10_000];

/**
 * Minor units of an unsigned plain decimal ("1250", "12.5", "12.") with at most `exponent` fraction digits and
 * at most 15 digits in all, so the arithmetic is exact; -1 for anything else (the general parser decides).
 */
function plainMinor(text: string, exponent: number): number {
  if (exponent >= POWERS_OF_TEN.length) return -1;
  const length = text.length;
  let whole = 0;
  let k = 0;
  for (; k < length; k++) {
    const digit = text.charCodeAt(k) - 48;
    if (digit < 0 || digit > 9) break;
    whole = whole * 10 + digit;
  }
  if (k === 0 || k + exponent > 15) return -1;
  let fraction = 0;
  let digits = 0;
  if (k < length) {
    if (text.charCodeAt(k) !== 46) return -1;
    for (k++; k < length; k++) {
      const digit = text.charCodeAt(k) - 48;
      if (digit < 0 || digit > 9) return -1;
      fraction = fraction * 10 + digit;
      digits++;
    }
    if (digits > exponent) return -1;
  }
  return (
    whole * (POWERS_OF_TEN[exponent] as number) + fraction * (POWERS_OF_TEN[exponent - digits] as number)
  );
}

/**
 * Parses a decimal string ("1234.5", "0.29", "100") into minor units of `currency`.
 * Trailing zeros beyond the currency exponent are accepted ("12.500" EUR = 1250); non-zero digits
 * beyond it are an error, as are exponents, grouping separators and empty strings.
 */
export function parseDecimal(text: string, currency: string, rules: AmountRules = {}): Money {
  const exponent = exponentOf(currency);
  // Statements carry hundreds of thousands of amounts, nearly all plain ("1048.29"): read those directly.
  const plain = plainMinor(text, exponent);
  if (plain >= 0) {
    checkMinor(plain, currency, rules);
    return { minor: plain, currency };
  }
  const trimmed = text.trim();
  const match = DECIMAL.exec(trimmed);
  if (!match) {
    throw new MoneyError(`"${text}" is not a decimal amount`, text);
  }
  const sign = match[1] === '-' ? -1 : 1;
  const whole = match[2] ?? '0';
  let fraction = match[3] ?? '';
  if (fraction.length > exponent) {
    const extra = fraction.slice(exponent);
    if (/[^0]/.test(extra)) {
      throw new MoneyError(
        `"${text}" has more than ${exponent} fraction digits, which ${currency} does not allow`,
        text,
      );
    }
    fraction = fraction.slice(0, exponent);
  }
  const digits = (whole + fraction.padEnd(exponent, '0')).replace(/^0+(?=\d)/, '');
  if (digits.length > 15 && BigInt(digits) > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new MoneyError(`"${text}" ${currency} is too large`, text);
  }
  const minor = sign * Number(digits);
  const normalised = Object.is(minor, -0) ? 0 : minor;
  checkMinor(normalised, currency, rules);
  return { minor: normalised, currency };
}

/** Formats minor units as a decimal string with exactly the currency's fraction digits ("12.50"). */
export function formatDecimal(value: Money): string {
  return formatMinor(value.minor, currencyExponent(value.currency));
}

/** Formats an integer (number or bigint) of minor units with `exponent` fraction digits. */
export function formatMinor(minor: number | bigint, exponent: number): string {
  if (typeof minor === 'number' && Number.isSafeInteger(minor)) {
    // Same digits as the bigint path, without allocating a bigint per amount.
    const negative = minor < 0;
    const digits = String(negative ? -minor : minor).padStart(exponent + 1, '0');
    if (exponent === 0) return negative ? `-${digits}` : digits;
    const cut = digits.length - exponent;
    return `${negative ? '-' : ''}${digits.slice(0, cut)}.${digits.slice(cut)}`;
  }
  const big = BigInt(minor);
  const negative = big < 0n;
  const digits = (negative ? -big : big).toString().padStart(exponent + 1, '0');
  const whole = digits.slice(0, digits.length - exponent);
  const fraction = digits.slice(digits.length - exponent);
  return `${negative ? '-' : ''}${whole}${exponent > 0 ? `.${fraction}` : ''}`;
}

/** Adds amounts of one currency; throws on mixed currencies or a result outside the safe range. */
export function addMoney(a: Money, b: Money): Money {
  if (a.currency !== b.currency) {
    throw new MoneyError(`cannot add ${a.currency} and ${b.currency}`, `${a.currency}+${b.currency}`);
  }
  const minor = a.minor + b.minor;
  if (!Number.isSafeInteger(minor)) {
    throw new MoneyError(`sum of ${a.currency} amounts overflows`, minor);
  }
  return { minor, currency: a.currency };
}

export function sumMoney(values: readonly Money[], currency: string): Money {
  let total: Money = { minor: 0, currency };
  for (const value of values) total = addMoney(total, value);
  return total;
}

/**
 * Sums amounts that may be in different currencies as a decimal string, as ISO 20022 `CtrlSum` requires
 * (a plain sum of the numbers). Uses bigint at the largest exponent involved, so it is exact.
 */
export function decimalSum(values: Iterable<Money>): string {
  const byExponent: { minor: bigint; exponent: number }[] = [];
  let maxExponent = 0;
  for (const value of values) {
    const exponent = currencyExponent(value.currency);
    maxExponent = Math.max(maxExponent, exponent);
    byExponent.push({ minor: BigInt(value.minor), exponent });
  }
  let total = 0n;
  for (const { minor, exponent } of byExponent) total += minor * 10n ** BigInt(maxExponent - exponent);
  return formatMinor(total, maxExponent);
}

export function isSameMoney(a: Money, b: Money): boolean {
  return a.minor === b.minor && a.currency === b.currency;
}
